"""Secondary indexes (and PostgreSQL's keys) dropped for a large load and built once after.

Shared by the bulk writers, the SQLite stage and the name-search table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, TableClause, text

# Batches smaller than this keep their indexes during a load (see rebuilt_indexes).
REBUILD_MIN_ROWS = 50_000


def _index_definitions(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's secondary indexes as they exist in the database."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE i.tablename = :t AND i.schemaname = current_schema() "
                "AND NOT x.indisprimary "
                "AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
            ),
            {"t": table},
        ).all()
    else:
        rows = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
            ),
            {"t": table},
        ).all()
    return sorted((str(name), str(sql)) for name, sql in rows)


@dataclass(frozen=True)
class _Constraint:
    table: str
    name: str
    definition: str


def _key_constraints(conn: Connection, table: str) -> list[_Constraint]:
    """The table's primary key, preceded by the foreign keys that reference it (PostgreSQL):
    the order to drop them in; they are added back in reverse."""
    rows = conn.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE (c.contype = 'p' AND c.conrelid = CAST(:t AS regclass)) "
            "OR (c.contype = 'f' AND c.confrelid = CAST(:t AS regclass)) "
            "ORDER BY c.contype, c.conrelid::regclass::text, c.conname"
        ),
        {"t": table},
    ).all()
    return [_Constraint(str(r[0]), str(r[1]), str(r[2])) for r in rows]


@contextmanager
def rebuilt_indexes(
    conn: Connection, table: TableClause, incoming_rows: int, *, key: str = "id"
) -> Iterator[None]:
    """Load a large batch without index maintenance, then build the indexes once.

    Inserting a million rows into a B-tree in random key order (a NIK index)
    costs several times more than building the index by sorting afterwards.
    Worth it when the batch is large against the table; a small batch into a
    big registry keeps its indexes. The indexes are recreated from their
    definitions in the database itself, whichever migration made them. Inside
    the caller's transaction, so a failure restores them with everything else.

    On PostgreSQL the primary key goes too (and the foreign keys that lean on
    it, checked again when they come back): even in key order, maintaining it
    row by row costs as much as writing a narrow table's rows (a million
    memberships: 1.5 s of 3), building it afterwards a sixth of that. SQLite's
    primary key is the row id itself. ``key``: the table's ascending integer key,
    whose largest value stands for the table's size.
    """
    current = conn.execute(text(f"SELECT coalesce(max({key}), 0) FROM {table.name}")).scalar_one()
    if incoming_rows < REBUILD_MIN_ROWS or incoming_rows < int(current):
        yield
        return
    indexes = _index_definitions(conn, table.name)
    constraints: list[_Constraint] = []
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        constraints = _key_constraints(conn, table.name)
    for c in constraints:
        conn.execute(text(f'ALTER TABLE {c.table} DROP CONSTRAINT "{c.name}"'))
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    yield
    for c in reversed(constraints):
        conn.execute(text(f'ALTER TABLE {c.table} ADD CONSTRAINT "{c.name}" {c.definition}'))
    for _, definition in indexes:
        conn.execute(text(definition))
