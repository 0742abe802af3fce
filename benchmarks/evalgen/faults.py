"""What desa operators, spreadsheets and old papers do to a registration.

Each registration row is damaged independently of the person's other registrations. A
profile gives the rate of every fault; `default` is a fairly kept kabupaten file, `messy` one
typed in a hurry and passed through Excel more than once, `no-nik` a desa list typed before
KTP-el (every NIK blank). At most one NIK fault and one date fault hit a row; name faults
combine. Every fault applied is recorded in the ground truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from lokal import PROVINCES

from .households import HEAD
from .names import JAWA_MALE_MID, MUSLIM_MALE, MUSLIM_TRADITIONS, draw


@dataclass(frozen=True)
class Profile:
    name: str
    # Name faults (independent; a row may get several).
    name_typo: float = 0.03
    name_spelling: float = 0.05  # old/new spelling (oe/u, dj/j, tj/c, ch/kh)
    muhammad_variant: float = 0.40  # of names holding MUHAMMAD, AHMAD, ABDUL, SITI
    name_compound: float = 0.15  # of names with a joinable or splittable word (NUR AINI/NURAINI)
    name_title: float = 0.04  # H./HJ./DRS./IR. before, degrees after
    name_bin: float = 0.015  # BIN/BINTI and the father's name
    name_drop_word: float = 0.03
    name_initial: float = 0.01
    name_swap: float = 0.004
    name_spaces: float = 0.03
    # NIK faults (one at most; rates of the rows of people who have a NIK).
    nik: dict[str, float] = field(
        default_factory=lambda: {
            "nik_blank": 0.04,
            "nik_placeholder": 0.01,
            "nik_typo": 0.012,
            "nik_transpose": 0.006,
            "nik_sex_digit": 0.004,
            "nik_of_head": 0.006,
            "nik_of_other": 0.002,
            "nik_reissued": 0.006,
            "nik_excel_lost": 0.004,
            "nik_excel_zero": 0.004,
            "nik_excel_full": 0.004,
            "nik_apostrophe": 0.005,
            "nik_spaces": 0.004,
            "nik_dot0": 0.004,
            "nik_short": 0.002,
        }
    )
    # Rows of people without a NIK that carry a placeholder instead of an empty cell.
    no_nik_placeholder: float = 0.2
    # Date faults (one at most).
    dob: dict[str, float] = field(
        default_factory=lambda: {
            "dob_swap": 0.02,
            "dob_year_only": 0.015,
            "dob_year_typo": 0.008,
            "dob_day_typo": 0.01,
            "dob_blank": 0.004,
        }
    )
    sex_wrong: float = 0.008
    mother_blank: float = 0.35
    mother_first_only: float = 0.25
    two_digit_year_batches: float = 0.0
    every_nik_blank: bool = False


def _scaled(profile: Profile, name: str, factor: float) -> Profile:
    fields = {
        k: min(v * factor, 0.9)
        for k, v in profile.__dict__.items()
        if isinstance(v, float)
        and k not in {"mother_blank", "mother_first_only", "muhammad_variant"}
    }
    return replace(
        profile,
        name=name,
        nik={k: v * factor for k, v in profile.nik.items()},
        dob={k: v * factor for k, v in profile.dob.items()},
        **fields,
    )


PROFILES: dict[str, Profile] = {
    "default": Profile("default"),
    "messy": replace(
        _scaled(Profile("default"), "messy", 2.5),
        muhammad_variant=0.6,
        mother_blank=0.5,
        two_digit_year_batches=0.1,
    ),
    "no-nik": replace(Profile("no-nik"), every_nik_blank=True),
}

# Faults whose row the importer must reject (the content was lost or is impossible).
REJECTING = {"nik_excel_lost", "nik_short"}
# Faults that change a NIK's digits: the result may or may not still be a possible NIK.
CHANGES_DIGITS = {"nik_typo", "nik_transpose", "nik_excel_zero", "nik_reissued", "nik_sex_digit"}

KEYBOARD = {
    "A": "SQZ", "B": "VNGH", "C": "XVDF", "D": "SFEC", "E": "WRD", "F": "DGRV", "G": "FHTB",
    "H": "GJYN", "I": "UOK", "J": "HKUM", "K": "JLI", "L": "KO", "M": "NJ", "N": "BMH",
    "O": "IPL", "P": "O", "Q": "WA", "R": "ETF", "S": "ADWX", "T": "RYG", "U": "YIJ",
    "V": "CBF", "W": "QES", "X": "ZCS", "Y": "TUH", "Z": "XA",
}  # fmt: skip

SPELLING_MODERN = (("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("CH", "KH"), ("SJ", "SY"))
SPELLING_OLD = (("U", "OE"), ("J", "DJ"), ("C", "TJ"), ("KH", "CH"), ("SY", "SJ"))
MUHAMMAD_FORMS = (
    "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOH.", "M.", "MUH.", "MOCH.", "MOCHAMAD", "MUCHAMMAD", "MOHD.",
)  # fmt: skip
TOKEN_FORMS = {
    "MUHAMMAD": MUHAMMAD_FORMS,
    "AHMAD": ("ACHMAD", "AHMAD", "A."),
    "ABDUL": ("ABD.", "ABD", "ABDOEL"),
    "SITI": ("SITTI", "ST.", "SITI"),
    "MOCH": ("MOCH.", "MOH.", "M."),
}
JOINABLE = ("NUR", "ABDUL", "SRI", "DEWI", "SITI")
TITLES_BEFORE = ("H.", "HJ.", "DRS.", "DRA.", "IR.", "DR.", "HAJI")
DEGREES_AFTER = (
    "S.PD.",
    "S.PD.I",
    "S.E.",
    "S.AG.",
    "A.MD.",
    "S.H.",
    "S.KEP.",
    "AMK",
    "S.SOS.",
    "S.T.",
    "M.PD.",
)
PLACEHOLDERS = ("-", "0", "BELUM ADA", "tidak ada", "0000000000000000", "blm ada", "KOSONG")
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")  # fmt: skip


# --- names -------------------------------------------------------------------------------


def _typo(rng: np.random.Generator, s: str) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 3:
        return s
    i = letters[int(rng.integers(len(letters)))]
    kind = int(rng.integers(4))
    c = s[i]
    if kind == 0:  # a neighbouring key
        near = KEYBOARD.get(c.upper(), c)
        return s[:i] + near[int(rng.integers(len(near)))] + s[i + 1 :]
    if kind == 1:  # a letter left out
        return s[:i] + s[i + 1 :]
    if kind == 2:  # a letter doubled
        return s[:i] + c + s[i:]
    j = i + 1 if i + 1 < len(s) and s[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return s[:a] + s[b] + s[a] + s[b + 1 :]


def _spelling(rng: np.random.Generator, s: str, old: bool) -> str:
    pairs = list(SPELLING_MODERN + (SPELLING_OLD if old else ()))
    for k in rng.permutation(len(pairs)):
        a, b = pairs[k]
        if a in s:
            return s.replace(a, b, 1)
    return s


def _token_variant(rng: np.random.Generator, s: str) -> str:
    words = s.split(" ")
    hits = [i for i, w in enumerate(words) if w in TOKEN_FORMS]
    if not hits:
        return s
    i = hits[int(rng.integers(len(hits)))]
    forms = TOKEN_FORMS[words[i]]
    words[i] = forms[int(rng.integers(len(forms)))]
    return " ".join(words)


def _compound(rng: np.random.Generator, s: str) -> str:
    words = s.split(" ")
    for i, w in enumerate(words[:-1]):
        if w in JOINABLE:  # NUR AINI -> NURAINI
            return " ".join([*words[:i], w + words[i + 1], *words[i + 2 :]])
    for i, w in enumerate(words):
        for stem in ("NUR", "ABDUR", "ABDUL", "SRI"):
            if w.startswith(stem) and len(w) > len(stem) + 2:  # NURHAYATI -> NUR HAYATI
                return " ".join([*words[:i], stem, w[len(stem) :], *words[i + 1 :]])
    return s


def _title(rng: np.random.Generator, s: str, age: int, muslim: bool, female: bool) -> str:
    if rng.random() < 0.5 and age >= 40 and muslim:
        return ("HJ. " if female else "H. ") + s
    if age < 23:
        return s
    if rng.random() < 0.3:
        t = TITLES_BEFORE[2 + int(female)] if rng.random() < 0.7 else "IR."
        return f"{t} {s}"
    degree = DEGREES_AFTER[int(rng.integers(len(DEGREES_AFTER)))]
    return f"{s}, {degree}" if rng.random() < 0.7 else f"{s} {degree}"


def _drop_word(rng: np.random.Generator, s: str) -> str:
    words = s.split(" ")
    if len(words) < 2:
        return s
    if words[0] in ("SITI", "NUR", "MUHAMMAD", "I", "NI") and rng.random() < 0.6:
        return " ".join(words[1:])
    return " ".join(words[:-1])


def _initial(rng: np.random.Generator, s: str) -> str:
    words = s.split(" ")
    if len(words) < 2:
        return s
    i = len(words) - 1 if rng.random() < 0.6 else 0
    words[i] = words[i][0] + "."
    return " ".join(words)


def _swap(rng: np.random.Generator, s: str) -> str:
    words = s.split(" ")
    return " ".join(words[::-1]) if len(words) == 2 else s


def _spaces(rng: np.random.Generator, s: str) -> str:
    kind = int(rng.integers(3))
    if kind == 0 and " " in s:
        return s.replace(" ", "  ", 1)
    if kind == 1:
        return " " + s
    return s + " "


# --- NIK ---------------------------------------------------------------------------------


def nik_is_valid(nik: str, today: dt.date) -> bool:
    """Structural validity, written from the NIK's definition (not the importer's code)."""
    if len(nik) != 16 or not nik.isdigit():
        return False
    if nik[:2] not in PROVINCES or nik[2:4] == "00" or nik[4:6] == "00" or nik[12:] == "0000":
        return False
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        day -= 40
    # The century that gives an age from 0 to about 115.
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    if born > today:
        born = dt.date(year - 100, month, day) if year >= 2000 else born
    return born <= today


def _digit_typo(rng: np.random.Generator, s: str) -> str:
    i = int(rng.integers(16))
    d = str((int(s[i]) + int(rng.integers(1, 10))) % 10)
    return s[:i] + d + s[i + 1 :]


def _transpose(rng: np.random.Generator, s: str) -> str:
    for _ in range(5):
        i = int(rng.integers(15))
        if s[i] != s[i + 1]:
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s


def _excel_lost(rng: np.random.Generator, s: str) -> str:
    digits = int(rng.integers(6, 13))  # what a narrow General-format cell shows
    mantissa = f"{s[0]}.{s[1:digits]}".rstrip("0").rstrip(".")
    return f"{mantissa}E+15"


def _excel_full(rng: np.random.Generator, s: str) -> str:
    return f"{s[0]}.{s[1:]}E+15"


NIK_FAULTS: dict[str, Callable[[np.random.Generator, str], str]] = {
    "nik_blank": lambda rng, s: "",
    "nik_placeholder": lambda rng, s: PLACEHOLDERS[int(rng.integers(len(PLACEHOLDERS)))],
    "nik_typo": _digit_typo,
    "nik_transpose": _transpose,
    "nik_excel_lost": _excel_lost,
    "nik_excel_zero": lambda rng, s: s[:15] + "0",
    "nik_excel_full": _excel_full,
    "nik_apostrophe": lambda rng, s: "'" + s,
    "nik_spaces": lambda rng, s: (
        f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}" if rng.random() < 0.5 else s + " "
    ),
    "nik_dot0": lambda rng, s: s + ".0",
    "nik_short": lambda rng, s: (lambda i: s[:i] + s[i + 1 :])(int(rng.integers(16))),
}


def _sex_digit(s: str) -> str:
    day = int(s[6:8])
    return s[:6] + f"{day - 40:02d}" + s[8:] if day > 40 else s


def _reissued(rng: np.random.Generator, s: str, kecamatan_now: str) -> str:
    """A second card: recorded again where the person lives now, or a new serial."""
    if kecamatan_now != s[:6] and rng.random() < 0.6:
        return kecamatan_now + s[6:]
    # Serials of reissued cards are far above the first ones of that kecamatan and date.
    serial = 5000 + int(rng.integers(0, 4999))
    return s[:12] + f"{serial:04d}"


# --- dates -------------------------------------------------------------------------------


def _date_fault(rng: np.random.Generator, kind: str, d: dt.date, today: dt.date) -> dt.date | None:
    if kind == "dob_blank":
        return None
    if kind == "dob_swap":
        if d.day <= 12 and d.day != d.month:
            return d.replace(day=d.month, month=d.day)
        return d
    if kind == "dob_year_only":
        defaults = [dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), dt.date(d.year, 7, 1)]
        default = defaults[int(rng.integers(3))]
        return default if default <= today else dt.date(d.year, 1, 1)
    if kind == "dob_year_typo":
        y = d.year + int(rng.choice([-1, 1, -10, 10]))
        if rng.random() < 0.4 and d.year % 10 != (d.year // 10) % 10:
            y = d.year - d.year % 100 + (d.year % 10) * 10 + (d.year // 10) % 10  # 1978 -> 1987
        try:
            new = d.replace(year=y)
        except ValueError:
            return d
        return new if dt.date(1900, 1, 1) <= new <= today else d
    day_shift = dt.timedelta(days=int(rng.choice([-3, -2, -1, 1, 2, 3])))
    new = d + day_shift
    return new if new <= today else d


# --- the whole row -----------------------------------------------------------------------


@dataclass
class Damaged:
    nik: list[str]
    name: list[str]
    dob: list[dt.date | None]
    female: np.ndarray
    mother: list[str]
    faults: list[list[str]]
    rejected: np.ndarray


def damage(
    rng: np.random.Generator,
    profile: Profile,
    *,
    true_nik: np.ndarray,
    head_nik: np.ndarray,
    name: np.ndarray,
    dob: list[dt.date],
    female: np.ndarray,
    age: np.ndarray,
    tradition: np.ndarray,
    reg_role: np.ndarray,
    mother: np.ndarray,
    kecamatan_now: np.ndarray,
    today: dt.date,
) -> Damaged:
    """Damage every registration row independently; the truth is left untouched."""
    n = len(name)
    faults: list[list[str]] = [[] for _ in range(n)]
    out_name = name.tolist()
    out_nik = true_nik.tolist()
    out_dob: list[dt.date | None] = list(dob)
    out_mother = mother.tolist()
    muslim = np.isin(tradition, MUSLIM_TRADITIONS)

    def apply(code: str, mask: np.ndarray, fn: Callable[[int], None]) -> None:
        for i in np.flatnonzero(mask).tolist():
            fn(i)
            faults[i].append(code)

    u = lambda: rng.random(n)  # noqa: E731

    # Names.
    def set_name(f: Callable[[np.random.Generator, str], str]) -> Callable[[int], None]:
        def go(i: int) -> None:
            out_name[i] = f(rng, out_name[i])

        return go

    has_token = np.asarray([any(t in TOKEN_FORMS for t in s.split(" ")) for s in out_name])
    apply("name_variant", has_token & (u() < profile.muhammad_variant), set_name(_token_variant))
    joinable = np.asarray(
        [
            any(w in JOINABLE for w in s.split(" ")[:-1]) or "NUR" in s or "ABDU" in s
            for s in out_name
        ]
    )
    apply("name_compound", joinable & (u() < profile.name_compound), set_name(_compound))
    old = age >= 55
    apply(
        "name_spelling",
        u() < profile.name_spelling,
        lambda i: out_name.__setitem__(i, _spelling(rng, out_name[i], bool(old[i]))),
    )
    apply("name_drop_word", u() < profile.name_drop_word, set_name(_drop_word))
    apply("name_initial", u() < profile.name_initial, set_name(_initial))
    apply("name_swap", u() < profile.name_swap, set_name(_swap))
    apply("name_typo", u() < profile.name_typo, set_name(_typo))
    fathers = draw(rng, MUSLIM_MALE + JAWA_MALE_MID, n)
    apply(
        "name_bin",
        muslim & (u() < profile.name_bin),
        lambda i: out_name.__setitem__(
            i, f"{out_name[i]} {'BINTI' if female[i] else 'BIN'} {fathers[i]}"
        ),
    )
    apply(
        "name_title",
        (age >= 20) & (u() < profile.name_title),
        lambda i: out_name.__setitem__(
            i, _title(rng, out_name[i], int(age[i]), bool(muslim[i]), bool(female[i]))
        ),
    )
    apply("name_spaces", u() < profile.name_spaces, set_name(_spaces))

    # NIK.
    has_nik = true_nik != ""
    if profile.every_nik_blank:
        out_nik = [""] * n
        for i in range(n):
            faults[i].append("nik_all_blank")
    else:
        placeholder = ~has_nik & (u() < profile.no_nik_placeholder)
        apply("nik_placeholder", placeholder, lambda i: out_nik.__setitem__(i, PLACEHOLDERS[i % 7]))
        others = true_nik[has_nik]  # NIKs another person's row may borrow
        kinds = list(profile.nik)
        probs = np.array([profile.nik[k] for k in kinds])
        pick = rng.choice(len(kinds) + 1, size=n, p=[*probs, 1 - probs.sum()])
        for k, code in enumerate(kinds):
            mask = has_nik & (pick == k)
            if code == "nik_sex_digit":
                mask &= female
                apply(code, mask, lambda i: out_nik.__setitem__(i, _sex_digit(out_nik[i])))
            elif code == "nik_of_head":
                mask &= (reg_role != HEAD) & (head_nik != "") & (head_nik != true_nik)
                apply(code, mask, lambda i: out_nik.__setitem__(i, str(head_nik[i])))
            elif code == "nik_of_other":
                apply(
                    code,
                    mask,
                    lambda i: out_nik.__setitem__(i, str(others[int(rng.integers(len(others)))])),
                )
            elif code == "nik_reissued":
                apply(
                    code,
                    mask,
                    lambda i: out_nik.__setitem__(
                        i, _reissued(rng, out_nik[i], str(kecamatan_now[i]))
                    ),
                )
            else:
                fn = NIK_FAULTS[code]
                apply(code, mask, lambda i, fn=fn: out_nik.__setitem__(i, fn(rng, out_nik[i])))

    # Birth dates.
    kinds = list(profile.dob)
    probs = np.array([profile.dob[k] for k in kinds])
    pick = rng.choice(len(kinds) + 1, size=n, p=[*probs, 1 - probs.sum()])
    for k, code in enumerate(kinds):
        apply(
            code,
            pick == k,
            lambda i, code=code: out_dob.__setitem__(
                i, _date_fault(rng, code, out_dob[i], today) if out_dob[i] else None
            ),
        )

    out_female = female.copy()
    apply("sex_wrong", u() < profile.sex_wrong, lambda i: out_female.__setitem__(i, not female[i]))

    blank_mother = u() < profile.mother_blank
    first_only = ~blank_mother & (u() < profile.mother_first_only)
    for i in np.flatnonzero(blank_mother).tolist():
        out_mother[i] = ""
    for i in np.flatnonzero(first_only).tolist():
        out_mother[i] = out_mother[i].split(" ")[0]

    rejected = np.zeros(n, dtype=bool)
    for i, codes in enumerate(faults):
        if any(c in REJECTING for c in codes):
            rejected[i] = True
        elif out_nik[i] and any(c in CHANGES_DIGITS for c in codes):
            # A digit typo may make the NIK impossible (a 32nd day, serial 0000): rejected.
            rejected[i] = not nik_is_valid(out_nik[i], today)
    return Damaged(out_nik, out_name, out_dob, out_female, out_mother, faults, rejected)
