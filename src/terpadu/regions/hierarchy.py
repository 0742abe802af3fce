"""Look-ups in today's Kemendagri region hierarchy (provinsi → kab/kota → kecamatan → desa).

Everything is loaded lazily on first use and cached; the whole list takes well under a second.
Functions that take a code accept it dotted or undotted and raise :class:`RegionCodeError` when
it is malformed; an unknown but well-formed code gives ``None`` or an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import polars as pl

from terpadu.regions import _data
from terpadu.regions.codes import (
    LEVELS,
    Kind,
    Level,
    RegionCodeError,
    kind_of,
    level_of,
    normalize_code,
    parent_code,
)


@dataclass(frozen=True, slots=True)
class Region:
    """One region. ``code`` and ``parent_code`` are undotted digits."""

    code: str
    name: str
    level: Level
    kind: Kind
    parent_code: str | None

    @property
    def dotted_code(self) -> str:
        """The code as usually written, e.g. ``36.04.01.2001``."""
        return ".".join(
            p for p in (self.code[0:2], self.code[2:4], self.code[4:6], self.code[6:10]) if p
        )


@lru_cache(maxsize=65536)
def _region(code: str) -> Region | None:
    name = _data.names().get(code)
    if name is None:
        return None
    return Region(code, name, level_of(code), kind_of(code), parent_code(code))


def get_region(code: str) -> Region | None:
    """The region with this code, or None when today's list does not have it."""
    return _region(normalize_code(code))


def region_exists(code: str) -> bool:
    """True when ``code`` is well formed and in today's region list; never raises."""
    try:
        digits = normalize_code(code)
    except RegionCodeError:
        return False
    return digits in _data.names()


def parent(code: str) -> Region | None:
    """The region one level up (None for a province, or when the parent is unknown)."""
    up = parent_code(code)
    return None if up is None else _region(up)


def children(code: str | None = None) -> list[Region]:
    """Direct children in code order; with no code, the provinces. Unknown code → ``[]``."""
    key = "" if code is None else normalize_code(code)
    return [r for c in _data.child_index().get(key, []) if (r := _region(c)) is not None]


def ancestors(code: str) -> list[Region]:
    """The known regions above ``code``, province first (the region itself is not included)."""
    digits = normalize_code(code)
    prefixes = [digits[:n] for n in (2, 4, 6) if n < len(digits)]
    return [r for p in prefixes if (r := _region(p)) is not None]


def is_within(code: str, scope_code: str) -> bool:
    """True when ``code`` is ``scope_code`` or lies below it; used for access control.

    Purely by digits (a region need not exist to be inside a scope). A malformed ``code`` is
    within nothing (False); a malformed ``scope_code`` is a configuration error and raises.
    """
    scope = normalize_code(scope_code)
    try:
        digits = normalize_code(code)
    except RegionCodeError:
        return False
    return digits.startswith(scope)


@cache
def _all_regions_frame() -> pl.DataFrame:
    codes = sorted(_data.names())
    names = _data.names()
    frame = pl.DataFrame(
        {"code": codes, "name": [names[c] for c in codes]},
        schema={"code": pl.String, "name": pl.String},
    )
    code = pl.col("code")
    length = code.str.len_chars()
    return frame.select(
        code,
        pl.col("name"),
        pl.col("code")
        .str.len_chars()
        .replace_strict({2: "provinsi", 4: "kabupaten", 6: "kecamatan", 10: "desa"})
        .alias("level"),
        pl.when(length == 2)
        .then(pl.lit("provinsi"))
        .when(length == 4)
        .then(
            pl.when(code.str.slice(2, 2).cast(pl.Int32) >= 70)
            .then(pl.lit("kota"))
            .otherwise(pl.lit("kabupaten"))
        )
        .when(length == 6)
        .then(pl.lit("kecamatan"))
        .when(code.str.slice(6, 1) == "1")
        .then(pl.lit("kelurahan"))
        .otherwise(pl.lit("desa"))
        .alias("kind"),
        pl.when(length == 2)
        .then(pl.lit(None, dtype=pl.String))
        .when(length == 10)
        .then(code.str.slice(0, 6))
        .otherwise(code.str.slice(0, length - 2))
        .alias("parent_code"),
        code.str.slice(0, 2).alias("province_code"),
        pl.when(length >= 4).then(code.str.slice(0, 4)).alias("kab_code"),
        pl.when(length >= 6).then(code.str.slice(0, 6)).alias("kec_code"),
    )


@lru_cache(maxsize=8)
def _regions_frame(level: Level | None) -> pl.DataFrame:
    frame = _all_regions_frame()
    return frame if level is None else frame.filter(pl.col("level") == level)


def regions_frame(level: str | None = None) -> pl.DataFrame:
    """Every region (or one level) as a frame, for vectorised validation by joins.

    Columns: ``code, name, level, kind, parent_code, province_code, kab_code, kec_code`` (codes
    undotted; parts above the region's level are null). Cached; each call returns a cheap clone
    so that callers cannot alter the shared copy.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(
            f"Tingkat wilayah '{level}' tidak dikenal; pilih salah satu dari {LEVELS}."
        )
    checked: Level | None = next((lv for lv in LEVELS if lv == level), None)
    return _regions_frame(checked).clone()


def province_codes() -> frozenset[str]:
    """The two-digit codes of every province."""
    return _data.provinces()
