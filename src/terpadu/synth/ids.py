"""NIK and NO_KK composition and structural checks, vectorised over int64 arrays.

A NIK is ``PPKKCC DDMMYY SSSS``: the kecamatan of first registration, the birth date (day
+40 for women) and a serial. Serials are allocated per (kecamatan, encoded date) so that
distinct people never share a NIK. NIKs and NO_KKs are kept as int64 (16 digits fit).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from lokal import PROVINCES

from terpadu.synth._types import BoolArr, IntArr

DateArr = npt.NDArray[np.datetime64]

_PROVINCE_CODES = np.array(sorted(int(p) for p in PROVINCES), dtype=np.int64)


def date_parts(dates: DateArr) -> tuple[IntArr, IntArr, IntArr]:
    """Year, month and day of a ``datetime64[D]`` array."""
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _serials(rng: np.random.Generator, key: IntArr) -> IntArr:
    """Serial 1..k within each group of equal keys, in random order, from a random base."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((rng.random(n), key))
    sk = key[order]
    start = np.ones(n, dtype=np.bool_)
    start[1:] = sk[1:] != sk[:-1]
    idx = np.arange(n, dtype=np.int64)
    group_start = np.maximum.accumulate(np.where(start, idx, 0))
    base = rng.geometric(0.15, size=n)[group_start] - 1  # most groups start near 0001
    serial = np.empty(n, dtype=np.int64)
    serial[order] = np.minimum(idx - group_start + 1 + base, 9999)
    return serial


def compose_nik(rng: np.random.Generator, kec: IntArr, birth: DateArr, female: BoolArr) -> IntArr:
    """16-digit NIKs, unique for distinct people (serial per kecamatan and encoded date)."""
    year, month, day = date_parts(birth)
    ddmmyy = (day + np.where(female, 40, 0)) * 10_000 + month * 100 + year % 100
    prefix = kec * 1_000_000 + ddmmyy
    return prefix * 10_000 + _serials(rng, prefix)


def compose_kk(rng: np.random.Generator, kec: IntArr, issued: DateArr) -> IntArr:
    """16-digit family-card numbers: kecamatan, issue date DDMMYY, serial."""
    year, month, day = date_parts(issued)
    prefix = kec * 1_000_000 + day * 10_000 + month * 100 + year % 100
    return prefix * 10_000 + _serials(rng, prefix)


def nik_structurally_valid(nik: IntArr) -> BoolArr:
    """What a strict reader checks without a region list: province, 00 parts, date, serial.

    Two-digit years are read as 19YY; a typo therefore cannot make a date valid only in
    the other century, which keeps the check independent of the reference date.
    """
    digits_ok = (nik >= 10**15) & (nik < 10**16)
    province = nik // 10**14
    kab = nik // 10**12 % 100
    kec = nik // 10**10 % 100
    day = nik // 10**8 % 100
    month = nik // 10**6 % 100
    yy = nik // 10**4 % 100
    serial = nik % 10_000
    day = np.where(day > 40, day - 40, day)
    month_len = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    leap = (yy % 4) == 0  # 1900 and 2000 differ, but only for 29 Feb 00: both rare and ok
    max_day = month_len[np.clip(month, 0, 12)] - ((month == 2) & ~leap)
    date_ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= max_day)
    out: BoolArr = (
        digits_ok
        & np.isin(province, _PROVINCE_CODES)
        & (kab != 0)
        & (kec != 0)
        & date_ok
        & (serial != 0)
    )
    return out
