"""Indonesian personal names normalised for matching (not for display).

The same person is written ``Hj. Siti Aminah, S.Pd.``, ``SITI AMINAH`` and ``Siti Aminah SPd``;
``Muhammad`` appears as ``Muhamad``, ``Moh.`` or a lone ``M.``. :func:`normalize_name` removes
titles and degrees, folds accents and punctuation, and writes the Muhammad family one way, so that
record linkage compares what distinguishes people. The patronymic (``bin``/``binti`` and the
father's name) is kept, because it does distinguish people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

import polars as pl


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Honorifics and titles, removed wherever they appear, with or without dots.
_HONORIFICS: Final = _words(
    "HAJI HAJJAH HAJAH HJ KH KYAI KIAI USTADZ USTAZ USTAD USTADZAH USTAZAH UST TGK TEUNGKU "
    "DRS DRA DR DRG IR PROF PHD"
)
# Noble and honorific prefixes that are also initials or given names: removed only before the
# name starts. Single letters (H., R., T.) only when written with a dot.
# Forms of address (Bpk., Sdr., Sdri., Tn., Ny., Nn.) belong here too.
_LEADING: Final = _words(
    "H R T RA RM DT RADEN AJENG TEUKU CUT PUTI SUTAN DATUK BPK SDR SDRI TN NY NN"
)
# Academic degrees (Faker id_ID suffixes plus common Indonesian ones), removed wherever they
# appear. Short ones (two letters or fewer) only when written with dots, since SE or MA alone may
# be part of a name.
_DEGREES: Final = _words(
    "SPD SPDI SPDSD SAG SSOS SKEP SKOM SIKOM SKED SFARM SPSI SGZ SPT SIP SEI SHI SKM STP SSI "
    "SSN SSTP SKEB STR STH SSY SHUM SIKOM SPSI SGZ SE SH ST SS SP SAP SIP SKG SIKOM "
    "AMD AMDKEB AMKEB AMK AMDKEP AMDKES AMA AMG AMF AMFARM "
    "MSI MPD MKES MKOM MAG MHUM MFARM MAK MTI MSC MBA BSC MENG MSN MKN MIP MKEP MPH "
    "MM MA MH MT MP MPDI MSOS MSEI MHI "
    "LLM LLB MD LC"
) - {"MD"}  # "Md." is an abbreviation of Muhammad, not a degree.
_AMBIGUOUS_BARE: Final = frozenset(k for k in _HONORIFICS | _LEADING | _DEGREES if len(k) <= 2) - {
    "HJ",
    "KH",
    "DR",
    "IR",
}
# "Sp." (specialist doctor) is followed by the specialty: Sp.OG, Sp.PD, Sp.THT.
_SPECIALIST: Final = "SP"
_MAX_SPECIALTY: Final = 5

_MUHAMMAD: Final = "MUHAMMAD"
_MUHAMMAD_VARIANTS: Final = _words(
    "MUHAMMAD MUHAMAD MUHAMMED MUHAMED MOHAMMAD MOHAMAD MOHAMMED MOHAMED MOCHAMMAD MOCHAMAD "
    "MOCHAMMED MUCHAMMAD MUCHAMAD MOHAMMAD MUHHAMAD MUHAMMMAD "
    "MUH MOH MHD MD MOCH MUHD MOHD MUCH"
)
# Abbreviated given names written out: ``Abd.`` anywhere; ``St.`` only as the name's first
# word (after the name, ``S.T.`` is a degree).
_ABBREVIATIONS: Final = {"ABD": "ABDUL"}
_LEADING_ABBREVIATIONS: Final = {"ST": "SITI"}
_PATRONYMIC: Final = {
    "BIN": "BIN",
    "BN": "BIN",
    "BINTI": "BINTI",
    "BT": "BINTI",
    "BTE": "BINTI",
    "BINT": "BINTI",
    "BINTE": "BINTI",
}

_APOSTROPHES = re.compile("['`\u2018\u2019\u02bc\u00b4]")
_PARTS = re.compile(r"([A-Z0-9]+)(\.?)")
_MAX_PASSES: Final = 8


@dataclass(frozen=True, slots=True)
class _Part:
    key: str
    dotted: bool


def _parts(name: str) -> list[_Part]:
    """Uppercase ASCII words, each marked when a dot follows it; other punctuation separates."""
    folded = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", name))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").upper()
    return [_Part(m[1], m[2] == ".") for m in _PARTS.finditer(ascii_text)]


def _is_single_title(part: _Part, leading: bool) -> bool:
    if part.key in _AMBIGUOUS_BARE and not part.dotted:
        return False
    if part.key in _HONORIFICS or part.key in _DEGREES:
        return True
    return leading and part.key in _LEADING


def _title_span(parts: list[_Part], i: int, leading: bool) -> int:
    """How many parts from ``i`` form a title (0 when none)."""
    part = parts[i]
    if not leading and part.key == _SPECIALIST and part.dotted:
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        return 2 if nxt is not None and len(nxt.key) <= _MAX_SPECIALTY else 1
    for span in (3, 2):
        group = parts[i : i + span]
        if len(group) < span or not any(p.dotted for p in group[:-1]):
            continue
        key = "".join(p.key for p in group)
        allowed = _HONORIFICS | _LEADING if leading else _HONORIFICS | _DEGREES
        if key in allowed and all(len(p.key) <= 4 for p in group):
            return span
    return 1 if _is_single_title(part, leading) else 0


def _one_pass(name: str) -> str:
    parts = _parts(name)
    out: list[str] = []
    i = 0
    while i < len(parts):
        # The father's name after BIN/BINTI starts afresh: it may carry its own titles.
        leading = not out or out[-1] in ("BIN", "BINTI")
        part = parts[i]
        if leading and part.dotted and part.key in _LEADING_ABBREVIATIONS:
            out.append(_LEADING_ABBREVIATIONS[part.key])
            i += 1
            continue
        span = _title_span(parts, i, leading=leading)
        if span:
            i += span
            continue
        key = parts[i].key
        if key in _MUHAMMAD_VARIANTS or (key == "M" and leading):
            key = _MUHAMMAD
        key = _ABBREVIATIONS.get(key, key)
        out.append(_PATRONYMIC.get(key, key))
        i += 1
    if not out:  # nothing but titles: keep the words rather than return an empty name
        out = [p.key for p in parts]
    return " ".join(out)


def normalize_name(name: str) -> str:
    """Uppercase ASCII name without titles or degrees, Muhammad written ``MUHAMMAD``.

    ``"Hj. Siti Aminah, S.Pd."`` → ``"SITI AMINAH"``; ``"H. M. Yusuf bin Abdullah"`` →
    ``"MUHAMMAD YUSUF BIN ABDULLAH"``. A lone ``M`` is Muhammad only as the first word of the
    name or of the father's name after ``BIN``/``BINTI`` (elsewhere it is an initial).
    Apostrophes are dropped (``Ma'ruf`` → ``MARUF``); other punctuation separates words.
    Idempotent, and never raises on text.
    """
    current = _one_pass(name)
    for _ in range(_MAX_PASSES):
        following = _one_pass(current)
        if following == current:
            break
        current = following
    return current


def name_tokens(name: str) -> list[str]:
    """The words of the normalised name."""
    return normalize_name(name).split()


def split_patronymic(name: str) -> tuple[str, str | None]:
    """(own name, father's name) split at the first ``BIN``/``BINTI`` after the first word.

    ``"Ahmad bin Yusuf"`` → ``("AHMAD", "YUSUF")``; no patronymic → ``(name, None)``.
    """
    tokens = name_tokens(name)
    for i, token in enumerate(tokens):
        if i > 0 and token in ("BIN", "BINTI") and i + 1 < len(tokens):
            return " ".join(tokens[:i]), " ".join(tokens[i + 1 :])
    return " ".join(tokens), None


#: Every word :func:`normalize_name` may drop or rewrite when written without a dot: a plain
#: name (ASCII letters and spaces) holding none of these is its own normal form, uppercased.
_SPECIAL_WORDS: Final = (
    _HONORIFICS
    | _LEADING
    | _DEGREES
    | _MUHAMMAD_VARIANTS
    | {"M", _SPECIALIST}
    | set(_ABBREVIATIONS)
    | set(_LEADING_ABBREVIATIONS)
    | set(_PATRONYMIC)
) - {_MUHAMMAD, "BIN", "BINTI"}
_PLAIN: Final = r"^[A-Za-z ]*$"
_HAS_SPECIAL: Final = "(?:^| )(?:" + "|".join(sorted(_SPECIAL_WORDS)) + ")(?: |$)"


def _plain_form(text: pl.Expr) -> pl.Expr:
    """The normal form of plain names (ASCII letters and spaces, no word that a title, degree,
    Muhammad variant, abbreviation or patronymic could be): the words uppercased, one space
    apart, exactly as :func:`normalize_name` writes them; null for every other name."""
    upper = text.str.to_uppercase().str.strip_chars(" ").str.replace_all(" +", " ")
    plain = text.str.contains(_PLAIN) & ~upper.str.contains(_HAS_SPECIAL)
    return pl.when(plain).then(upper)


def normalize_name_series(s: pl.Series) -> pl.Series:
    """:func:`normalize_name` over a column, computed once per distinct name (names repeat).

    Most names are plain words (:func:`_plain_form`): those are normalised in Polars, and only
    the others (titles, dots, accents, Muhammad variants…) one by one in Python, which at a
    million registrations took most of the linkage's preparation time.
    """
    text = s if s.dtype == pl.String else s.cast(pl.String)
    distinct = pl.DataFrame({"v": text.drop_nulls().unique()}).with_columns(
        _plain_form(pl.col("v")).alias("n")
    )
    rest = distinct.filter(pl.col("n").is_null())["v"]
    mapping = pl.concat(
        [
            distinct.filter(pl.col("n").is_not_null()),
            pl.DataFrame(
                {"v": rest, "n": [normalize_name(v) for v in rest.to_list()]},
                schema={"v": pl.String, "n": pl.String},
            ),
        ]
    )
    return text.replace_strict(
        mapping["v"], mapping["n"], default=None, return_dtype=pl.String
    ).alias(s.name)


def normalize_name_expr(col: pl.Expr) -> pl.Expr:
    """:func:`normalize_name_series` as an expression, for ``with_columns``."""
    return col.map_batches(normalize_name_series, return_dtype=pl.String)
