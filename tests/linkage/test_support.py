"""Family support: doubtful pairs between two families that share a sure pair are raised."""

from __future__ import annotations

import math

import polars as pl
import pytest

from terpadu.linkage.support import SUPPORT_BITS, add_family_support


def _weight(p: float) -> float:
    return math.log2(p / (1 - p))


def _pairs(rows: list[tuple[int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unique_id_l": [a for a, _, _ in rows],
            "unique_id_r": [b for _, b, _ in rows],
            "match_probability": [p for _, _, p in rows],
            "match_weight": [_weight(p) for _, _, p in rows],
        },
        schema={
            "unique_id_l": pl.Int64,
            "unique_id_r": pl.Int64,
            "match_probability": pl.Float64,
            "match_weight": pl.Float64,
        },
    )


#: Family 10: records 1, 2, 3; family 20: records 4, 5, 6 (the same family listed again);
#: family 30: record 7, a namesake of record 2 elsewhere.
FAMILIES = pl.DataFrame(
    {"unique_id": [1, 2, 3, 4, 5, 6, 7], "family_id": [10, 10, 10, 20, 20, 20, 30]},
    schema={"unique_id": pl.Int64, "family_id": pl.Int64},
)


def test_doubtful_pair_between_relisted_families_is_raised() -> None:
    pairs = _pairs([(1, 4, 0.999), (2, 5, 0.4), (2, 7, 0.4)])
    out = add_family_support(pairs, FAMILIES, threshold=0.95)
    supported = out.filter((pl.col("unique_id_l") == 2) & (pl.col("unique_id_r") == 5)).row(
        0, named=True
    )
    assert supported["family_support"] == 1
    assert supported["mw_family"] == SUPPORT_BITS
    assert supported["match_weight"] == pytest.approx(_weight(0.4) + SUPPORT_BITS)
    assert supported["match_probability"] > 0.95
    namesake = out.filter(pl.col("unique_id_r") == 7).row(0, named=True)
    assert namesake["family_support"] == 0
    assert namesake["match_probability"] == pytest.approx(0.4)


def test_sure_pairs_keep_their_score_and_order() -> None:
    pairs = _pairs([(2, 5, 0.4), (1, 4, 0.999), (3, 6, 0.98)])
    out = add_family_support(pairs, FAMILIES, threshold=0.95)
    assert out.select("unique_id_l", "unique_id_r").rows() == [(2, 5), (1, 4), (3, 6)]
    assert out["match_probability"].to_list()[1:] == pytest.approx([0.999, 0.98])
    assert out["family_support"].to_list()[0] == 2


def test_support_must_come_from_other_records() -> None:
    # Record 1's sure link to 4 says nothing about 1 and 5 being one person.
    pairs = _pairs([(1, 4, 0.999), (1, 5, 0.4)])
    out = add_family_support(pairs, FAMILIES, threshold=0.95)
    assert out.filter(pl.col("unique_id_r") == 5)["mw_family"].item() == 0.0


def test_pairs_within_one_family_are_not_raised() -> None:
    pairs = _pairs([(1, 2, 0.4), (2, 3, 0.999)])
    out = add_family_support(pairs, FAMILIES, threshold=0.95)
    assert out["mw_family"].to_list() == [0.0, 0.0]
    assert out["match_probability"].to_list() == pytest.approx([0.4, 0.999])


def test_no_pairs() -> None:
    out = add_family_support(_pairs([]), FAMILIES, threshold=0.95)
    assert out.height == 0
    assert {"family_support", "mw_family"} <= set(out.columns)
