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

Predictions then block on one integer key per rule (:func:`_block_keys`): equal exactly where
the bounded rule admits the pair, null for a registration alone in its block. Splink's joins,
and the exclusion of pairs an earlier rule already found, then compare one number instead of
two or three texts, over the registrations that have a partner. The training rules keep their
columns: Splink leaves the comparisons on a block's own columns out of its estimates.
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
    keys: dict[tuple[str, ...], str] = field(default_factory=dict)

    def rule(self, cols: Sequence[str]) -> Any:
        """The Splink rule for ``cols``, bounded when it needs to be."""
        flag = self.flags.get(tuple(cols))
        return block_on(*cols, flag) if flag else block_on(*cols)

    def rules(self, groups: Iterable[Sequence[str]]) -> list[Any]:
        return [self.rule(cols) for cols in groups]

    def prediction_rules(self, groups: Iterable[Sequence[str]]) -> list[Any]:
        """The prediction rules on their block keys (:func:`_block_keys`): the same pairs as
        :meth:`rules`, joined on one integer column instead of several texts."""
        return [
            block_on(self.keys[tuple(cols)]) if tuple(cols) in self.keys else self.rule(cols)
            for cols in groups
        ]

    def sql(self, cols: Sequence[str]) -> str:
        """The rule as an SQL condition (for Splink calls that take strings)."""
        every = [*cols, *([self.flags[tuple(cols)]] if tuple(cols) in self.flags else [])]
        return " AND ".join(f"l.{c} = r.{c}" for c in every)


def _sizes(frames: list[pl.DataFrame], cols: tuple[str, ...]) -> pl.LazyFrame:
    keys = pl.concat([f.lazy().select(cols) for f in frames])
    return keys.drop_nulls().group_by(cols).len()


def _block_keys(frames: list[pl.DataFrame], caps: dict[tuple[str, ...], int]) -> list[pl.DataFrame]:
    """For each rule, a column naming the block a registration shares with at least one other
    (its lowest row number among all frames), null where a column is missing, the block is
    the registration's alone, or it is over the rule's cap.

    Two registrations have equal keys exactly when the rule, bounded, admits the pair: the
    join that makes the pairs then runs on one integer instead of several texts, and over only
    the registrations that have a partner (most have none under a compound rule).
    """
    every = list(dict.fromkeys(c for cols in caps for c in cols))
    rows = pl.concat([f.lazy().select(every) for f in frames]).with_row_index("_row")
    keys = []
    for i, (cols, cap) in enumerate(caps.items()):
        size = pl.len().over(cols)
        whole = pl.all_horizontal(pl.col(c).is_not_null() for c in cols)
        keys.append(
            pl.when(whole & (size >= 2) & (size <= cap))
            .then(pl.col("_row").min().over(cols))
            .cast(pl.Int32)
            .alias(f"bkey_{i}")
        )
    found = rows.select(keys).collect()
    out, start = [], 0
    for f in frames:
        out.append(f.hstack(found.slice(start, f.height).get_columns()))
        start += f.height
    return out


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
    blocks.frames = _block_keys(blocks.frames, {cols: caps[cols] for cols in wanted})
    blocks.keys = {cols: f"bkey_{i}" for i, cols in enumerate(wanted)}
    return blocks
