"""Blocking with a bound: no block may make the pair count explode.

A block of k registrations makes k(k−1)/2 pairs. On skewed data one key can hold a large part
of the registry (a million rows of three names; mothers' names written as one placeholder; one
desa), and a single rule then asks for billions of pairs. Before Splink sees a rule, the size of
every block is counted (one Polars ``group_by`` per rule); a rule with blocks above the cap
gets a flag column that is 1 in blocks within it and null in the others, and the rule also
requires the flag to agree, so the oversized blocks are left to the other rules (a null never
joins). The cap starts at :data:`MAX_BLOCK` and is halved until the rules' pairs fit the
budget (:func:`budget`). The same bound applies to the training blocks (EM and the prior's
rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import polars as pl
from splink import block_on

#: Largest block a rule compares in full (about 500,000 pairs).
MAX_BLOCK: Final = 1000
#: The cap is never lowered below this.
MIN_BLOCK: Final = 50
#: Pairs per registration all rules together may ask for. Scoring costs about 3 µs a pair
#: per core; ten per registration keeps a million registrations near 30 s of scoring.
PAIRS_PER_RECORD: Final = 10


def budget(records: int) -> int:
    """Pairs all rules together may ask for (before Splink removes pairs two rules share):
    :data:`PAIRS_PER_RECORD` per registration, at least two million."""
    return max(PAIRS_PER_RECORD * records, 2_000_000)


@dataclass
class Blocks:
    """Prepared frames with the flag columns their oversized rules need, and the rules."""

    frames: list[pl.DataFrame]
    flags: dict[tuple[str, ...], str] = field(default_factory=dict)
    cap: int = MAX_BLOCK
    pairs: dict[tuple[str, ...], int] = field(default_factory=dict)
    capped: dict[tuple[str, ...], int] = field(default_factory=dict)

    def rule(self, cols: Sequence[str]) -> Any:
        """The Splink rule for ``cols``, bounded when it needs to be."""
        flag = self.flags.get(tuple(cols))
        return block_on(*cols, flag) if flag else block_on(*cols)

    def rules(self, groups: Iterable[Sequence[str]]) -> list[Any]:
        return [self.rule(cols) for cols in groups]

    def sql(self, cols: Sequence[str]) -> str:
        """The rule as an SQL condition (for Splink calls that take strings)."""
        every = [*cols, *([self.flags[tuple(cols)]] if tuple(cols) in self.flags else [])]
        return " AND ".join(f"l.{c} = r.{c}" for c in every)


def _sizes(frames: list[pl.DataFrame], cols: tuple[str, ...]) -> pl.LazyFrame:
    keys = pl.concat([f.lazy().select(cols) for f in frames])
    return keys.drop_nulls().group_by(cols).len()


def bound(
    frames: list[pl.DataFrame],
    groups: Iterable[Sequence[str]],
    extra: Iterable[Sequence[str]] = (),
) -> Blocks:
    """Count every rule's blocks and flag those over the cap (lowered to fit the budget).

    ``groups`` (the prediction rules) share the budget and one cap; each ``extra`` rule (the
    training blocks, used one at a time) gets its own cap, the largest that keeps it alone
    within the budget, so a broad training block does not lower the prediction rules' cap.
    """
    wanted = list(dict.fromkeys(tuple(c) for c in groups))
    others = [c for c in dict.fromkeys(tuple(c) for c in extra) if c not in wanted]
    records = sum(f.height for f in frames)
    sizes = pl.collect_all([_sizes(frames, cols) for cols in [*wanted, *others]])
    per_rule = dict(zip([*wanted, *others], sizes, strict=True))

    def pairs_at(cap: int, rules: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
        n = pl.col("len").cast(pl.Int64)
        return {
            cols: int(per_rule[cols].filter(n <= cap).select((n * (n - 1) // 2).sum()).item() or 0)
            for cols in rules
        }

    def lowest(rules: list[tuple[str, ...]]) -> tuple[int, dict[tuple[str, ...], int]]:
        cap = MAX_BLOCK
        counted = pairs_at(cap, rules)
        while sum(counted.values()) > budget(records) and cap > MIN_BLOCK:
            cap = max(cap // 2, MIN_BLOCK)
            counted = pairs_at(cap, rules)
        return cap, counted

    cap, counted = lowest(wanted)
    caps = dict.fromkeys(wanted, cap)
    for cols in others:
        caps[cols], alone = lowest([cols])
        counted |= alone
    blocks = Blocks(list(frames), cap=cap, pairs=counted)
    for i, (cols, frame) in enumerate(per_rule.items()):
        big = frame.filter(pl.col("len") > caps[cols])
        if big.height == 0:
            continue
        name = f"blk_{i}"
        blocks.flags[cols] = name
        blocks.capped[cols] = int(big["len"].sum())
        marks = big.select(*cols, pl.lit(True).alias("_big"))
        blocks.frames = [
            f.join(marks, on=list(cols), how="left")
            .with_columns(
                pl.when(
                    pl.all_horizontal(pl.col(c).is_not_null() for c in cols)
                    & pl.col("_big").is_null()
                )
                .then(pl.lit(1, pl.Int8))
                .alias(name)
            )
            .drop("_big")
            for f in blocks.frames
        ]
    return blocks
