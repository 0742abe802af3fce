"""Block keys: one integer per rule that admits exactly the pairs the bounded rule admits."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import polars as pl
import pytest

from terpadu.linkage import blocking
from terpadu.linkage.blocking import bound


def _frame(rng: random.Random, n: int, start: int) -> pl.DataFrame:
    def value(choices: str) -> str | None:
        return None if rng.random() < 0.15 else rng.choice(choices)

    return pl.DataFrame(
        {
            "unique_id": range(start, start + n),
            "a": [value("xyz") for _ in range(n)],
            "b": [value("pqrstuvw") for _ in range(n)],
            # one large block: over the (lowered) cap of a rule on ``c`` alone
            "c": ["big" if i % 2 else value("ghijklmnopq") for i in range(n)],
        },
        schema={"unique_id": pl.Int64, "a": pl.String, "b": pl.String, "c": pl.String},
    )


def _admitted(frames: list[pl.DataFrame], cols: tuple[str, ...], cap: int) -> set[tuple[int, int]]:
    """The pairs the rule admits, from first principles: every column given and equal, and the
    block (over all frames) no larger than the cap."""
    rows = [r for f in frames for r in f.iter_rows(named=True)]
    sizes = Counter(tuple(r[c] for c in cols) for r in rows)
    pairs = set()
    for left, right in itertools.combinations(rows, 2):
        key = tuple(left[c] for c in cols)
        if None in key or key != tuple(right[c] for c in cols) or sizes[key] > cap:
            continue
        pairs.add((left["unique_id"], right["unique_id"]))
    return pairs


def _by_key(frames: list[pl.DataFrame], key: str) -> set[tuple[int, int]]:
    rows = [(r["unique_id"], r[key]) for f in frames for r in f.iter_rows(named=True)]
    return {
        (i, j)
        for (i, ki), (j, kj) in itertools.combinations(rows, 2)
        if ki is not None and ki == kj
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("parts", [1, 2])
def test_block_keys_admit_exactly_the_pairs_of_the_bounded_rule(
    seed: int, parts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocking, "MAX_BLOCK", 40)
    rng = random.Random(seed)
    frames = [_frame(rng, 150, 1000 * k) for k in range(parts)]
    rules = [("a",), ("a", "b"), ("b", "c"), ("c",)]
    blocks = bound(frames, rules)
    assert ("c",) in blocks.capped  # the large block is over the cap
    for cols in rules:
        key = blocks.keys[cols]
        assert all(key in f.columns for f in blocks.frames)
        assert _by_key(blocks.frames, key) == _admitted(frames, cols, blocks.cap), cols
    # a registration alone in its block has no key: it joins nothing
    alone = blocks.frames[0].filter(pl.col("a").is_not_null() & pl.col("b").is_not_null())
    counts = Counter(
        (r["a"], r["b"]) for f in frames for r in f.select("a", "b").iter_rows(named=True)
    )
    for row in alone.iter_rows(named=True):
        if counts[(row["a"], row["b"])] == 1:
            assert row[blocks.keys[("a", "b")]] is None


def test_prediction_rules_join_on_the_keys() -> None:
    frame = pl.DataFrame({"unique_id": [1, 2, 3], "a": ["x", "x", "y"], "b": ["p", "p", "q"]})
    blocks = bound([frame], [("a", "b")])
    (rule,) = blocks.prediction_rules([("a", "b")])
    sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
    assert blocks.keys[("a", "b")] in sql and '"a"' not in sql
