"""Reading and writing linkage state in the registry database (set-wise, not row by row)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Table, func, select, text

from terpadu.store.bulk import bulk_insert
from terpadu.store.models import Person
from terpadu.store.models import linkage as M

PERSON: Table = Person.__table__  # type: ignore[assignment]
RUN: Table = M.LinkRun.__table__  # type: ignore[assignment]
CHECK: Table = M.DukcapilCheck.__table__  # type: ignore[assignment]

RESOLVED: Table = M.ResolvedPerson.__table__  # type: ignore[assignment]
MERGE: Table = M.LinkMerge.__table__  # type: ignore[assignment]
DECISION: Table = M.LinkDecision.__table__  # type: ignore[assignment]
REVIEW: Table = M.ReviewPair.__table__  # type: ignore[assignment]
RESULT: Table = M.DukcapilResult.__table__  # type: ignore[assignment]
CHUNK = 50_000


def latest_decisions(conn: Connection) -> dict[tuple[int, int], str]:
    """The newest decision on every decided pair."""
    rows = conn.execute(
        select(DECISION.c.person_a, DECISION.c.person_b, DECISION.c.decision).order_by(
            DECISION.c.id
        )
    )
    return {(int(a), int(b)): str(d) for a, b, d in rows}


def civil_values(conn: Connection) -> pl.DataFrame:
    """Dukcapil's values for every person it found, from the latest check of that person."""
    latest = select(func.max(RESULT.c.id)).group_by(RESULT.c.person_id).scalar_subquery()
    rows = conn.execute(
        select(
            RESULT.c.person_id,
            RESULT.c.check_id,
            RESULT.c.nik,
            RESULT.c.nama,
            RESULT.c.tgl_lahir,
            RESULT.c.jenis_kelamin,
        ).where(RESULT.c.id.in_(latest), RESULT.c.found == 1)
    ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "person_id": pl.Int64,
            "check_id": pl.Int64,
            "nik": pl.String,
            "nama": pl.String,
            "tgl_lahir": pl.Date,
            "jenis_kelamin": pl.Int16,
        },
        orient="row",
    )


def next_resolved_id(conn: Connection) -> int:
    """The first unused resolved-person id."""
    current = conn.execute(select(func.max(RESOLVED.c.id))).scalar()
    return int(current or 0) + 1


def sync_sequence(conn: Connection) -> None:
    """After inserting explicit ids, move PostgreSQL's sequence past them."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('resolved_person', 'id'), "
                "(SELECT COALESCE(MAX(id), 1) FROM resolved_person))"
            )
        )


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert in chunks (one executemany each)."""
    for start in range(0, len(rows), CHUNK):
        conn.execute(table.insert(), list(rows[start : start + CHUNK]))


def set_resolved_ids(conn: Connection, changes: pl.DataFrame) -> int:
    """Point persons at their resolved person (``unique_id``, ``rid``), set-wise: the pairs go
    to a temporary table and one ``UPDATE … FROM`` applies them."""
    if changes.height == 0:
        return 0
    conn.execute(text("CREATE TEMPORARY TABLE link_stage (pid BIGINT PRIMARY KEY, rid BIGINT)"))
    try:
        bulk_insert(conn, "link_stage", changes.select(pl.col("unique_id").alias("pid"), "rid"))
        conn.execute(
            text(
                "UPDATE person SET resolved_person_id = link_stage.rid FROM link_stage "
                "WHERE person.id = link_stage.pid"
            )
        )
    finally:
        conn.execute(text("DROP TABLE link_stage"))
    return changes.height


def rows_of(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as dicts for executemany."""
    return frame.to_dicts()


def query_frame(engine: Engine | Connection, sql: str, schema: dict[str, Any]) -> pl.DataFrame:
    """A SQL query's rows as a typed frame."""
    if isinstance(engine, Engine):
        with engine.connect() as conn:
            rows = conn.execute(text(sql)).all()
    else:
        rows = engine.execute(text(sql)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
