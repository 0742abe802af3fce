"""keluarga.csv, anggota.csv (the exchange layouts) and truth.csv.

Each desa batch has its operator's habits: names in capitals or title case, one date format,
sex as 1/2, L/P or words, region codes with or without dots. Those are forms the importer must
accept, not errors; they are drawn per (batch, desa).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from .faults import MONTHS_ID

KELUARGA_COLUMNS = (
    "ID_KELUARGA", "NO_KK", "KODE_WILAYAH", "ALAMAT", "RT", "RW", "STATUS_BANGUNAN",
    "LUAS_LANTAI", "JENIS_LANTAI", "JENIS_DINDING", "JENIS_ATAP", "SUMBER_AIR_MINUM",
    "SUMBER_PENERANGAN", "DAYA_LISTRIK", "BAHAN_BAKAR_MASAK", "FASILITAS_BAB",
    "ASET_TABUNG_GAS", "ASET_KULKAS", "ASET_AC", "ASET_TV", "ASET_EMAS", "ASET_KOMPUTER",
    "ASET_SEPEDA_MOTOR", "ASET_MOBIL", "ASET_PERAHU_MOTOR", "ASET_RUMAH_LAIN", "LUAS_LAHAN",
    "JUMLAH_TERNAK",
)  # fmt: skip
ANGGOTA_COLUMNS = (
    "ID_ANGGOTA", "ID_KELUARGA", "NIK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TGL_LAHIR",
    "HUB_KELUARGA", "STATUS_KAWIN", "NAMA_IBU_KANDUNG", "PARTISIPASI_SEKOLAH",
    "PENDIDIKAN_TERTINGGI", "STATUS_PEKERJAAN", "DISABILITAS", "DISABILITAS_BERAT",
    "PENYAKIT_KRONIS", "HAMIL",
)  # fmt: skip

DUSUN = ("KRAJAN", "SUKAMAJU", "TEGALSARI", "KARANGANYAR", "SIDOMULYO", "MEKARSARI", "WETAN",
         "KULON", "LOR", "KIDUL", "JATIMULYO", "BOJONG")  # fmt: skip


def operator_styles(
    rng: np.random.Generator, operators: int, two_digit_share: float
) -> pl.DataFrame:
    """The habits of each desa operator (one per batch and desa)."""
    date_p = np.array([0.35, 0.30, 0.20, 0.15])
    date_fmt = rng.choice(4, size=operators, p=date_p)
    date_fmt = np.where(rng.random(operators) < two_digit_share, 4, date_fmt)
    return pl.DataFrame(
        {
            "operator": np.arange(operators, dtype=np.int64),
            "case": rng.choice(3, size=operators, p=[0.65, 0.30, 0.05]).astype(np.int8),
            "date_fmt": date_fmt.astype(np.int8),
            "sex_fmt": rng.choice(3, size=operators, p=[0.6, 0.3, 0.1]).astype(np.int8),
            "dotted": rng.random(operators) < 0.3,
        }
    )


def cased(col: str) -> pl.Expr:
    """Capitals, title case or lower case, by the operator's habit."""
    c = pl.col(col)
    return (
        pl.when(pl.col("case") == 1)
        .then(c.str.to_titlecase())
        .when(pl.col("case") == 2)
        .then(c.str.to_lowercase())
        .otherwise(c)
    )


def formatted_date(col: str) -> pl.Expr:
    d = pl.col(col)
    month_name = d.dt.month().replace_strict(
        list(range(1, 13)), list(MONTHS_ID), return_dtype=pl.Utf8
    )
    spelled = pl.concat_str(
        d.dt.day().cast(pl.Utf8), pl.lit(" "), month_name, pl.lit(" "), d.dt.year().cast(pl.Utf8)
    )
    return (
        pl.when(d.is_null())
        .then(pl.lit(""))
        .when(pl.col("date_fmt") == 0)
        .then(d.dt.strftime("%d-%m-%Y"))
        .when(pl.col("date_fmt") == 1)
        .then(d.dt.strftime("%d/%m/%Y"))
        .when(pl.col("date_fmt") == 2)
        .then(d.dt.strftime("%Y-%m-%d"))
        .when(pl.col("date_fmt") == 3)
        .then(spelled)
        .otherwise(d.dt.strftime("%d-%m-%y"))
    )


def formatted_sex(col: str) -> pl.Expr:
    f = pl.col(col)
    return (
        pl.when(pl.col("sex_fmt") == 0)
        .then(pl.when(f).then(pl.lit("2")).otherwise(pl.lit("1")))
        .when(pl.col("sex_fmt") == 1)
        .then(pl.when(f).then(pl.lit("P")).otherwise(pl.lit("L")))
        .otherwise(pl.when(f).then(pl.lit("Perempuan")).otherwise(pl.lit("Laki-laki")))
    )


def dotted_region(col: str) -> pl.Expr:
    c = pl.col(col)
    dots = pl.concat_str(
        c.str.slice(0, 2), pl.lit("."), c.str.slice(2, 2), pl.lit("."), c.str.slice(4, 2),
        pl.lit("."), c.str.slice(6, 4),
    )  # fmt: skip
    return pl.when(pl.col("dotted")).then(dots).otherwise(c)


def housing_columns(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Plausible dwelling and asset answers; linkage does not use them."""

    def codes(k: int, p: list[float]) -> np.ndarray:
        return rng.choice(np.arange(1, k + 1), size=n, p=np.array(p) / sum(p))

    def flag(p: float) -> np.ndarray:
        return (rng.random(n) < p).astype(np.int8)

    return {
        "STATUS_BANGUNAN": codes(5, [80, 8, 9, 1, 2]),
        "LUAS_LANTAI": rng.gamma(4, 13, n).round(0).clip(9, None),
        "JENIS_LANTAI": codes(9, [2, 30, 2, 10, 8, 25, 3, 18, 2]),
        "JENIS_DINDING": codes(7, [60, 8, 12, 12, 2, 4, 2]),
        "JENIS_ATAP": codes(8, [2, 60, 22, 8, 2, 1, 4, 1]),
        "SUMBER_AIR_MINUM": codes(11, [8, 25, 12, 20, 15, 8, 4, 3, 2, 2, 1]),
        "SUMBER_PENERANGAN": codes(4, [88, 6, 3, 3]),
        "DAYA_LISTRIK": rng.choice([450, 900, 1300, 2200], size=n, p=[0.5, 0.35, 0.12, 0.03]),
        "BAHAN_BAKAR_MASAK": codes(10, [1, 5, 70, 0.5, 2, 0.5, 1, 18, 1, 1]),
        "FASILITAS_BAB": codes(4, [70, 15, 5, 10]),
        "ASET_TABUNG_GAS": flag(0.2),
        "ASET_KULKAS": flag(0.35),
        "ASET_AC": flag(0.03),
        "ASET_TV": flag(0.75),
        "ASET_EMAS": flag(0.1),
        "ASET_KOMPUTER": flag(0.06),
        "ASET_SEPEDA_MOTOR": flag(0.65),
        "ASET_MOBIL": flag(0.04),
        "ASET_PERAHU_MOTOR": flag(0.01),
        "ASET_RUMAH_LAIN": flag(0.03),
        "LUAS_LAHAN": np.where(rng.random(n) < 0.6, 0, rng.gamma(1.5, 900, n).round(0)),
        "JUMLAH_TERNAK": np.where(rng.random(n) < 0.8, 0, rng.integers(1, 5, n)),
    }


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path, quote_style="necessary")


def dusun_names(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.asarray(DUSUN, dtype=object)[rng.integers(0, len(DUSUN), n)]
