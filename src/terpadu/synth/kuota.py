"""A sample quota file (``kuota.csv``) for the generated registry, for ``terpadu target``.

One row per programme and kecamatan (layout in docs/formats.md, "Quota file"): a
share of the kecamatan's generated families, so that the README's
``terpadu target --program pkh --quota out/kuota.csv`` fills a realistic quota.
PERIODE is left blank: the rows apply to any period.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

#: Share of a kecamatan's families each shipped programme's quota covers (about the
#: national coverage: PKH 10 million of 80 million families, sembako 18.8 million).
QUOTA_SHARES: Final = {
    "pkh": 0.12,
    "sembako": 0.22,
    "pbi-jk": 0.40,
    "blt": 0.10,
    "rtlh": 0.02,
    "kube": 0.03,
}
KUOTA_COLUMNS: Final = ("PROGRAM", "KODE_WILAYAH", "KUOTA", "PERIODE")


def sample_quotas(region_codes: pl.Series) -> pl.DataFrame:
    """Quota rows per programme for the kecamatan of ``region_codes`` (desa codes)."""
    kecamatan = (
        region_codes.cast(pl.Utf8)
        .str.replace_all(".", "", literal=True)
        .str.slice(0, 6)
        .value_counts(name="families")
        .rename({region_codes.name: "KODE_WILAYAH"})
        .filter(pl.col("KODE_WILAYAH").str.len_chars() == 6)
        .sort("KODE_WILAYAH")
    )
    frames = [
        kecamatan.select(
            pl.lit(program).alias("PROGRAM"),
            "KODE_WILAYAH",
            (pl.col("families") * share).round(0).cast(pl.Int64).clip(lower_bound=1).alias("KUOTA"),
            pl.lit("").alias("PERIODE"),
        )
        for program, share in QUOTA_SHARES.items()
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=dict.fromkeys(KUOTA_COLUMNS))


def write_sample_quotas(region_codes: pl.Series, path: Path) -> int:
    """Write ``kuota.csv`` for ``region_codes``; the number of rows written."""
    frame = sample_quotas(region_codes)
    frame.select(KUOTA_COLUMNS).write_csv(path)
    return frame.height
