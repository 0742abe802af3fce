"""Clustering scored pairs into persons, honouring clerks' decisions.

Edges are taken strongest first (forced links from "same" decisions, then model links at or
above the threshold) and joined with union-find; an edge is skipped when it would put two
registrations a clerk said are different into one cluster, and a model edge is skipped when it
would join two registrations other than its own two whose NIKs are far apart (see
:func:`far_apart`): one person holds one NIK, give or take a typo, and a chain of links that
ends in two unrelated NIKs has a namesake in it. The result is deterministic for a given set of
edges, so DuckDB and Spark runs give the same clusters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

Pair = tuple[int, int]


def ordered(a: int, b: int) -> Pair:
    """A pair written smaller id first."""
    return (a, b) if a < b else (b, a)


def far_apart(a: str, b: str) -> bool:
    """Two 16-digit NIKs that differ in more than two places: not one substituted digit, not
    two digits swapped, so not one NIK mistyped."""
    if len(a) != 16 or len(b) != 16:
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) > 2


@dataclass(frozen=True)
class Clusters:
    """``members``: unique_id → cluster key (smallest member id); ``links``: accepted edges."""

    assignment: pl.DataFrame  # unique_id, cluster, via, match_probability, basis
    accepted: int
    blocked_by_decision: int


def cluster_pairs(
    ids: Iterable[int],
    edges: pl.DataFrame,
    *,
    same: Iterable[Pair] = (),
    different: Iterable[Pair] = (),
    niks: Mapping[int, str] | None = None,
) -> Clusters:
    """Connected components of ``edges`` (``unique_id_l``, ``unique_id_r``,
    ``match_probability``) plus forced ``same`` links, never joining a ``different`` pair.

    ``niks`` (unique_id → NIK, where there is one): a model edge that would put two NIKs far
    apart into one cluster, other than the edge's own two, is skipped (counted as blocked)."""
    niks = niks or {}
    root_niks: dict[int, set[str]] = {}
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}
    forbid: dict[int, set[int]] = {}
    for a, b in different:
        forbid.setdefault(a, set()).add(b)
        forbid.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    # per-root forbidden partners, only for roots that have any
    root_forbid: dict[int, set[int]] = {k: set(v) for k, v in forbid.items()}
    best: dict[int, tuple[int, float, str]] = {}
    accepted = blocked = 0
    forced = [(a, b, 1.0, "review") for a, b in same]
    model = list(
        edges.sort(
            ["match_probability", "unique_id_l", "unique_id_r"], descending=[True, False, False]
        )
        .select("unique_id_l", "unique_id_r", "match_probability")
        .iter_rows()
    )
    for a, b, p, basis in [*forced, *((a, b, p, "model") for a, b, p in model)]:
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members.get(ra, [ra]), members.get(rb, [rb])
        fa, fb = root_forbid.get(ra), root_forbid.get(rb)
        if (fa and any(m in fa for m in mb)) or (fb and any(m in fb for m in ma)):
            blocked += 1
            continue
        na = root_niks.get(ra) or ({niks[ra]} if ra in niks else set())
        nb = root_niks.get(rb) or ({niks[rb]} if rb in niks else set())
        if basis == "model" and _chain_conflict(na, nb, niks.get(a), niks.get(b)):
            blocked += 1
            continue
        if len(ma) < len(mb):
            ra, rb, ma, mb, fa, fb = rb, ra, mb, ma, fb, fa
        parent[rb] = ra
        members[ra] = ma + mb
        members.pop(rb, None)
        if fb:
            root_forbid[ra] = (fa or set()) | fb
            root_forbid.pop(rb, None)
        if na or nb:
            root_niks[ra] = na | nb
            root_niks.pop(rb, None)
        accepted += 1
        for x, y in ((a, b), (b, a)):
            if x not in best or best[x][1] < p:
                best[x] = (y, p, basis)

    rows: list[tuple[int, int, int | None, float | None, str | None]] = []
    for group in members.values():
        key = min(group)
        for m in group:
            via = best.get(m)
            rows.append(
                (m, key, via[0] if via else None, via[1] if via else None, via[2] if via else None)
            )
    frame = pl.DataFrame(
        rows,
        schema={
            "unique_id": pl.Int64,
            "cluster": pl.Int64,
            "via": pl.Int64,
            "match_probability": pl.Float64,
            "basis": pl.String,
        },
        orient="row",
    )
    all_ids = pl.DataFrame({"unique_id": pl.Series(list(ids), dtype=pl.Int64)})
    assignment = all_ids.join(frame, on="unique_id", how="left").with_columns(
        pl.coalesce("cluster", "unique_id").alias("cluster")
    )
    return Clusters(assignment, accepted, blocked)


def _chain_conflict(
    left: set[str], right: set[str], own_left: str | None, own_right: str | None
) -> bool:
    """Whether joining clusters holding NIKs ``left`` and ``right`` by an edge between
    registrations holding ``own_left`` and ``own_right`` brings two NIKs far apart together
    that are not the edge's own two (a pair the model linked on its own evidence stands)."""
    for x in left:
        for y in right:
            if far_apart(x, y) and not (x == own_left and y == own_right):
                return True
    return False
