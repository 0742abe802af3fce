"""Indonesian personal names drawn with numpy from Faker's ``id_ID`` lists, plus name variants.

Faker is not called per row (far too slow for millions of people): its ``id_ID`` person
lists are read once and mixed with the very frequent names that Faker under-represents
(Siti, Muhammad, Nur, Ahmad, Sri...). Frequencies are Zipf-like, so common tokens are
really common, which matters for the term-frequency adjustments of record linkage.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from faker.providers.person.id_ID import Provider as _FakerPerson

from terpadu.synth._types import BoolArr, FloatArr, IntArr

ObjArr = npt.NDArray[np.object_]

# Very frequent first tokens, with their share (%) among first tokens of that sex.
_MALE_COMMON = {
    "Muhammad": 5.0, "Ahmad": 2.5, "Abdul": 1.2, "Agus": 1.2, "Budi": 0.8, "Asep": 0.8,
    "Dedi": 0.6, "Eko": 0.6, "Joko": 0.5, "Slamet": 0.6, "Rudi": 0.5, "Hendra": 0.4,
    "Andi": 0.6, "Rizky": 0.6, "Nur": 0.6, "Iwan": 0.4, "Yusuf": 0.4, "Ali": 0.3,
    "Hasan": 0.3, "Imam": 0.3, "Arif": 0.4, "Dwi": 0.4, "Bambang": 0.4, "Heri": 0.4,
    "Wahyu": 0.4, "Rahmat": 0.4, "Fajar": 0.3, "Ade": 0.3, "Ujang": 0.3, "Dimas": 0.3,
}  # fmt: skip
_FEMALE_COMMON = {
    "Siti": 7.0, "Nur": 3.0, "Sri": 2.5, "Dewi": 1.2, "Nurul": 1.0, "Ani": 0.6, "Rina": 0.5,
    "Yuli": 0.5, "Fitri": 0.6, "Eka": 0.4, "Ika": 0.4, "Dian": 0.5, "Lilis": 0.4,
    "Neneng": 0.3, "Euis": 0.3, "Tuti": 0.3, "Ratna": 0.4, "Wulan": 0.3, "Indah": 0.4,
    "Nining": 0.3, "Yanti": 0.4, "Aisyah": 0.4, "Putri": 0.5, "Nabila": 0.3, "Aulia": 0.4,
}  # fmt: skip
# Single-token names typical of people born before about 1975 (Javanese, Sundanese).
_OLD_MALE = [
    "Sutrisno",
    "Suparman",
    "Sugiyanto",
    "Suyanto",
    "Sukardi",
    "Paiman",
    "Karta",
    "Warsito",
    "Sarno",
    "Tarmuji",
    "Sukirman",
    "Rasim",
    "Carsim",
    "Daryono",
    "Supardi",
    "Mulyadi",
    "Sumarno",
    "Kasim",
    "Jumadi",
    "Darmo",
    "Wagiman",
    "Sanusi",
    "Ruslan",
    "Kosim",
    "Uju",
    "Sarmin",
    "Tasman",
    "Parjo",
    "Ngadiman",
    "Sukarman",
]
_OLD_FEMALE = [
    "Sumarni",
    "Sukinah",
    "Painem",
    "Tukiyem",
    "Sainah",
    "Ponirah",
    "Suminah",
    "Kartini",
    "Juariah",
    "Rukiah",
    "Warsih",
    "Tarsih",
    "Karsinah",
    "Sutinah",
    "Sumiati",
    "Ngatini",
    "Saminah",
    "Rasinah",
    "Onah",
    "Enok",
    "Imas",
    "Iyah",
    "Icih",
    "Amah",
    "Mariam",
    "Sarinah",
    "Tumini",
    "Kasmi",
    "Wartini",
    "Sukarsih",
]
_MALE_SECOND_EXTRA = [
    "Hidayat",
    "Saputra",
    "Setiawan",
    "Kurniawan",
    "Hidayatullah",
    "Rahman",
    "Hakim",
    "Abdullah",
    "Ramadhan",
    "Firmansyah",
    "Prasetyo",
    "Santoso",
    "Nugroho",
    "Maulana",
    "Fauzi",
    "Syahputra",
    "Hasanudin",
    "Sholeh",
    "Ridwan",
    "Arifin",
    "Mubarok",
    "Yusuf",
    "Iskandar",
    "Fadilah",
    "Rizki",
    "Hermawan",
    "Sutisna",
    "Suryana",
    "Nurdin",
    "Effendi",
]
_FEMALE_SECOND_EXTRA = [
    "Aminah",
    "Fatimah",
    "Nurhaliza",
    "Rahmawati",
    "Handayani",
    "Lestari",
    "Wati",
    "Sari",
    "Hasanah",
    "Nurjanah",
    "Maryam",
    "Khodijah",
    "Zubaidah",
    "Rohmah",
    "Nurhayati",
    "Komariah",
    "Sulastri",
    "Rohani",
    "Maesaroh",
    "Masitoh",
    "Aisyah",
    "Fitriani",
    "Apriani",
    "Yulianti",
    "Nuraini",
    "Solihah",
    "Nurlela",
    "Susilawati",
    "Kurniasih",
    "Rosita",
]
# First tokens that rarely stand alone.
_NEEDS_SECOND = frozenset({"Muhammad", "Ahmad", "Abdul", "Nur", "Siti", "Nurul", "Sri", "Dwi"})

_DEGREES = ("S.Pd.", "S.E.", "S.H.", "S.T.", "S.Kom.", "S.Sos.", "S.Ag.", "S.Kep.", "S.IP.")
_DIPLOMA = ("A.Md.", "A.Md.Kep.", "A.Ma.")


def _zipf(n: int, seed: int) -> FloatArr:
    """Zipf-like weights over a fixed random order (fixed seed: same frequencies every run)."""
    order = np.random.default_rng(seed).permutation(n)
    w = 1.0 / (order.astype(np.float64) + 30.0)
    out: FloatArr = w / w.sum()
    return out


def _mix(common: dict[str, float], rest: list[str], seed: int) -> tuple[list[str], FloatArr]:
    """Tokens and probabilities: ``common`` with explicit shares, ``rest`` Zipf on the remainder."""
    rest = [t for t in dict.fromkeys(rest) if t not in common]
    tokens = [*common, *rest]
    share = sum(common.values()) / 100.0
    p = np.concatenate(
        [np.array(list(common.values())) / 100.0, _zipf(len(rest), seed) * (1.0 - share)]
    )
    return tokens, p / p.sum()


@dataclass(frozen=True)
class _Pool:
    """A weighted sub-range of the token array."""

    offset: int
    p: FloatArr

    def draw(self, rng: np.random.Generator, n: int) -> IntArr:
        return self.offset + rng.choice(len(self.p), size=n, p=self.p).astype(np.int64)


class NamePools:
    """All name tokens as one object array and weighted sub-pools by sex and position."""

    def __init__(self) -> None:
        parts: list[tuple[list[str], FloatArr]] = [
            _mix(_MALE_COMMON, list(_FakerPerson.first_names_male), 11),
            _mix(_FEMALE_COMMON, list(_FakerPerson.first_names_female), 12),
            (_OLD_MALE, _zipf(len(_OLD_MALE), 13)),
            (_OLD_FEMALE, _zipf(len(_OLD_FEMALE), 14)),
            _mix({}, [*_MALE_SECOND_EXTRA, *_FakerPerson.last_names_male], 15),
            _mix({}, [*_FEMALE_SECOND_EXTRA, *_FakerPerson.last_names_female], 16),
        ]
        tokens: list[str] = []
        pools: list[_Pool] = []
        for toks, p in parts:
            pools.append(_Pool(len(tokens), p))
            tokens.extend(toks)
        self.tokens: ObjArr = np.array(tokens, dtype=object)
        self.male_first, self.female_first, self.old_male, self.old_female = pools[:4]
        self.male_second, self.female_second = pools[4:]
        self.needs_second: BoolArr = np.array([t in _NEEDS_SECOND for t in tokens])

    def core_names(
        self, rng: np.random.Generator, male: BoolArr, birth_year: IntArr
    ) -> tuple[ObjArr, ObjArr]:
        """Names without titles (one to three tokens) and their first tokens, one per person."""
        n = len(male)
        old = (birth_year < 1975) & (rng.random(n) < 0.45)
        first = np.where(male, self.male_first.draw(rng, n), self.female_first.draw(rng, n))
        first = np.where(
            old, np.where(male, self.old_male.draw(rng, n), self.old_female.draw(rng, n)), first
        )
        u = rng.random(n)
        ntok = np.where(u < 0.36, 1, np.where(u < 0.86, 2, 3))
        ntok = np.where(old & (rng.random(n) < 0.8), 1, ntok)
        ntok = np.where(self.needs_second[first] & (ntok < 2), 2, ntok)
        second_from_first = rng.random(n) < 0.45
        second = np.where(
            male,
            np.where(
                second_from_first, self.male_first.draw(rng, n), self.male_second.draw(rng, n)
            ),
            np.where(
                second_from_first, self.female_first.draw(rng, n), self.female_second.draw(rng, n)
            ),
        )
        # "Muhammad", "Siti"... open a name; they rarely close one.
        second = np.where(
            (second == first) | self.needs_second[second],
            np.where(male, self.male_second.draw(rng, n), self.female_second.draw(rng, n)),
            second,
        )
        third = np.where(male, self.male_second.draw(rng, n), self.female_second.draw(rng, n))
        tok = self.tokens
        first_s: ObjArr = tok[first]
        name: ObjArr = first_s.copy()
        has2 = ntok >= 2
        name[has2] = name[has2] + " " + tok[second[has2]]
        has3 = ntok >= 3
        name[has3] = name[has3] + " " + tok[third[has3]]
        return name, first_s


def decorate(
    rng: np.random.Generator,
    core: ObjArr,
    male: BoolArr,
    age: IntArr,
    edu: IntArr,
    wealth: FloatArr,
    father_first: ObjArr,
) -> ObjArr:
    """Full NAMA: adds Hajj titles, degrees, and ``bin``/``binti`` with the father's name."""
    n = len(core)
    name = core.copy()
    adult = age >= 20
    u = rng.random(n)
    binti = adult & (
        (~male & (u < 0.06)) | (male & (u < 0.025))
    )  # patronymic mostly on women, more common on single-token names
    binti |= adult & (np.char.count(core.astype(str), " ") == 0) & (u < 0.09) & ~male
    name[binti & male] = name[binti & male] + " bin " + father_first[binti & male]
    name[binti & ~male] = name[binti & ~male] + " binti " + father_first[binti & ~male]

    haji = (age >= 35) & (rng.random(n) < 0.02 + 0.03 * np.clip(wealth + 1.0, 0.0, 3.0))
    drs = (edu >= 5) & (age >= 45) & (rng.random(n) < 0.2)
    ir = (edu >= 5) & (age >= 40) & ~drs & (rng.random(n) < 0.04)
    degree = (edu >= 5) & ~drs & ~ir & (age >= 23) & (rng.random(n) < 0.35)
    diploma = (edu == 4) & (age >= 21) & (rng.random(n) < 0.25)
    prefix = np.full(n, "", dtype=object)
    prefix[ir] = "Ir. "
    prefix[drs & male] = "Drs. "
    prefix[drs & ~male] = "Dra. "
    prefix[haji & male] = "H. " + prefix[haji & male]
    prefix[haji & ~male] = "Hj. " + prefix[haji & ~male]
    suffix = np.full(n, "", dtype=object)
    deg = np.array(_DEGREES, dtype=object)[rng.integers(0, len(_DEGREES), n)]
    dip = np.array(_DIPLOMA, dtype=object)[rng.integers(0, len(_DIPLOMA), n)]
    suffix[degree] = ", " + deg[degree]
    suffix[diploma] = ", " + dip[diploma]
    out: ObjArr = prefix + name + suffix
    return out


