"""Golden records: one value per field per resolved person, with where it came from.

Survivorship, per field: (1) the value the civil registry (Dukcapil) holds for a member whose
NIK it found, from the latest check; (2) otherwise the value of the most recent active
registration that has one (newest ``updated_at``, then newest batch); (3) otherwise the most
recent inactive registration's. Provenance records, per field, the source (``dukcapil`` or
``registry``), the registration (person id) and the check or batch.
"""

from __future__ import annotations

from typing import Final

import polars as pl

FIELDS: Final[tuple[str, ...]] = (
    "nik",
    "nama",
    "tgl_lahir",
    "jenis_kelamin",
    "nama_ibu_kandung",
    "kode_wilayah",
)
_CIVIL: Final = ("nik", "nama", "tgl_lahir", "jenis_kelamin")


def golden_records(
    persons: pl.DataFrame, clusters: pl.DataFrame, civil: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per cluster: the surviving values and a ``provenance`` JSON text.

    ``persons``: id, nik, nama, tgl_lahir, jenis_kelamin, nama_ibu_kandung, kode_wilayah,
    status, updated_at, batch_id. ``clusters``: unique_id, cluster. ``civil``: person_id,
    check_id, nik, nama, tgl_lahir, jenis_kelamin of members Dukcapil found (latest check).
    A cluster without any value is left out.

    Most persons have one registration and no civil values: theirs are their own values,
    taken row-wise (:func:`_single`); only the others go through the ranking.
    """
    has_civil = civil is not None and civil.height > 0
    sizes = clusters.group_by("cluster").agg(pl.len().alias("n"))
    single = sizes.filter(pl.col("n") == 1).select("cluster")
    if has_civil:
        assert civil is not None
        checked = clusters.join(
            civil.select(pl.col("person_id").alias("unique_id")), on="unique_id", how="semi"
        ).select("cluster")
        single = single.join(checked, on="cluster", how="anti")
    alone = clusters.join(single, on="cluster", how="semi")
    ranked = _ranked(persons, clusters.join(single, on="cluster", how="anti"), civil)
    return (
        pl.concat([_single(persons, alone), ranked], how="vertical_relaxed")
        .sort("cluster")
        .select("cluster", *FIELDS, "registrations", "provenance")
    )


def _texts(frame: pl.DataFrame) -> pl.DataFrame:
    """The fields as the text they are compared and stored as."""
    return frame.with_columns(
        pl.col("tgl_lahir").cast(pl.String), pl.col("jenis_kelamin").cast(pl.String)
    )


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("tgl_lahir").str.to_date(strict=False),
        pl.col("jenis_kelamin").cast(pl.Int16, strict=False),
        pl.col("registrations").cast(pl.UInt32),
    ).select("cluster", *FIELDS, "registrations", "provenance")


def _single(persons: pl.DataFrame, alone: pl.DataFrame) -> pl.DataFrame:
    """Golden records of one-registration clusters without civil values, row-wise: the same
    values and provenance text as :func:`_ranked` gives them."""
    rows = _texts(
        persons.join(alone.select(pl.col("unique_id").alias("id"), "cluster"), on="id")
    ).with_columns(
        *(
            pl.when(pl.col(f).is_not_null() & (pl.col(f) != "")).then(pl.col(f)).alias(f)
            for f in FIELDS
        )
    )
    ref = pl.col("batch_id").cast(pl.Int64).cast(pl.String).fill_null("null")
    items = [  # in the order _ranked sorts them: by the item text, so by field name
        pl.when(pl.col(f).is_not_null()).then(
            pl.concat_str(
                pl.lit(f'"{f}":{{"source":"registry","person_id":'),
                pl.col("id").cast(pl.String),
                pl.lit(',"ref":'),
                ref,
                pl.lit("}"),
            )
        )
        for f in sorted(FIELDS, key=lambda name: f'"{name}":')
    ]
    return _finish(
        rows.filter(pl.any_horizontal(pl.col(f).is_not_null() for f in FIELDS)).select(
            "cluster",
            *FIELDS,
            pl.lit(1).alias("registrations"),
            pl.concat_str(
                pl.lit("{"), pl.concat_str(items, separator=",", ignore_nulls=True), pl.lit("}")
            ).alias("provenance"),
        )
    )


def _ranked(
    persons: pl.DataFrame, clusters: pl.DataFrame, civil: pl.DataFrame | None
) -> pl.DataFrame:
    """Golden records by ranking every candidate value of every field (see module doc)."""
    base = persons.join(
        clusters.select(pl.col("unique_id").alias("id"), "cluster"), on="id", how="inner"
    ).with_columns(
        pl.col("tgl_lahir").cast(pl.String),
        pl.col("jenis_kelamin").cast(pl.String),
        (pl.col("status") == "aktif").cast(pl.Int8).alias("active"),
        pl.col("updated_at").cast(pl.String),
    )
    long = base.unpivot(
        index=["cluster", "id", "active", "updated_at", "batch_id"],
        on=list(FIELDS),
        variable_name="field",
        value_name="value",
    ).with_columns(
        pl.lit(1, pl.Int8).alias("tier"),
        pl.lit("registry").alias("source"),
        pl.col("batch_id").cast(pl.Int64).alias("ref"),
    )
    parts = [
        long.select(
            "cluster", "field", "value", "tier", "active", "updated_at", "id", "source", "ref"
        )
    ]
    if civil is not None and civil.height:
        c = (
            civil.join(
                clusters.select(pl.col("unique_id").alias("person_id"), "cluster"), on="person_id"
            )
            .with_columns(
                pl.col("tgl_lahir").cast(pl.String), pl.col("jenis_kelamin").cast(pl.String)
            )
            .unpivot(
                index=["cluster", "person_id", "check_id"],
                on=list(_CIVIL),
                variable_name="field",
                value_name="value",
            )
        )
        parts.append(
            c.select(
                "cluster",
                "field",
                "value",
                pl.lit(0, pl.Int8).alias("tier"),
                pl.lit(1, pl.Int8).alias("active"),
                pl.lit(None, pl.String).alias("updated_at"),
                pl.col("person_id").alias("id"),
                pl.lit("dukcapil").alias("source"),
                pl.col("check_id").cast(pl.Int64).alias("ref"),
            )
        )
    chosen = (
        pl.concat(parts)
        .filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
        .sort(
            ["cluster", "field", "tier", "active", "updated_at", "ref", "id"],
            descending=[False, False, False, True, True, True, True],
            nulls_last=True,
        )
        .group_by("cluster", "field", maintain_order=True)
        .first()
    )
    values = chosen.pivot(on="field", index="cluster", values="value")
    for name in FIELDS:
        if name not in values.columns:
            values = values.with_columns(pl.lit(None, pl.String).alias(name))
    prov = (
        chosen.with_columns(
            pl.concat_str(
                pl.lit('"'),
                "field",
                pl.lit('":{"source":"'),
                "source",
                pl.lit('","person_id":'),
                pl.col("id").cast(pl.String),
                pl.lit(',"ref":'),
                pl.col("ref").cast(pl.String).fill_null("null"),
                pl.lit("}"),
            ).alias("item")
        )
        .group_by("cluster")
        .agg(pl.col("item").sort().str.join(",").alias("provenance"))
        .with_columns(pl.concat_str(pl.lit("{"), "provenance", pl.lit("}")).alias("provenance"))
    )
    counts = base.group_by("cluster").agg(pl.len().alias("registrations"))
    return _finish(
        values.join(prov, on="cluster", how="left").join(counts, on="cluster", how="left")
    )
