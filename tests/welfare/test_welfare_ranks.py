import math

import numpy as np
import pyarrow as pa
import pytest

from terpadu.engine import DuckDBEngine
from terpadu.welfare.ranking import rank_sql


def _rank(scores: list[float], kab: list[str] | None = None) -> list[dict]:
    n = len(scores)
    kab = kab or ["3604"] * n
    table = pa.table(
        {
            "family_id": pa.array(range(1, n + 1), type=pa.int64()),
            "kode_wilayah": [k + "052001" for k in kab],
            "kode_provinsi": [k[:2] for k in kab],
            "kode_kabkota": kab,
            "pmt_score": pa.array(scores, type=pa.float64()),
        }
    )
    duck = DuckDBEngine()
    duck.register_arrow("scored", table)
    rows = duck.sql(rank_sql("scored") + " ORDER BY family_id").to_pylist()
    duck.close()
    return rows


def _reference(scores: list[float]) -> list[tuple[int, int]]:
    """Percentile and desil by the documented rule, in plain Python."""
    n = len(scores)
    out = []
    for s in scores:
        r = 1 + sum(1 for other in scores if other < s)  # ties share the lowest rank
        out.append((math.floor(100 * (r - 1) / n) + 1, math.floor(10 * (r - 1) / n) + 1))
    return out


def test_distinct_scores_fill_deciles_evenly() -> None:
    rows = _rank([float(x) for x in np.random.default_rng(3).permutation(50)])
    counts = np.bincount([r["desil"] for r in rows], minlength=11)[1:]
    assert counts.tolist() == [5] * 10
    poorest = min(rows, key=lambda r: r["pmt_score"])
    assert (poorest["persentil"], poorest["desil"], poorest["rank_nasional"]) == (1, 1, 1)
    richest = max(rows, key=lambda r: r["pmt_score"])
    assert (richest["persentil"], richest["desil"]) == (99, 10)


def test_ties_share_percentile_and_desil() -> None:
    scores = [1.0] * 15 + [2.0] * 5
    rows = _rank(scores)
    assert {r["desil"] for r in rows[:15]} == {1}
    assert {r["rank_nasional"] for r in rows[:15]} == {1}
    assert {(r["desil"], r["persentil"]) for r in rows[15:]} == {(8, 76)}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_the_documented_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    scores = np.round(rng.normal(size=n), 1).tolist()  # rounding makes ties
    rows = _rank(scores)
    assert [(r["persentil"], r["desil"]) for r in rows] == _reference(scores)
    assert all(r["desil"] == math.ceil(r["persentil"] / 10) for r in rows)


def test_ranks_within_province_and_kabkota() -> None:
    rows = _rank([3.0, 1.0, 2.0, 0.5], ["3604", "3604", "3601", "3201"])
    by_id = {r["family_id"]: r for r in rows}
    assert by_id[1]["rank_kabkota"] == 2 and by_id[2]["rank_kabkota"] == 1
    assert by_id[3]["rank_kabkota"] == 1 and by_id[3]["rank_provinsi"] == 2
    assert by_id[4]["rank_provinsi"] == 1 and by_id[4]["rank_nasional"] == 1
