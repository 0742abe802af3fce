"""Bulk loading on SQLite: rollback journal when alone, WAL kept beside other connections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from terpadu.store import make_engine, upgrade
from terpadu.store.bulk import _is_disk_full, bulk_insert, bulk_transaction


def _journal(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def _sources(n: int, start: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(start, start + n)),
            "name": [f"sumber-{i}" for i in range(start, start + n)],
            "created_at": ["2026-11-23 00:00:00"] * n,
        }
    )


@pytest.fixture
def sqlite_file(tmp_path: Path) -> tuple[Engine, Path]:
    path = tmp_path / "registry.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return engine, path


def test_a_load_alone_uses_a_rollback_journal_and_restores_wal(
    sqlite_file: tuple[Engine, Path],
) -> None:
    engine, path = sqlite_file
    with bulk_transaction(engine) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        bulk_insert(conn, "source", _sources(500))
    assert _journal(path) == "wal"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM source")).scalar() == 500


def test_beside_another_connection_the_load_stays_in_wal(
    sqlite_file: tuple[Engine, Path],
) -> None:
    engine, path = sqlite_file
    reader = sqlite3.connect(path)
    try:
        reader.execute("SELECT count(*) FROM source").fetchone()
        with bulk_transaction(engine) as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            bulk_insert(conn, "source", _sources(300))
            # WAL: the other connection keeps reading the committed state meanwhile.
            assert reader.execute("SELECT count(*) FROM source").fetchone()[0] == 0
        assert reader.execute("SELECT count(*) FROM source").fetchone()[0] == 300
    finally:
        reader.close()
    assert _journal(path) == "wal"


def test_a_connection_opened_during_a_load_works_and_wal_returns(
    sqlite_file: tuple[Engine, Path],
) -> None:
    engine, path = sqlite_file
    other = make_engine(f"sqlite:///{path}")
    with bulk_transaction(engine) as conn:
        bulk_insert(conn, "source", _sources(200))
        with other.connect() as late:  # its WAL pragma fails quietly; it still connects
            assert late.execute(text("SELECT 1")).scalar() == 1
    with other.connect() as late:
        assert late.execute(text("SELECT count(*) FROM source")).scalar() == 200
    other.dispose()
    engine.dispose()
    with make_engine(f"sqlite:///{path}").connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_failed_load_leaves_nothing_and_restores_wal(
    sqlite_file: tuple[Engine, Path],
) -> None:
    engine, path = sqlite_file
    with pytest.raises(RuntimeError), bulk_transaction(engine) as conn:
        bulk_insert(conn, "source", _sources(100))
        raise RuntimeError("interrupted")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM source")).scalar() == 0
    assert _journal(path) == "wal"


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (sqlite3.OperationalError("database or disk is full"), True),
        (OSError(28, "No space left on device"), True),
        (
            OperationalError("COPY", {}, _DriverError("could not extend file", sqlstate="53100")),
            True,
        ),
        (OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")), False),
        (ValueError("column nik: a value does not fit smallint"), False),
    ],
)
def test_a_full_disk_is_recognised_in_each_database_s_words(error: Exception, full: bool) -> None:
    assert _is_disk_full(error) is full
    try:
        raise RuntimeError("load failed") from error
    except RuntimeError as wrapped:
        assert _is_disk_full(wrapped) is full


@pytest.mark.parametrize("rows", [3, 20_000], ids=["small", "large"])
def test_a_nul_reaching_postgresql_names_table_column_and_row(
    postgres_engine: Engine, rows: int
) -> None:
    """The last line of defence: the readers strip NULs, but if one still reaches COPY the
    load fails in words (table, column, row, key), not with the driver's exception."""
    from terpadu.store.bulk import UnstorableText

    names = [f"Nama {i}" for i in range(rows)]
    names[1] = "Bu\x00di"
    frame = pl.DataFrame(
        {
            "id": list(range(1, rows + 1)),
            "source_id": [1] * rows,
            "source_key": [f"A{i}" for i in range(rows)],
            "nama": names,
            "batch_id": [1] * rows,
            "file_id": [1] * rows,
            "row_number": list(range(2, rows + 2)),
            "version": [1] * rows,
            "status": ["aktif"] * rows,
            "needs_civil_registration": [0] * rows,
        }
    )
    with pytest.raises(UnstorableText) as raised, bulk_transaction(postgres_engine) as conn:
        bulk_insert(conn, "person", frame)
    message = str(raised.value)
    assert "tabel person, kolom nama" in message
    assert "baris 3" in message and "kunci 'A1'" in message and "NUL (U+0000)" in message
    with postgres_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar_one() == 0


def test_a_database_held_by_another_writer_is_said_in_words(tmp_path: Path) -> None:
    """SQLite's "database is locked" after the busy timeout becomes a message, not a traceback."""
    from sqlalchemy import create_engine

    from terpadu.store.locks import Busy

    path = tmp_path / "registry.db"
    upgrade(make_engine(f"sqlite:///{path}"))
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.2})
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(Busy, match="sedang ditulis oleh proses lain"),
            bulk_transaction(engine) as conn,
        ):
            conn.execute(text("INSERT INTO source (name, created_at) VALUES ('x', '2026-01-01')"))
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
