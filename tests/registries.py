"""Fresh, migrated registries for the tests.

SQLite: migrating a new registry runs every Alembic script (about 0.2 s); a copy of a
file migrated once per session is the same schema in a few milliseconds.

PostgreSQL: each test session (each pytest-xdist worker) has a database of its own, so
what a database holds for all its schemas (advisory locks, such as the import's lock per
source, and the pg_trgm extension) is never shared between sessions that run at once.
A registry is a schema in it, migrated (0.7 s); dropping it (0.3 s) is left to a thread
while the next test runs. (Copying a migrated database, ``CREATE DATABASE ... TEMPLATE``,
is quick, but dropping a database takes a checkpoint of the whole server: seconds on a
busy disk.) A session holds an advisory lock named after its database in the server's
default database while it runs; a later session drops the databases of sessions that
died without dropping theirs (their lock is free).
"""

from __future__ import annotations

import queue
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from terpadu.store import make_engine, upgrade
from terpadu.store.locks import lock_key


def migrated_sqlite_template(folder: Path) -> Path:
    """A registry file migrated to the latest schema, to be copied (``sqlite_copy``)."""
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection's close folds the WAL back into the file
    leftovers = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    assert not leftovers, f"the template registry kept {leftovers}: copying it would lose data"
    return path


def sqlite_copy(template: Path, path: Path) -> Engine:
    """An engine on a copy of ``template`` at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Dropper(threading.Thread):
    """Drops the schemas put in its queue, one after the other, on its own connection."""

    def __init__(self, url: str) -> None:
        super().__init__(name="drop-test-schemas", daemon=True)
        self._engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str] = []
        self.start()

    def drop(self, schema: str) -> None:
        self._queue.put(schema)

    def run(self) -> None:
        with self._engine.connect() as conn:
            while (schema := self._queue.get()) is not None:
                try:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {_quoted(schema)} CASCADE"))
                except DBAPIError as exc:
                    self.errors.append(f"{schema}: {exc}")
        self._engine.dispose()

    def finish(self) -> list[str]:
        """Wait for the queued drops; the ones that failed."""
        self._queue.put(None)
        self.join()
        return self.errors


class PostgresDatabases:
    """This session's PostgreSQL database (``url``) and fresh registries (``registry``).

    Where the account may not create databases, the registries are schemas in the
    server's database, as when the sessions did not run in parallel.
    """

    def __init__(self, server_url: str) -> None:
        self._server = make_url(server_url)
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._prefix = f"{self._server.database}_x"
        self.name = f"{self._prefix}{uuid.uuid4().hex[:8]}"
        self._hold: Connection | None = self._own_database()
        self.url = (
            self._server.set(database=self.name).render_as_string(hide_password=False)
            if self._hold is not None
            else server_url
        )
        self._dropper = _Dropper(self.url)

    def _own_database(self) -> Connection | None:
        """Create this session's database; None where the account may not."""
        hold = self._admin.connect()
        hold.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(self.name)})
        try:
            hold.execute(text(f"CREATE DATABASE {_quoted(self.name)}"))
        except DBAPIError:
            hold.close()
            return None
        self._drop_abandoned(hold)
        return hold

    def _force(self, conn: Connection) -> str:
        """Drop even where a test left a connection open (PostgreSQL 13 and later)."""
        version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
        return " WITH (FORCE)" if version >= 130000 else ""

    def _drop_abandoned(self, hold: Connection) -> None:
        """Drop the databases of earlier sessions that ended without dropping them."""
        pattern = re.compile(rf"{re.escape(self._prefix)}[0-9a-f]{{8}}")
        names = hold.execute(
            text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
            {"p": self._prefix},
        ).scalars()
        for name in [n for n in names if pattern.fullmatch(n) and n != self.name]:
            key = lock_key(name)
            if not hold.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                continue  # that session is running
            try:
                hold.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)}{self._force(hold)}"))
            finally:
                hold.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})

    @contextmanager
    def registry(self) -> Iterator[Engine]:
        """A migrated, empty registry of its own: a schema of this session's database."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.url, poolclass=NullPool)
        try:
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
        finally:
            admin.dispose()
        separator = "&" if "?" in self.url else "?"
        engine = make_engine(f"{self.url}{separator}options=-csearch_path%3D{schema}")
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()
            self._dropper.drop(schema)

    def close(self) -> None:
        failed = self._dropper.finish()
        if self._hold is not None:
            force = self._force(self._hold)
            self._hold.execute(text(f"DROP DATABASE IF EXISTS {_quoted(self.name)}{force}"))
            self._hold.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(self.name)})
            self._hold.close()
        self._admin.dispose()
        assert not failed, f"test schemas not dropped: {failed}"
