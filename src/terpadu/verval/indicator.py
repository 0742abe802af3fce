"""The "% of regions actively updating" indicator, per province.

A desa (or kab/kota) is *updating* in a period when at least one proposal for
a family in it was approved in that period. The denominator is every desa
and kelurahan (or kab/kota) of the province in the Kemendagri list. Its target
is that of the catalogue indicator :data:`CATALOGUE_ID` (100 % unless a planning
workbook imported with ``terpadu indikator target impor`` says otherwise).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.periods import parse_period
from terpadu.regions import normalize_code, regions_frame
from terpadu.store.models.verval import Proposal
from terpadu.verval.kinds import APPROVED

INDICATOR_COLUMNS = [
    "PERIODE",
    "KODE_PROVINSI",
    "NAMA_PROVINSI",
    "JUMLAH_DESA",
    "DESA_MEMPERBARUI",
    "PERSEN_DESA",
    "JUMLAH_KAB_KOTA",
    "KAB_KOTA_MEMPERBARUI",
    "PERSEN_KAB_KOTA",
]
#: The catalogue indicator this one is (its target, and its per-desa form per edition).
CATALOGUE_ID = "wilayah_memperbarui"


def updating_regions(engine: Engine, period: str) -> list[str]:
    """Desa codes with at least one proposal approved in ``period``."""
    _, start, end = parse_period(period)
    with Session(engine) as session:
        codes = session.scalars(
            select(Proposal.kode_wilayah)
            .where(
                Proposal.state == APPROVED,
                Proposal.approved_at >= start,
                Proposal.approved_at < end,
            )
            .distinct()
        ).all()
    return sorted(codes)


def _pct(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    return pl.when(whole > 0).then((part / whole * 100).round(2)).otherwise(0.0)


def updating_indicator(
    engine: Engine, period: str, *, province: str | None = None, total: bool = True
) -> pl.DataFrame:
    """Per province: desa and kab/kota counts, how many updated, and the shares (%).

    With ``total``, a last row ``KODE_PROVINSI = ""`` sums the provinces shown.
    """
    label, _, _ = parse_period(period)
    updated = pl.DataFrame({"code": updating_regions(engine, period)}, schema={"code": pl.Utf8})
    updated = updated.filter(pl.col("code").str.len_chars() == 10)
    desa_up = updated.select(pl.col("code").str.slice(0, 2).alias("province_code"), "code")
    kab_up = updated.select(
        pl.col("code").str.slice(0, 2).alias("province_code"),
        pl.col("code").str.slice(0, 4).alias("kab"),
    ).unique()
    provinces = regions_frame("provinsi").select(
        pl.col("code").alias("province_code"), pl.col("name")
    )
    desa = regions_frame("desa").group_by("province_code").agg(pl.len().alias("JUMLAH_DESA"))
    kab = (
        regions_frame("kabupaten").group_by("province_code").agg(pl.len().alias("JUMLAH_KAB_KOTA"))
    )
    # Count only codes that are in today's list, so a share never exceeds 100 %.
    known_desa = regions_frame("desa").select("code")
    known_kab = regions_frame("kabupaten").select(pl.col("code").alias("kab"))
    desa_n = (
        desa_up.join(known_desa, on="code")
        .group_by("province_code")
        .agg(pl.len().alias("DESA_MEMPERBARUI"))
    )
    kab_n = (
        kab_up.join(known_kab, on="kab")
        .group_by("province_code")
        .agg(pl.len().alias("KAB_KOTA_MEMPERBARUI"))
    )
    frame = (
        provinces.join(desa, on="province_code", how="left")
        .join(kab, on="province_code", how="left")
        .join(desa_n, on="province_code", how="left")
        .join(kab_n, on="province_code", how="left")
        .with_columns(
            pl.col("JUMLAH_DESA", "JUMLAH_KAB_KOTA", "DESA_MEMPERBARUI", "KAB_KOTA_MEMPERBARUI")
            .fill_null(0)
            .cast(pl.Int64)
        )
        .sort("province_code")
    )
    if province:
        frame = frame.filter(pl.col("province_code") == normalize_code(province)[:2])
    if total and frame.height:
        sums = frame.select(
            pl.lit("").alias("province_code"),
            pl.lit("INDONESIA" if not province else "JUMLAH").alias("name"),
            *[
                pl.col(c).sum()
                for c in (
                    "JUMLAH_DESA",
                    "JUMLAH_KAB_KOTA",
                    "DESA_MEMPERBARUI",
                    "KAB_KOTA_MEMPERBARUI",
                )
            ],
        )
        if not province:
            frame = pl.concat([frame, sums])
    return frame.select(
        pl.lit(label).alias("PERIODE"),
        pl.col("province_code").alias("KODE_PROVINSI"),
        pl.col("name").alias("NAMA_PROVINSI"),
        "JUMLAH_DESA",
        "DESA_MEMPERBARUI",
        _pct(pl.col("DESA_MEMPERBARUI"), pl.col("JUMLAH_DESA")).alias("PERSEN_DESA"),
        "JUMLAH_KAB_KOTA",
        "KAB_KOTA_MEMPERBARUI",
        _pct(pl.col("KAB_KOTA_MEMPERBARUI"), pl.col("JUMLAH_KAB_KOTA")).alias("PERSEN_KAB_KOTA"),
    )


__all__ = [
    "CATALOGUE_ID",
    "INDICATOR_COLUMNS",
    "updating_indicator",
    "updating_regions",
]
