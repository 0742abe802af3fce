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
from sqlalchemy.exc import SQLAlchemyError

from terpadu.store.db import SQLITE_PAGE_SIZE
from terpadu.store.frames import all_null_columns, for_sqlite
from terpadu.store.indexes import rebuilt_indexes

#: Tables with fewer new rows than this go straight in (threads and a copy cost more).
STAGE_MIN_ROWS = 50_000
#: Scratch files attached per transaction (SQLite allows ten attached databases).
SCRATCH_FILES = 8


@dataclass
class _Staged:
    table: Table
    rows: int
    files: list[int]  # the scratch files holding its parts, in row order
    parts: list[Future[None]]


@dataclass
class Stage:
    """Scratch databases attached as ``stage_0`` … ``stage_7`` for one bulk transaction.

    Each staged table gets scratch files of its own, one per part, so the registry's
    connection can copy a table in while other tables are still being written.
    """

    folder: Path
    writers: ThreadPoolExecutor
    parts: int  # parts per table: one per core
    free: list[int] = field(default_factory=lambda: list(range(SCRATCH_FILES)))
    staged: list[_Staged] = field(default_factory=list)

    def path(self, file: int) -> Path:
        return self.folder / f"stage_{file}.db"

    def add(self, conn: Connection, table: Table, frame: pl.DataFrame) -> bool:
        """Write ``frame`` (new rows, the table's column names) in parts into scratch files
        on the background threads, for :meth:`land` to copy in; False (nothing done) when
        the scratch files are used up."""
        count = min(self.parts, len(self.free))
        if count == 0:
            return False
        files, self.free = self.free[:count], self.free[count:]
        create = _create_statement(conn, table.name)
        prepared = _for_adbc(frame)
        size = -(-prepared.height // count)
        parts = [
            self.writers.submit(
                _write, self.path(file), table.name, create, prepared.slice(i * size, size)
            )
            for i, file in enumerate(files)
        ]
        self.staged.append(_Staged(table, frame.height, files, parts))
        return True

    def land(self, conn: Connection) -> None:
        """Copy the staged tables into the registry (in its transaction), each as soon as
        its own parts are written."""
        for staged in self.staged:
            # Its files are written and closed before the registry's connection reads them
            # (and holds a read lock there until the commit).
            for part in staged.parts:
                part.result()
            name = staged.table.name
            with rebuilt_indexes(conn, staged.table, staged.rows):
                for file in staged.files:
                    conn.execute(text(f"INSERT INTO main.{name} SELECT * FROM stage_{file}.{name}"))
        self.staged.clear()


def attach(conn: Connection) -> Stage | None:
    """Attach fresh scratch databases beside the registry file; None for an in-memory one."""
    database = conn.engine.url.database
    if not database or database == ":memory:":
        return None
    parent = Path(database).parent
    _remove_abandoned(parent)
    folder = Path(tempfile.mkdtemp(prefix=f".terpadu-stage-{os.getpid()}-", dir=parent))
    parts = max(2, min(os.cpu_count() or 2, 4))
    stage = Stage(folder, ThreadPoolExecutor(max_workers=parts), parts)
    for file in range(SCRATCH_FILES):
        conn.exec_driver_sql(f"ATTACH DATABASE ? AS stage_{file}", (str(stage.path(file)),))
    return stage


def _remove_abandoned(parent: Path) -> None:
    """Remove scratch folders left by imports that were killed outright (their process is gone)."""
    if os.name != "posix":
        return  # os.kill(pid, 0) only asks on POSIX
    for folder in parent.glob(".terpadu-stage-*-*"):
        pid = folder.name.removeprefix(".terpadu-stage-").split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # alive, another user's


def detach(conn: Connection, stage: Stage) -> None:
    stage.writers.shutdown(wait=True)  # a write still running finishes before its file goes
    try:
        for file in range(SCRATCH_FILES):
            conn.exec_driver_sql(f"DETACH DATABASE stage_{file}")
    except SQLAlchemyError:
        # A connection still holding a scratch file must not go back to the pool.
        conn.invalidate()
        raise
    finally:
        shutil.rmtree(stage.folder, ignore_errors=True)


def _create_statement(conn: Connection, table: str) -> str:
    return str(
        conn.execute(
            text("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = :t"),
            {"t": table},
        ).scalar_one()
    )


def _for_adbc(frame: pl.DataFrame) -> pl.DataFrame:
    prepared = for_sqlite(frame)
    return prepared.drop(all_null_columns(prepared))


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
        run(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
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
