"""The write stage of a link run: resolved persons, merges and the review queue.

Each writer works inside the run's one transaction (``conn``) and is set-wise: chunked
statements, never one round trip per registration.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import polars as pl
from sqlalchemy import bindparam, select, update

from terpadu.linkage import store as S
from terpadu.linkage.explain import explain
from terpadu.linkage.golden import FIELDS
from terpadu.store.bulk import insert_new_rows


def assign_ids(
    assignment: pl.DataFrame, previous: pl.DataFrame, allocate: Callable[[int], pl.Series]
) -> tuple[pl.DataFrame, int]:
    """cluster → resolved id, reusing previous ids by majority (ties: oldest member)."""
    joined = assignment.join(previous, on="unique_id", how="left")
    candidates = (
        joined.filter(pl.col("prev").is_not_null())
        .group_by("cluster", "prev")
        .agg(pl.len().alias("n"), pl.col("unique_id").min().alias("oldest"))
        .sort(["n", "oldest", "prev"], descending=[True, False, False])
    )
    taken: set[int] = set()
    chosen: dict[int, int] = {}
    for cluster, prev, _n, _oldest in candidates.iter_rows():
        if cluster in chosen or prev in taken:
            continue
        chosen[cluster] = prev
        taken.add(prev)
    clusters = assignment.select("cluster").unique().sort("cluster")
    kept = pl.DataFrame(
        {"cluster": list(chosen), "rid": list(chosen.values())},
        schema={"cluster": pl.Int64, "rid": pl.Int64},
    )
    frame = clusters.join(kept, on="cluster", how="left").with_columns(
        pl.col("rid").is_null().alias("new")
    )
    fresh = int(frame["new"].sum())
    new_ids = allocate(fresh)
    frame = (
        frame.with_columns(
            pl.when(pl.col("new")).then(pl.col("new").cast(pl.Int64).cum_sum() - 1).alias("_k")
        )
        .with_columns(
            pl.coalesce(
                "rid",
                pl.col("_k").replace_strict(
                    pl.Series(range(fresh)), new_ids, default=None, return_dtype=pl.Int64
                ),
            ).alias("rid")
        )
        .drop("_k")
    )
    return frame, fresh


def insert_new_persons(conn: Any, golden: pl.DataFrame, run_id: int, now: dt.datetime) -> None:
    """Insert the golden records of clusters that got a new id."""
    new_rows = golden.select(
        pl.col("rid").alias("id"),
        *FIELDS,
        "registrations",
        "provenance",
    )
    insert_new_rows(  # a first run's million rows: the NIK index is built once, after
        conn,
        S.RESOLVED,
        new_rows.with_columns(
            pl.lit("aktif").alias("status"),
            pl.lit(run_id).alias("created_run_id"),
            pl.lit(run_id).alias("updated_run_id"),
            pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"),
        ),
    )


def update_existing(conn: Any, golden: pl.DataFrame, run_id: int, now: dt.datetime) -> None:
    """Rewrite the golden values of kept ids whose values or provenance changed."""
    if golden.height == 0:
        return
    current = S.query_frame(
        conn,
        "SELECT id, status, nik, nama, CAST(tgl_lahir AS VARCHAR(10)), "
        "CAST(jenis_kelamin AS VARCHAR(4)), nama_ibu_kandung, "
        "kode_wilayah, registrations FROM resolved_person WHERE status = 'aktif'",
        {
            "rid": pl.Int64,
            "status": pl.String,
            **{f"{f}_old": pl.String for f in FIELDS},
            "registrations_old": pl.Int64,
        },
    )
    new = golden.with_columns(
        pl.col("tgl_lahir").cast(pl.String), pl.col("jenis_kelamin").cast(pl.String)
    )
    both = new.join(current, on="rid", how="left")
    differs = pl.lit(False)
    for f in FIELDS:
        old = pl.col(f"{f}_old").cast(pl.String).str.slice(0, 10 if f == "tgl_lahir" else 200)
        differs = differs | (pl.col(f).cast(pl.String).ne_missing(old))
    differs = differs | pl.col("registrations").cast(pl.Int64).ne_missing(
        pl.col("registrations_old")
    )
    differs = differs | (pl.col("status") != "aktif") | pl.col("status").is_null()
    todo = both.filter(differs)
    statement = (
        update(S.RESOLVED)
        .where(S.RESOLVED.c.id == bindparam("rid_"))
        .values(
            status="aktif",
            nik=bindparam("nik_"),
            nama=bindparam("nama_"),
            tgl_lahir=bindparam("tgl_"),
            jenis_kelamin=bindparam("jk_"),
            nama_ibu_kandung=bindparam("ibu_"),
            kode_wilayah=bindparam("kw_"),
            registrations=bindparam("n_"),
            provenance=bindparam("prov_"),
            updated_run_id=run_id,
            updated_at=now,
        )
    )
    params = [
        {
            "rid_": r["rid"],
            "nik_": r["nik"],
            "nama_": r["nama"],
            "tgl_": dt.date.fromisoformat(r["tgl_lahir"]) if r["tgl_lahir"] else None,
            "jk_": int(r["jenis_kelamin"]) if r["jenis_kelamin"] else None,
            "ibu_": r["nama_ibu_kandung"],
            "kw_": r["kode_wilayah"],
            "n_": r["registrations"],
            "prov_": json.loads(r["provenance"]),
        }
        for r in todo.iter_rows(named=True)
    ]
    for start in range(0, len(params), S.CHUNK):
        conn.execute(statement, params[start : start + S.CHUNK])


def supersede_unclaimed(conn: Any, claimed: set[int], run_id: int, now: dt.datetime) -> None:
    """Mark ``superseded`` the active ids no cluster of this run claimed (never deleted)."""
    active_before = [
        int(i)
        for (i,) in conn.execute(select(S.RESOLVED.c.id).where(S.RESOLVED.c.status == "aktif"))
    ]
    gone = [i for i in active_before if i not in claimed]
    for start in range(0, len(gone), S.CHUNK):
        conn.execute(
            update(S.RESOLVED)
            .where(S.RESOLVED.c.id.in_(gone[start : start + S.CHUNK]))
            .values(status="superseded", updated_run_id=run_id, updated_at=now)
        )


def record_merges(conn: Any, full: pl.DataFrame, run_id: int, now: dt.datetime) -> int:
    """A ``link_merge`` row for every registration newly joined to a multi-record person;
    merges no longer true (the run separated them) are marked undone."""
    active = S.query_frame(
        conn,
        "SELECT id, person_id, resolved_person_id FROM link_merge WHERE undone_at IS NULL",
        {"merge_id": pl.Int64, "unique_id": pl.Int64, "merged_rid": pl.Int64},
    )
    sizes = full.group_by("rid").agg(pl.len().alias("size"))
    current = full.join(sizes, on="rid")
    stale = active.join(
        current.select("unique_id", "rid", "size"), on="unique_id", how="left"
    ).filter(
        (pl.col("rid") != pl.col("merged_rid")) | (pl.col("size") < 2) | pl.col("rid").is_null()
    )
    if stale.height:
        ids = stale["merge_id"].to_list()
        for start in range(0, len(ids), S.CHUNK):
            conn.execute(
                update(S.MERGE)
                .where(S.MERGE.c.id.in_(ids[start : start + S.CHUNK]))
                .values(
                    undone_at=now,
                    undone_by="system",
                    undone_reason=f"link run {run_id}: no longer linked",
                )
            )
    kept = active.join(stale.select("merge_id"), on="merge_id", how="anti")
    new = (
        current.filter(pl.col("size") > 1)
        .join(
            kept.select("unique_id", pl.col("merged_rid").alias("rid")),
            on=["unique_id", "rid"],
            how="anti",
        )
        .select(
            pl.lit(run_id).alias("run_id"),
            pl.col("rid").alias("resolved_person_id"),
            pl.col("unique_id").alias("person_id"),
            pl.col("via").alias("via_person_id"),
            "match_probability",
            pl.col("basis").fill_null("model"),
        )
    )
    insert_new_rows(conn, S.MERGE, new.with_columns(pl.lit(now).alias("created_at")))
    return new.height


def queue_review(
    conn: Any,
    pairs: pl.DataFrame,
    threshold: float,
    floor: float,
    decisions: dict[tuple[int, int], str],
    settings: dict[str, Any],
    run_id: int,
    now: dt.datetime,
) -> int:
    """Queue undecided pairs in [floor, threshold) that are not already waiting."""
    band = pairs.filter(
        (pl.col("match_probability") >= floor) & (pl.col("match_probability") < threshold)
    )
    if band.height == 0:
        return 0
    waiting = {
        (int(a), int(b))
        for a, b in conn.execute(
            select(S.REVIEW.c.person_a, S.REVIEW.c.person_b).where(S.REVIEW.c.state == "pending")
        )
    }
    rows = []
    for pair in band.iter_rows(named=True):
        a, b = sorted((int(pair["unique_id_l"]), int(pair["unique_id_r"])))
        if (a, b) in decisions or (a, b) in waiting:
            continue
        rows.append(
            {
                "run_id": run_id,
                "person_a": a,
                "person_b": b,
                "match_probability": float(pair["match_probability"]),
                "match_weight": float(pair["match_weight"]),
                "explanation": explain(pair, settings),
                "state": "pending",
                "kode_wilayah": pair.get("desa_l"),
                "created_at": now,
            }
        )
    S.insert_rows(conn, S.REVIEW, rows)
    return len(rows)
