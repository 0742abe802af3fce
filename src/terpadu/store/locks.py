"""One writer at a time for work that must not run twice at once (an import of one source).

PostgreSQL: a transaction-scoped advisory lock named by a key (released by the
commit or rollback, also when the process dies). SQLite has one writer for the
whole file: the transaction takes the registry's write lock at its start, so
whatever it reads afterwards is what it will write against. Not with ``BEGIN
IMMEDIATE``: that would also fix the transaction's view of the attached scratch
files (``terpadu.store.sqlite_stage``) before their tables are written; a write
that touches no row takes the lock on the registry alone.
Either way a second caller waits, is told so, and after ``wait_s`` is refused
with :class:`Busy` rather than the driver's exception.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Final

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from terpadu.store.db import SQLITE_BUSY_TIMEOUT_S

# PostgreSQL's code for "lock not available" (lock_timeout ran out).
_LOCK_NOT_AVAILABLE = "55P03"


class Busy(Exception):
    """Another transaction held the lock for longer than the caller would wait."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` (the same in every process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def hold_writer_lock(
    conn: Connection, name: str, *, wait_s: float, waiting: Callable[[], None]
) -> None:
    """Take the lock ``name`` for the rest of ``conn``'s transaction; call this first in it.

    Returns at once when the lock is free; otherwise calls ``waiting`` (to tell the
    user), waits up to ``wait_s`` seconds and raises :class:`Busy` if it is still held.
    """
    if conn.dialect.name == "postgresql":
        _postgres(conn, lock_key(name), wait_s, waiting)
    else:
        _sqlite(conn, wait_s, waiting)


def _postgres(conn: Connection, key: int, wait_s: float, waiting: Callable[[], None]) -> None:
    got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar()
    if got:
        return
    waiting()
    conn.execute(text(f"SET LOCAL lock_timeout = '{max(1, int(wait_s * 1000))}ms'"))
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise Busy() from exc
        raise
    conn.execute(text("SET LOCAL lock_timeout = DEFAULT"))


# Changes nothing, but as a write it takes the write lock of the main database only.
_SQLITE_TAKE_WRITE_LOCK: Final = "DELETE FROM main.source WHERE id < 0"


def _sqlite(conn: Connection, wait_s: float, waiting: Callable[[], None]) -> None:
    try:
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            conn.exec_driver_sql(_SQLITE_TAKE_WRITE_LOCK)
            return
        except OperationalError:
            waiting()
        # Start afresh: a transaction that began reading before the other writer
        # committed could never write (SQLite would refuse its stale view at once).
        conn.connection.driver_connection.rollback()  # type: ignore[union-attr]
        conn.exec_driver_sql(f"PRAGMA busy_timeout={max(1, int(wait_s * 1000))}")
        try:
            conn.exec_driver_sql(_SQLITE_TAKE_WRITE_LOCK)
        except OperationalError as exc:
            raise Busy() from exc
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")


__all__ = ["Busy", "hold_writer_lock", "lock_key"]
