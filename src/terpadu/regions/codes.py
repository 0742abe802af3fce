"""Kemendagri region codes: parsing, formatting and classifying by their digits alone.

Nothing here touches the region list, so these functions are cheap and safe to call on every
row. A code has 2 (provinsi), 4 (kabupaten/kota), 6 (kecamatan) or 10 (desa/kelurahan) digits and
may be written with dots between the parts: ``36.04.01.2001`` is the same code as ``3604012001``.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Level = Literal["provinsi", "kabupaten", "kecamatan", "desa"]
Kind = Literal["provinsi", "kabupaten", "kota", "kecamatan", "desa", "kelurahan"]

LEVELS: Final[tuple[Level, ...]] = ("provinsi", "kabupaten", "kecamatan", "desa")
_LEVEL_BY_LENGTH: Final[dict[int, Level]] = {
    2: "provinsi",
    4: "kabupaten",
    6: "kecamatan",
    10: "desa",
}
_PART_LENGTHS: Final[tuple[int, ...]] = (2, 2, 2, 4)
_WHITESPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"[0-9]+")


class RegionCodeError(ValueError):
    """A region code that is not 2, 4, 6 or 10 digits (message in Bahasa Indonesia)."""


def normalize_code(code: str) -> str:
    """Return the undotted digits of a region code, or raise :class:`RegionCodeError`.

    Spaces are removed. Dots are accepted only between the standard parts (2.2.2.4 digits), so a
    mistyped ``36.4.1`` is refused instead of silently becoming another region's code.
    """
    text = _WHITESPACE.sub("", str(code))
    if "." in text:
        parts = text.split(".")
        if len(parts) > len(_PART_LENGTHS) or any(
            len(part) != size for part, size in zip(parts, _PART_LENGTHS, strict=False)
        ):
            raise RegionCodeError(
                f"Kode wilayah '{code}' tidak sesuai pola Kemendagri (contoh: 36.04.01.2001)."
            )
        text = "".join(parts)
    if not _DIGITS.fullmatch(text):
        raise RegionCodeError(f"Kode wilayah '{code}' harus berisi angka saja.")
    if len(text) not in _LEVEL_BY_LENGTH:
        raise RegionCodeError(
            f"Kode wilayah '{code}' harus 2, 4, 6 atau 10 digit, tertulis {len(text)} digit."
        )
    return text


def format_code(code: str) -> str:
    """Dotted form of a region code: ``3604012001`` → ``36.04.01.2001``."""
    digits = normalize_code(code)
    return ".".join(p for p in (digits[0:2], digits[2:4], digits[4:6], digits[6:10]) if p)


def level_of(code: str) -> Level:
    """Administrative level of a code, from its length."""
    return _LEVEL_BY_LENGTH[len(normalize_code(code))]


def kind_of(code: str) -> Kind:
    """Finer kind of a code, from its digits alone.

    Kab/kota: digits 3–4 from 01 to 69 are a kabupaten, 71 to 99 a kota. Villages: a village part
    starting with 1 is a kelurahan, anything else (2, and 3 for Papua's *desa adat*) a desa.
    """
    digits = normalize_code(code)
    level = _LEVEL_BY_LENGTH[len(digits)]
    if level == "kabupaten":
        return "kota" if int(digits[2:4]) >= 70 else "kabupaten"
    if level == "desa":
        return "kelurahan" if digits[6] == "1" else "desa"
    return level


def parent_code(code: str) -> str | None:
    """Undotted code of the region one level up, or None for a province."""
    digits = normalize_code(code)
    return None if len(digits) == 2 else digits[: 6 if len(digits) == 10 else len(digits) - 2]
