"""How real registry files go wrong: typos, Excel damage and invalid values, one row at a time.

These run on the (small) faulted subsets only, so plain Python is fast enough.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from terpadu.synth.ids import nik_structurally_valid

#: Fault labels written to the truth files. EXPECT follows from them (see ``expect_of``).
NONE = "none"
DUPLICATE = "duplicate"
NIK_TYPO = "nik_typo"
NAME_VARIANT = "name_variant"
DOB_VARIANT = "dob_variant"
BLANK_NIK = "blank_nik"
EXCEL_EXACT = "excel_damage_exact"
EXCEL_LOST = "excel_damage_lost"
INVALID_NIK_LENGTH = "invalid_nik_length"
INVALID_NIK_LETTERS = "invalid_nik_letters"
INVALID_NIK_DATE = "invalid_nik_date"
INVALID_NIK_PROVINCE = "invalid_nik_province"
INVALID_MISSING_FAMILY = "invalid_missing_family"
INVALID_JENIS_KELAMIN = "invalid_jenis_kelamin"
INVALID_TGL_LAHIR = "invalid_tgl_lahir"
INVALID_KODE_WILAYAH = "invalid_kode_wilayah"
INVALID_FAMILY_REJECTED = "invalid_family_rejected"

#: Anggota-level invalid kinds; the first four need a NIK to corrupt.
INVALID_PERSON_KINDS = (
    INVALID_NIK_LENGTH,
    INVALID_NIK_LETTERS,
    INVALID_NIK_DATE,
    INVALID_NIK_PROVINCE,
    INVALID_MISSING_FAMILY,
    INVALID_JENIS_KELAMIN,
    INVALID_TGL_LAHIR,
)
#: Order in which labels are joined in FAULT.
FAULT_ORDER = (
    DUPLICATE,
    NIK_TYPO,
    NAME_VARIANT,
    DOB_VARIANT,
    BLANK_NIK,
    EXCEL_EXACT,
    EXCEL_LOST,
    *INVALID_PERSON_KINDS,
    INVALID_KODE_WILAYAH,
    INVALID_FAMILY_REJECTED,
)


def expect_of(labels: set[str]) -> str:
    """What a correct importer does with a row: ``reject``, ``repair`` (cleaned) or ``land``."""
    if any(x.startswith("invalid_") for x in labels) or EXCEL_LOST in labels:
        return "reject"
    if EXCEL_EXACT in labels:
        return "repair"
    return "land"


def nik_typos(niks: list[str], r: random.Random) -> list[str]:
    """One substituted digit or one adjacent transposition, keeping a structurally valid NIK."""
    out: list[str] = []
    for nik in niks:
        candidates: list[str] = []
        for _ in range(8):
            i = r.randrange(16)
            if r.random() < 0.6:
                d = r.choice([c for c in "0123456789" if c != nik[i]])
                cand = nik[:i] + d + nik[i + 1 :]
            else:
                i = min(i, 14)
                cand = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
            if cand != nik:
                candidates.append(cand)
        ok = nik_structurally_valid(np.array([int(c) for c in candidates], dtype=np.int64))
        valid = [c for c, v in zip(candidates, ok, strict=True) if v]
        out.append(valid[0] if valid else nik[:12] + f"{(int(nik[12:]) % 9999) + 1:04d}")
    return out


def excel_exact(value: str, r: random.Random) -> str:
    """Excel damage from which all 16 digits can be recovered."""
    kind = r.randrange(4)
    if kind == 0:
        return "'" + value
    if kind == 1:
        return value + ".0"
    if kind == 2:
        return (
            " ".join(value[i : i + 4] for i in range(0, 16, 4))
            if r.random() < 0.5
            else (f"{value[:6]} {value[6:12]} {value[12:]}")
        )
    return f"{value[0]}.{value[1:]}E+15"


def excel_lost(value: str, r: random.Random) -> str:
    """Scientific notation as Excel shows it: digits lost for good (``3.60401E+15``)."""
    digits = r.choice((5, 6, 6, 6))
    mantissa = round(int(value) / 10**15, digits)
    text = f"{mantissa:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}E+15"


def invalid_nik(value: str, kind: str, r: random.Random) -> str:
    """A NIK a strict reader must reject."""
    if kind == INVALID_NIK_LENGTH:
        i = r.randrange(16)
        return value[:i] + value[i + 1 :]
    if kind == INVALID_NIK_LETTERS:
        i = r.randrange(6, 16)
        return value[:i] + r.choice("OIlSBA") + value[i + 1 :]
    if kind == INVALID_NIK_DATE:
        if r.random() < 0.5:
            return value[:8] + f"{r.randint(13, 19)}" + value[10:]
        day = int(value[6:8])
        bad = r.randint(32, 39) if day <= 40 else r.randint(72, 79)
        return value[:6] + f"{bad}" + value[8:]
    if kind == INVALID_NIK_PROVINCE:
        return r.choice(("10", "20", "30", "40", "41", "50", "60", "80", "90", "99")) + value[2:]
    raise ValueError(kind)


def invalid_date(r: random.Random, year: int) -> str:
    """A birth date that cannot exist, in one of the accepted layouts."""
    return r.choice(
        (
            f"{year}-02-30",
            f"{year}-04-31",
            f"31-13-{year}",
            f"{year}-13-01",
            f"00/05/{year}",
            f"{year}-06-00",
        )
    )


def dob_variant(day: dt.date, r: random.Random) -> dt.date:
    """The birth date another clerk typed: day and month swapped, or one day off."""
    if day.day <= 12 and day.day != day.month and r.random() < 0.6:
        return dt.date(day.year, day.day, day.month)
    return day + dt.timedelta(days=r.choice((-1, 1)))
