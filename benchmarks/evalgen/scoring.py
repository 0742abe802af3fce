"""Pairwise precision, recall and F1 of a clustering against the truth.

A pair is two registrations. Predicted pairs share a cluster, true pairs share a true person.
The counts come from group sizes (n choose 2 summed over groups), never from listing pairs,
so a million rows score in well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class PairScores:
    true_positive: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_text(self) -> str:
        return f"{self.precision:.3f} / {self.recall:.3f} / {self.f1:.3f}"


def _pairs(sizes: pl.Series) -> int:
    n = sizes.cast(pl.Int64)
    return int((n * (n - 1) // 2).sum())


def pair_scores(
    predicted: Sequence[object] | pl.Series, truth: Sequence[object] | pl.Series
) -> PairScores:
    """Score cluster labels against true labels, row by row. A null predicted label is a
    cluster of its own (the row was left unresolved)."""
    frame = pl.DataFrame(
        {"p": pl.Series(predicted).cast(pl.Utf8), "t": pl.Series(truth).cast(pl.Utf8)}
    )
    if frame["t"].null_count():
        raise ValueError("every row needs its true label")
    frame = frame.with_columns(
        pl.when(pl.col("p").is_null() | (pl.col("p") == ""))
        .then(pl.concat_str(pl.lit("\x00row"), pl.int_range(pl.len()).cast(pl.Utf8)))
        .otherwise(pl.col("p"))
        .alias("p")
    )
    return PairScores(
        true_positive=_pairs(frame.group_by("p", "t").len()["len"]),
        predicted=_pairs(frame.group_by("p").len()["len"]),
        actual=_pairs(frame.group_by("t").len()["len"]),
    )
