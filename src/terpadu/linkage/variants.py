"""Spelling-variant families of Indonesian names, folded to one key for matching.

Old (Dutch-era) and new spellings of one name are the same name: ``Soekarno``/``Sukarno``,
``Djoko``/``Joko``, ``Tjipto``/``Cipto``, ``Sjarif``/``Syarif``, ``Achmad``/``Ahmad``,
``Noor``/``Nur``. Doubled letters (``Muhammad``/``Muhamad``) and a final ``H``
(``Abdullah``/``Abdulla``) vary too. :func:`variant_key` writes every member of such a family
the same way; it is applied to names already normalised by
:func:`terpadu.identity.normalize_name`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

# Applied in order; each is (pattern, replacement) on an uppercase ASCII token.
_RULES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"OE", "U"),
        (r"DJ", "J"),
        (r"TJ", "C"),
        (r"SJ", "SY"),
        (r"NJ", "NY"),
        (r"CH", "KH"),
        (r"^KH(?=[AIUEO])", "H"),  # Khadijah / Hadijah
        (r"KH", "H"),
        (r"DH", "D"),
        (r"TH", "T"),
        (r"PH", "F"),
        (r"Q", "K"),
        (r"Z", "S"),
        (r"V", "F"),
        (r"Y$", "I"),
        (r"IE", "I"),
        (r"OU", "U"),
        (r"EE", "I"),
        (r"OO", "U"),
        (r"(.)\1+", r"\1"),  # doubled letters
        (r"(?<=[AIUEO])H$", ""),  # final H after a vowel
        (r"(?<=[AIUEO])H(?=[^AIUEO])", ""),  # Rahmat / Ramat, Ahmad / Amad
    )
)

# Given names that are the same name in every registry (beyond spelling rules).
_SAME: Final[dict[str, str]] = {
    "NURUL": "NUR",
    "NOER": "NUR",
    "SITTI": "SITI",
    "SITTIE": "SITI",
    "ABD": "ABDUL",
    "ABDU": "ABDUL",
    "MOEH": "MUHAMMAD",
    "FATIMAH": "FATIMA",
    "ROHMAT": "RAHMAT",
    "ROCHMAT": "RAHMAT",
}


@lru_cache(maxsize=200_000)
def variant_token(token: str) -> str:
    """One word of a normalised name written the way every variant of it is written."""
    word = _SAME.get(token, token)
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    return word or token


def variant_key(normalised: str | None) -> str | None:
    """The variant-folded name with its words sorted, so word order does not matter."""
    if not normalised:
        return None
    return " ".join(sorted(variant_token(t) for t in normalised.split()))
