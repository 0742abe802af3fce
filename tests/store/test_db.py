"""Engines: PostgreSQL plans every query for its own parameter values; SQLite files
are created with large pages and keep the pages they were made with."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, text

from terpadu.store import make_engine, upgrade
from terpadu.store.db import SQLITE_PAGE_SIZE


def test_repeated_queries_are_not_prepared_on_postgresql(engine: Engine) -> None:
    """A prepared LIKE '%word%' would get a generic plan that scans the whole table."""
    with engine.connect() as conn:
        for word in ("siti", "ahmad", "budi", "joko", "rina", "agus", "dewi", "eko"):
            conn.execute(
                text("SELECT count(*) FROM person WHERE lower(nama) LIKE :w"), {"w": f"%{word}%"}
            )
        if engine.dialect.name == "postgresql":
            prepared = conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
            assert prepared == 0


def test_new_sqlite_registries_get_large_pages(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == SQLITE_PAGE_SIZE
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_existing_sqlite_files_keep_their_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE t (x)")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 4096
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    engine.dispose()
