"""Family support: a pair is more likely one person when other members of the same two
families are also the same people.

The commonest duplicate in a welfare registry is a whole family listed again (a later survey,
a village's own list, a proposal): its members come back together, each with their own typos.
A pair whose fields alone leave doubt (a blank NIK, a mother's name left out, a move to
another kecamatan) is rarely a pair of namesakes when another pair of members of the same two
families is a sure match. Splink compares two records at a time and cannot see this, so it is
added after scoring as one more Bayes factor: :data:`SUPPORT_BITS` for a pair of records in two
different families with at least one other sure pair between those families (sharing neither
record). A pair without such support keeps its score: the model was fitted without this
evidence, so its absence is not counted against anyone.
"""

from __future__ import annotations

from typing import Final

import polars as pl

#: Bayes factor (log2) of one or more other sure pairs between the same two families. On the
#: development registries a supported pair scoring below the threshold was a true match in
#: about 57 of 58 cases; 6 bits (64 : 1) lifts a pair from 0.25 to above 0.95, not one from 0.1.
SUPPORT_BITS: Final = 6.0
#: Lowest score a pair needs for support to be considered (pairs below it are not kept).
SUPPORT_FLOOR: Final = 0.2


def add_family_support(
    pairs: pl.DataFrame, families: pl.DataFrame, threshold: float
) -> pl.DataFrame:
    """``pairs`` with ``family_support`` (how many other sure pairs link the pair's two
    families) and, where it is positive and the pair is below ``threshold``, the score raised
    by :data:`SUPPORT_BITS` (``match_weight`` and ``match_probability``; ``mw_family`` holds the
    bits added, for explanations).

    ``families``: ``unique_id`` and ``family_id`` of every record. Sure pairs (at or above the
    threshold) are counted as they came from the model, so support never feeds on itself.
    """
    if pairs.height == 0:
        return pairs.with_columns(
            pl.lit(0, pl.UInt32).alias("family_support"), pl.lit(0.0).alias("mw_family")
        )
    fam = families.select("unique_id", "family_id")
    framed = (
        pairs.with_row_index("_pair")
        .join(
            fam.rename({"unique_id": "unique_id_l", "family_id": "_fl"}),
            on="unique_id_l",
            how="left",
        )
        .join(
            fam.rename({"unique_id": "unique_id_r", "family_id": "_fr"}),
            on="unique_id_r",
            how="left",
        )
        .with_columns(
            pl.min_horizontal("_fl", "_fr").alias("_fa"),
            pl.max_horizontal("_fl", "_fr").alias("_fb"),
        )
    )
    across = framed.filter(pl.col("_fa") != pl.col("_fb"))
    sure = across.filter(pl.col("match_probability") >= threshold).select(
        "_fa", "_fb", pl.col("unique_id_l").alias("_sl"), pl.col("unique_id_r").alias("_sr")
    )
    doubtful = across.filter(pl.col("match_probability") < threshold).select(
        "_pair", "_fa", "_fb", "unique_id_l", "unique_id_r"
    )
    counted = (
        doubtful.join(sure, on=["_fa", "_fb"])
        .filter(
            (pl.col("_sl") != pl.col("unique_id_l"))
            & (pl.col("_sl") != pl.col("unique_id_r"))
            & (pl.col("_sr") != pl.col("unique_id_l"))
            & (pl.col("_sr") != pl.col("unique_id_r"))
        )
        .group_by("_pair")
        .agg(pl.len().cast(pl.UInt32).alias("family_support"))
    )
    out = framed.join(counted, on="_pair", how="left").with_columns(
        pl.col("family_support").fill_null(0)
    )
    bits = (
        pl.when((pl.col("family_support") > 0) & (pl.col("match_probability") < threshold))
        .then(pl.lit(SUPPORT_BITS))
        .otherwise(0.0)
    )
    weight = pl.col("match_weight") + pl.col("mw_family")
    return (
        out.with_columns(bits.alias("mw_family"))
        .with_columns(
            weight.alias("match_weight"),
            (1.0 - 1.0 / (1.0 + (2.0**weight))).alias("match_probability"),
        )
        .sort("_pair")
        .drop("_pair", "_fl", "_fr", "_fa", "_fb")
    )
