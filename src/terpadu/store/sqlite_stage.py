"""Large SQLite loads written on every core, then copied into the transaction.

SQLite has one writer per database, and Python's sqlite3 binds a million rows
one Python object at a time on the thread that holds the import's
transaction: on two cores, one sits idle. Instead, a large table's new rows
are split in parts and each part is written into a scratch database of its
own by a background thread, through ADBC's SQLite driver (which writes Arrow
columns from C and releases the GIL), while the import goes on with the next
table. Before the import commits, the parts are copied in with ``INSERT INTO
main.t SELECT * FROM stage_i.t``, which SQLite runs as its transfer
optimisation (records copied as they are, not encoded again), and the
table's indexes are built once.

The scratch files are attached before the transaction begins (SQLite cannot
attach inside one) and each is opened by one library at a time: ADBC, which
brings its own SQLite, writes and closes it before the registry's connection
reads it, so neither library's file locks can be dropped by the other. The
registry file itself is only ever opened by Python's sqlite3. A failed or
interrupted load rolls back with the transaction; the scratch folder is
removed either way.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Table, text

#: Tables with fewer new rows than this go straight in (threads and a copy cost more).
STAGE_MIN_ROWS = 50_000


@dataclass
class _Staged:
    table: Table
    rows: int
    parts: list[Future[None]]


@dataclass
class Stage:
    """Scratch databases attached as ``stage_0`` … ``stage_{n-1}`` for one bulk transaction."""

    folder: Path
    writers: list[ThreadPoolExecutor]  # one per scratch file: its writes never overlap
    staged: list[_Staged] = field(default_factory=list)

    def path(self, part: int) -> Path:
        return self.folder / f"stage_{part}.db"

    def add(self, conn: Connection, table: Table, frame: pl.DataFrame) -> None:
        """Write ``frame`` (new rows, the table's column names) in parts into the scratch
        databases on the background threads; :meth:`land` copies them in."""
        create = _create_statement(conn, table.name)
        prepared = _for_adbc(frame)
        size = -(-prepared.height // len(self.writers))
        parts = [
            writer.submit(_write, self.path(i), table.name, create, prepared.slice(i * size, size))
            for i, writer in enumerate(self.writers)
            if i * size < prepared.height
        ]
        self.staged.append(_Staged(table, frame.height, parts))

    def land(self, conn: Connection) -> None:
        """Wait for the staged tables and copy them into the registry (in its transaction)."""
        from terpadu.store.bulk import rebuilt_indexes

        # Every write is finished (and its file closed) before the registry's connection
        # reads a scratch file: it then holds a read lock there until the commit.
        for staged in self.staged:
            for part in staged.parts:
                part.result()
        for staged in self.staged:
            name = staged.table.name
            with rebuilt_indexes(conn, staged.table, staged.rows):
                for i in range(len(staged.parts)):
                    conn.execute(text(f"INSERT INTO main.{name} SELECT * FROM stage_{i}.{name}"))
        self.staged.clear()

    def close(self) -> None:
        for writer in self.writers:
            writer.shutdown(wait=True)  # a write still running finishes before its file goes
        shutil.rmtree(self.folder, ignore_errors=True)


def attach(conn: Connection) -> Stage | None:
    """Attach fresh scratch databases beside the registry file, one per core;
    None for an in-memory registry."""
    database = conn.engine.url.database
    if not database or database == ":memory:":
        return None
    folder = Path(tempfile.mkdtemp(prefix=".terpadu-stage-", dir=Path(database).parent))
    count = max(2, min(os.cpu_count() or 2, 4))
    stage = Stage(folder, [ThreadPoolExecutor(max_workers=1) for _ in range(count)])
    for i in range(count):
        conn.exec_driver_sql(f"ATTACH DATABASE ? AS stage_{i}", (str(stage.path(i)),))
    return stage


def detach(conn: Connection, stage: Stage) -> None:
    for writer in stage.writers:
        writer.shutdown(wait=True)
    try:
        for i in range(len(stage.writers)):
            conn.exec_driver_sql(f"DETACH DATABASE stage_{i}")
    finally:
        stage.close()


def _create_statement(conn: Connection, table: str) -> str:
    return str(
        conn.execute(
            text("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = :t"),
            {"t": table},
        ).scalar_one()
    )


def _for_adbc(frame: pl.DataFrame) -> pl.DataFrame:
    from terpadu.store.bulk import for_sqlite

    prepared = for_sqlite(frame)
    return prepared.drop([c for c in prepared.columns if prepared[c].null_count() == len(prepared)])


def _write(path: Path, table: str, create: str, frame: pl.DataFrame) -> None:
    # The driver manager's own API: its DB-API layer would import pandas for nothing.
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite

    database = adbc_driver_sqlite.connect(str(path))
    connection = adbc.AdbcConnection(database)

    def run(sql: str) -> None:
        statement = adbc.AdbcStatement(connection)
        try:
            statement.set_sql_query(sql)
            statement.execute_update()
        finally:
            statement.close()

    try:
        # A scratch file: nothing to recover after a crash, so no journal and no syncs.
        run("PRAGMA journal_mode=OFF")
        run("PRAGMA synchronous=OFF")
        run("BEGIN")
        run(create)
        ingest = adbc.AdbcStatement(connection)
        try:
            ingest.set_options(
                **{
                    adbc.INGEST_OPTION_TARGET_TABLE: table,
                    adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_APPEND,
                }
            )
            ingest.bind_stream(frame)  # the Arrow C stream interface: no copy through pyarrow
            ingest.execute_update()
        finally:
            ingest.close()
        run("COMMIT")
    finally:
        connection.close()
        database.close()