# --- variants of one name (duplicates registered by another clerk) -----------------------

_ALT_SPELLING: dict[str, tuple[str, ...]] = {
    "Muhammad": ("M.", "Muh.", "Moh.", "Muhamad", "Mohammad", "Mohamad", "Mochammad"),
    "Ahmad": ("Achmad", "Akhmad", "A."),
    "Abdul": ("Abd.",),
    "Siti": ("St.",),
    "Nur": ("Noer",),
    "Yusuf": ("Jusuf", "Yusup"),
    "Rizky": ("Rizki", "Risky"),
    "Rahmat": ("Rachmat",),
    "Hidayat": ("Hidajat",),
    "Syahputra": ("Saputra",),
    "Aisyah": ("Aisah", "Aisya"),
    "Fatimah": ("Fatimah", "Patimah"),
}
_OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("y", "j"), ("c", "tj"), ("kh", "ch"))
_TITLE_PREFIX = re.compile(r"^((?:H\.|Hj\.|Drs\.|Dra\.|Ir\.)\s+)+")
_TITLE_SUFFIX = re.compile(r",\s*[A-Z]\.[A-Za-z.]+$")
_NUR_COMPOUND = re.compile(r"\bNur([a-z]{3,})")
_NUR_SPLIT = re.compile(r"\bNur ([A-Z][a-z]{2,})")


