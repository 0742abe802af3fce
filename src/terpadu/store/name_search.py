"""The names that name search reads on PostgreSQL, written beside a large import.

Name search on PostgreSQL finds persons through ``person_name`` (person id and
name, with a trigram GIN index on ``lower(nama)``; migration 0009). Triggers
keep it in step with ``person`` inside each writing transaction. A large import
is the exception: PostgreSQL builds a GIN index on one core (a million names
take about 3 s), and everything an import writes runs in its one backend. So
for a large batch of new persons the insert trigger is switched off for that
transaction and a :class:`NameWriter` writes their names on a second
connection, on the other core, while the import goes on.

That connection commits *before* the import does (the import waits for it).
Searches join ``person_name`` to ``person`` and match the name on ``person``
again, so names written for persons not yet committed, or never committed
(the import failed after the names were), match nothing; a failed import
removes them (:meth:`NameWriter.abandon`). Person ids come from a sequence and
are never handed out twice, so such a name can never stand for another person.
Once the import has committed, every one of its persons can be found.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, Final

import polars as pl
from sqlalchemy import Connection, Engine, column, table, text

from terpadu.store.bulk import add_aside, bulk_insert, takes_aside
from terpadu.store.indexes import REBUILD_MIN_ROWS, rebuilt_indexes

NAME_TABLE: Final = table("person_name", column("person_id"), column("nama"))
INSERT_TRIGGER: Final = "person_name_on_insert"
#: New persons in one statement from which their names are written on a second connection.
ASIDE_MIN_ROWS: Final = REBUILD_MIN_ROWS
# A web search holding the table longer than this fails the import rather than stall it.
_LOCK_TIMEOUT: Final = "60s"


def has_name_table(conn: Connection) -> bool:
    """Whether this registry searches names through ``person_name`` (PostgreSQL)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.execute(text("SELECT to_regclass('person_name') IS NOT NULL")).scalar_one())


class NameWriter:
    """Writes (person id, name) rows on its own connection and thread, and commits them."""

    def __init__(self, engine: Engine, names: pl.DataFrame) -> None:
        self._engine = engine
        self._names = names
        self._error: BaseException | None = None
        self._driver: Any = None  # the second connection's psycopg connection, to cancel
        self._stopped = threading.Event()
        # A daemon: an interrupted command must not wait for it to exit.
        self._thread = threading.Thread(target=self._write, name="person-names", daemon=True)
        self._thread.start()

    def _write(self) -> None:
        try:
            with self._engine.connect() as conn:
                self._driver = conn.connection.driver_connection
                if self._stopped.is_set():
                    return
                with conn.begin():
                    conn.execute(text(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'"))
                    with rebuilt_indexes(conn, NAME_TABLE, self._names.height, key="person_id"):
                        bulk_insert(conn, NAME_TABLE.name, self._names)
                self._driver = None
        except BaseException as exc:  # handed to the import's thread by finish()
            self._error = exc

    def finish(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        self._stopped.set()
        driver = self._driver
        if driver is not None:
            with suppress(Exception):
                driver.cancel_safe()
        self._thread.join()
        if self._names.height == 0:
            return
        # Names committed for persons that will now never exist: remove them (they match
        # nothing anyway, so a failure here is only left-over rows).
        with suppress(Exception), self._engine.begin() as conn:
            conn.execute(
                text(
                    f"DELETE FROM {NAME_TABLE.name} n WHERE n.person_id BETWEEN :low AND :high "
                    "AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id = n.person_id)"
                ),
                {
                    "low": self._names["person_id"].min(),
                    "high": self._names["person_id"].max(),
                },
            )


@contextmanager
def names_written_aside(conn: Connection, persons: pl.DataFrame) -> Iterator[None]:
    """Around the INSERT of ``persons`` (columns id, nama) in a bulk transaction:
    a large batch's names are written on a second connection, and the insert
    trigger is off for this statement only. Outside a bulk transaction (nothing
    would wait for the second connection) the trigger writes them."""
    if persons.height < ASIDE_MIN_ROWS or not takes_aside(conn) or not has_name_table(conn):
        yield
        return
    conn.execute(text(f"ALTER TABLE person DISABLE TRIGGER {INSERT_TRIGGER}"))
    names = persons.select(pl.col("id").alias("person_id"), pl.col("nama"))
    add_aside(conn, NameWriter(conn.engine, names))
    yield
    conn.execute(text(f"ALTER TABLE person ENABLE TRIGGER {INSERT_TRIGGER}"))
