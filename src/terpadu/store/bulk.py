"""Fast bulk writes from polars frames: COPY on PostgreSQL, executemany on SQLite.

The ORM is right for single records; an import of a million rows needs the
driver's bulk path. These helpers run inside the caller's transaction (the
SQLAlchemy connection's), so an interrupted import leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.exc import OperationalError

from terpadu.store.frames import all_null_columns, for_postgres, for_sqlite
from terpadu.store.indexes import rebuilt_indexes
from terpadu.store.locks import Busy
from terpadu.store.sqlite_stage import STAGE_MIN_ROWS, Stage
from terpadu.store.sqlite_stage import attach as attach_stage
from terpadu.store.sqlite_stage import detach as detach_stage

_STAGE_KEY = "terpadu_stage"
_ASIDE_KEY = "terpadu_aside"
_CHUNK_KEY = "terpadu_chunk_rows"

#: Rows written per round trip unless the caller says (the import_chunk_rows setting's default).
DEFAULT_CHUNK_ROWS = 100_000
# PostgreSQL COPYs at least this large send per-batch constants as column defaults.
CONSTANT_DEFAULT_MIN_ROWS = 10_000


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_literal(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _constants(frame: pl.DataFrame) -> dict[str, object]:
    """Columns holding one value on every row (source, batch, status, timestamps)."""
    found: dict[str, object] = {}
    for name in frame.columns:
        series = frame[name]
        if series.null_count() == 0 and series.dtype != pl.Boolean:
            low, high = series.min(), series.max()
            if low == high:
                found[name] = low
    return found


def bulk_insert(
    conn: Connection, table: str, frame: pl.DataFrame, chunk_rows: int | None = None
) -> int:
    """Insert every row of ``frame`` (its column names are the table's) into ``table``.

    Columns that are null on every row are left out (they default to NULL).
    On SQLite, columns with one value on every row are written as literals in
    the statement rather than bound a million times.
    """
    if frame.height == 0:
        return 0
    if chunk_rows is None:  # the bulk transaction's, else the default
        chunk_rows = int(conn.info.get(_CHUNK_KEY, DEFAULT_CHUNK_ROWS))
    frame = frame.drop(all_null_columns(frame))
    dbapi = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        constants = (
            _constants(frame)
            if frame.height >= CONSTANT_DEFAULT_MIN_ROWS and _held_exclusively(conn, table)
            else {}
        )
        try:
            with _constant_defaults(conn, table, constants):
                _copy(conn, table, frame.drop(list(constants)), chunk_rows)
        except Exception as exc:
            raise (_unstorable(table, frame) or exc) from exc
    else:
        prepared = for_sqlite(frame)
        constants = _constants(prepared) if prepared.height > 1 else {}
        bound = [c for c in prepared.columns if c not in constants]
        columns = ", ".join([*bound, *constants])
        values = ", ".join(["?"] * len(bound) + [_sqlite_literal(v) for v in constants.values()])
        prepared = prepared.select(bound)
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        try:
            for offset in range(0, prepared.height, chunk_rows):
                chunk = prepared.slice(offset, chunk_rows)
                # Column lists zipped into tuples: cheaper than polars building row tuples.
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({values})",
                    zip(*(series.to_list() for series in chunk.iter_columns()), strict=True),
                )
        finally:
            cursor.close()
    return frame.height


def _column_types(conn: Connection, table: str) -> dict[str, str]:
    rows = conn.execute(
        text(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 AND NOT attisdropped"
        ),
        {"t": table},
    ).all()
    return {str(name): str(pg_type) for name, pg_type in rows}


def _copy(conn: Connection, table: str, frame: pl.DataFrame, chunk_rows: int) -> None:
    """COPY the frame into ``table``: binary where every column has an exact binary form."""
    # PostgreSQL-only modules, imported here so that SQLite commands start faster.
    from terpadu.store.pgcopy import binary_plan, encoded_chunks

    dbapi = conn.connection.driver_connection
    plan = binary_plan(frame, _column_types(conn, table))
    with dbapi.cursor() as cursor:  # type: ignore[union-attr]
        if plan is not None:
            columns = ", ".join(f.name for f in plan)
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT binary)") as copy:
                for chunk in encoded_chunks(frame, plan, chunk_rows):
                    copy.write(chunk)
            return
        prepared = for_postgres(frame)
        columns = ", ".join(frame.columns)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            for offset in range(0, prepared.height, chunk_rows):
                buffer = io.BytesIO()
                prepared.slice(offset, chunk_rows).write_csv(
                    buffer, include_header=False, null_value="", quote_style="necessary"
                )
                copy.write(buffer.getvalue())


def _held_exclusively(conn: Connection, table: str) -> bool:
    """Whether this transaction already holds ACCESS EXCLUSIVE on ``table`` (PostgreSQL)."""
    found = conn.execute(
        text(
            "SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' "
            "AND relation = CAST(:t AS regclass) AND mode = 'AccessExclusiveLock' AND granted"
        ),
        {"t": table},
    ).first()
    return found is not None


@contextmanager
def _constant_defaults(
    conn: Connection, table: str, constants: dict[str, object]
) -> Iterator[None]:
    """For one COPY, let the table fill columns that hold one value on every row.

    PostgreSQL parses every field COPY sends; a batch's source, batch, file,
    status and two timestamps are the same on a million rows (a quarter of the
    person COPY's time). As column defaults they are evaluated once per row
    without parsing. ALTER TABLE needs ACCESS EXCLUSIVE, so this is only done
    where the caller's transaction holds it already (``rebuilt_indexes`` dropped
    the table's indexes); the previous defaults are put back before the caller
    goes on, and a failure rolls everything back with the transaction.
    """
    if not constants:
        yield
        return
    from psycopg import sql as psycopg_sql

    dbapi = conn.connection.driver_connection
    rows = conn.execute(
        text(
            "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = CAST(:t AS regclass) AND a.attname = ANY(:names)"
        ),
        {"t": table, "names": list(constants)},
    ).all()
    previous = {str(name): expr for name, expr in rows}
    setting = ", ".join(
        f"ALTER COLUMN {name} SET DEFAULT {psycopg_sql.Literal(value).as_string(dbapi)}"
        for name, value in constants.items()
    )
    # Through the driver without parameters: a '%' in a value is not a placeholder.
    dbapi.execute(f"ALTER TABLE {table} {setting}")  # type: ignore[union-attr]
    yield
    restoring = ", ".join(
        f"ALTER COLUMN {name} SET DEFAULT {previous[name]}"
        if previous.get(name)
        else f"ALTER COLUMN {name} DROP DEFAULT"
        for name in constants
    )
    dbapi.execute(f"ALTER TABLE {table} {restoring}")  # type: ignore[union-attr]


def bulk_update(conn: Connection, table: str, frame: pl.DataFrame, key: str = "id") -> int:
    """Update rows of ``table`` matched on ``key`` with the frame's other columns."""
    if frame.height == 0:
        return 0
    setters = [c for c in frame.columns if c != key]
    prepared = for_postgres(frame) if conn.dialect.name == "postgresql" else for_sqlite(frame)
    params: list[dict[str, Any]] = prepared.select([*setters, key]).to_dicts()
    assignments = ", ".join(f"{c} = :{c}" for c in setters)
    try:
        conn.execute(text(f"UPDATE {table} SET {assignments} WHERE {key} = :{key}"), params)
    except Exception as exc:
        raise (_unstorable(table, frame) or exc) from exc
    return frame.height


class UnstorableText(ValueError):
    """A text value PostgreSQL cannot store (a NUL); the message names the table, the
    column and the first such row. The transaction is rolled back."""


def _unstorable(table: str, frame: pl.DataFrame) -> UnstorableText | None:
    """Why a write of ``frame`` failed, when a text holds a NUL (looked for only after a
    failure: the readers strip NULs, so a load never pays for this search)."""
    for name, dtype in frame.schema.items():
        if dtype != pl.Utf8:
            continue
        hits = frame.filter(pl.col(name).str.contains("\x00", literal=True))
        if hits.height == 0:
            continue
        first = hits.row(0, named=True)
        where = [f"baris {first['row_number']}"] if "row_number" in hits.columns else []
        where += [f"kunci '{first['source_key']}'"] if "source_key" in hits.columns else []
        where += [] if where else [f"id {first.get('id')}"]
        return UnstorableText(
            f"tabel {table}, kolom {name}: nilai berisi karakter NUL (U+0000) yang tidak dapat "
            f"disimpan ({', '.join(where)}; {hits.height:,} baris seperti ini). Tidak ada yang "
            "diubah; hapus karakter itu dari berkas lalu ulangi."
        )
    return None


def allocate_ids(conn: Connection, table: str, count: int) -> pl.Series:
    """Reserve ``count`` new primary keys for ``table``.

    PostgreSQL reserves a block of the table's sequence under a table lock
    held to commit (concurrent inserts wait, none can take a reserved key).
    SQLite continues after the current maximum; the caller already holds
    SQLite's write lock, so no other writer can interleave.
    """
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    if conn.dialect.name == "postgresql":
        # Reserve a block: while this transaction holds EXCLUSIVE on the table,
        # no other INSERT can start (and so draw from the sequence) until commit.
        conn.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        last = conn.execute(
            text("SELECT setval(CAST(:seq AS regclass), nextval(CAST(:seq AS regclass)) + :n - 1)"),
            {
                "seq": conn.execute(
                    text(f"SELECT pg_get_serial_sequence('{table}', 'id')")
                ).scalar_one(),
                "n": count,
            },
        ).scalar_one()
        first = int(last) - count + 1
        return pl.int_range(first, first + count, eager=True, dtype=pl.Int64).alias("id")
    start = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return pl.int_range(start + 1, start + 1 + count, eager=True, dtype=pl.Int64).alias("id")


def _rollback_journal(conn: Connection) -> bool:
    """Put a SQLite database in rollback-journal mode for one bulk load, if it is ours alone.

    In WAL mode every page of a large load is written twice: into the WAL,
    then by the checkpoint at commit into the database (a million persons: 400
    MB, about a second and a half here). A rollback journal writes new pages
    once. SQLite only leaves WAL mode when no other connection has the database
    open, and says "database is locked" at once otherwise: then the load simply
    stays in WAL mode, and readers such as a running web server keep reading
    while it runs.
    """
    try:
        mode = conn.exec_driver_sql("PRAGMA journal_mode=DELETE").scalar()
    except OperationalError:
        return False
    return str(mode).lower() == "delete"


def _restore_wal(conn: Connection) -> None:
    # Someone may have connected meanwhile; then make_engine's next connection restores WAL.
    with suppress(OperationalError):
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")


class StorageFull(Exception):
    """A load ran out of disk space; it was rolled back (message in Bahasa Indonesia)."""


# How SQLite (Python's and ADBC's) and PostgreSQL say that the disk is full.
_DISK_FULL_WORDS = ("database or disk is full", "no space left on device")
_DISK_FULL_SQLSTATE = "53100"


def _is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc``, or an error it was raised from, says that the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        original = getattr(current, "orig", None)  # SQLAlchemy wraps the driver's error
        if getattr(original, "sqlstate", None) == _DISK_FULL_SQLSTATE:
            return True
        if any(words in str(current).lower() for words in _DISK_FULL_WORDS):
            return True
        current = current.__cause__ or current.__context__
    return False


DATABASE_BUSY = (
    "basis data sedang ditulis oleh proses lain dan tidak lepas dalam batas waktu tunggu; "
    "tidak ada yang diubah. Ulangi setelah proses itu selesai."
)


def _is_locked(exc: OperationalError) -> bool:
    """Whether SQLite gave up waiting for another connection's write lock."""
    return "database is locked" in str(exc).lower()


def _storage_full(engine: Engine) -> StorageFull:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        where = f"di folder {Path(database).resolve().parent}"
    else:
        where = f"di server basis data ({engine.url.host or 'lokal'})"
    return StorageFull(
        f"ruang disk {where} tidak cukup untuk memuat kiriman ini (disk full); "
        "tidak ada yang diubah di registri. Kosongkan ruang disk, lalu ulangi impor."
    )


class AsideWork(Protocol):
    """Work committed on another connection for a bulk transaction (:func:`add_aside`)."""

    def finish(self) -> None:
        """Wait until the work is committed; raise its error if it failed."""

    def abandon(self) -> None:
        """Stop the work and remove what it committed (the bulk transaction failed)."""


def takes_aside(conn: Connection) -> bool:
    """Whether ``conn`` runs a :func:`bulk_transaction`, which :func:`add_aside` needs."""
    return _ASIDE_KEY in conn.info


def add_aside(conn: Connection, work: AsideWork) -> None:
    """Tie ``work`` to the bulk transaction of ``conn``: the transaction waits for it to
    be committed before committing itself, and abandons it if the transaction fails."""
    conn.info[_ASIDE_KEY].append(work)


@contextmanager
def bulk_transaction(
    engine: Engine, *, staged: bool = False, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[Connection]:
    """One transaction tuned for loading many rows; all or nothing.

    A load that runs out of disk space is rolled back and raises :class:`StorageFull`,
    which says where space is missing, rather than the database's own words.

    On SQLite the caller has checked every reference itself, so foreign-key
    checks are off for the load (they cost a look-up per row), the page cache
    is enlarged and, when no one else has the database open, the journal is a
    rollback journal (:func:`_rollback_journal`); all is restored before the
    connection goes back. With ``staged``, :func:`insert_new_rows` writes large
    tables on other threads (:mod:`terpadu.store.sqlite_stage`); they are
    copied in before the commit. Work handed to :func:`add_aside` is committed on
    its own connection before this transaction commits, and abandoned if it fails.
    :func:`bulk_insert` writes ``chunk_rows`` rows per round trip on it.
    """
    with engine.connect() as conn:
        conn.info[_CHUNK_KEY] = chunk_rows
        sqlite = conn.dialect.name == "sqlite"
        rollback_journal = False
        stage: Stage | None = None
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            rollback_journal = _rollback_journal(conn)
            if staged:
                stage = attach_stage(conn)
            conn.commit()  # closes SQLAlchemy's autobegun (empty) transaction
        conn.info[_STAGE_KEY] = stage
        asides: list[AsideWork] = []
        conn.info[_ASIDE_KEY] = asides
        try:
            with conn.begin():
                yield conn
                if stage is not None:
                    stage.land(conn)
                for work in asides:
                    work.finish()
        except BaseException as exc:
            for work in asides:
                work.abandon()
            if isinstance(exc, Exception) and _is_disk_full(exc):
                raise _storage_full(engine) from exc
            if isinstance(exc, OperationalError) and _is_locked(exc):
                raise Busy(DATABASE_BUSY) from exc
            raise
        finally:
            conn.info.pop(_STAGE_KEY, None)
            conn.info.pop(_ASIDE_KEY, None)
            conn.info.pop(_CHUNK_KEY, None)
            if sqlite:
                if stage is not None:
                    detach_stage(conn, stage)
                if rollback_journal:
                    _restore_wal(conn)
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.exec_driver_sql("PRAGMA cache_size=-2000")
                conn.commit()


def insert_new_rows(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Insert a batch's new records into ``table``: staged on other threads where the
    transaction allows it (SQLite, large batches), else directly, with the indexes
    rebuilt once when the batch is large against the table."""
    stage: Stage | None = conn.info.get(_STAGE_KEY)
    if stage is not None and frame.height >= STAGE_MIN_ROWS and stage.add(conn, table, frame):
        return
    with rebuilt_indexes(conn, table, frame.height):
        bulk_insert(conn, table.name, frame)


def land_staged(conn: Connection) -> None:
    """Copy the tables staged so far into the transaction now (waiting for their writers),
    rather than at commit: for a caller that would otherwise sit waiting on other work."""
    stage: Stage | None = conn.info.get(_STAGE_KEY)
    if stage is not None:
        stage.land(conn)


def has_rows(conn: Connection, table: str, source_id: int) -> bool:
    """Whether ``table`` holds any record from ``source_id``."""
    found = conn.execute(
        text(f"SELECT 1 FROM {table} WHERE source_id = :s LIMIT 1"), {"s": source_id}
    ).first()
    return found is not None