def name_variant(name: str, male: bool, adult: bool, r: random.Random) -> str:
    """The same person's name as another clerk might have written it (one change)."""
    options: list[str] = []
    tokens = name.split(" ")
    for i, t in enumerate(tokens):
        if t in _ALT_SPELLING:
            alt = r.choice(_ALT_SPELLING[t])
            options.append(" ".join([*tokens[:i], alt, *tokens[i + 1 :]]))
            break
    if _TITLE_PREFIX.search(name) or _TITLE_SUFFIX.search(name):
        options.append(_TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", name)))
    elif adult:
        options.append(("H. " if male else "Hj. ") + name)
    base = _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", name))
    words = base.split(" ")
    if len(words) >= 2 and words[-2] not in ("bin", "binti"):
        options.append(name.replace(base, " ".join(words[:-1]), 1))
    m = _NUR_COMPOUND.search(name)
    if m:
        options.append(name[: m.start()] + "Nur " + m.group(1).capitalize() + name[m.end() :])
    m = _NUR_SPLIT.search(name)
    if m:
        options.append(name[: m.start()] + "Nur" + m.group(1).lower() + name[m.end() :])
    for modern, old in _OLD_SPELLING:
        if modern in base.lower():
            options.append(name.replace(modern, old, 1))
            break
    options.append(name.upper())
    options.append(_typo(name, r))
    options.append(_typo(name, r))  # typing errors are the most common variant
    variant = r.choice(options)
    return variant if variant and variant != name else _typo(name, r)


_KEYBOARD_NEAR = {
    "a": "sq", "i": "uo", "u": "yi", "e": "wr", "o": "ip", "n": "bm", "m": "n", "r": "et",
    "s": "ad", "t": "ry", "h": "gj", "d": "sf", "y": "tu", "k": "jl", "l": "k", "g": "fh",
}  # fmt: skip


def _typo(name: str, r: random.Random) -> str:
    """One keyboard error inside a word (never the first letter): substitute, drop or double."""
    positions = [i for i in range(1, len(name)) if name[i].isalpha() and name[i - 1].isalpha()]
    if not positions:
        return name + "h" if name else "X"
    i = r.choice(positions)
    kind = r.random()
    ch = name[i]
    if kind < 0.45:
        near = _KEYBOARD_NEAR.get(ch.lower(), "aeiou")
        new = r.choice(near)
        return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1 :]
    if kind < 0.75:
        return name[:i] + name[i + 1 :]
    return name[:i] + ch + name[i:]
