"""Engines, sessions and schema migration for the system of record."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration (one line of history since 0012, which joined the areas' branches).
# A database stamped with exactly this is up to date, and commands start without loading
# Alembic and its scripts (a test keeps this equal to the heads of the migration scripts).
# 0013 (web sessions) and 0014 (CLI accounts) both follow 0012 until they are chained.
SCHEMA_HEADS: Final = frozenset({"0019"})
# Tables the migrations keep on PostgreSQL only, with no model (name search, migration 0009):
# a comparison of the database with the models leaves them out.
DATABASE_ONLY_TABLES: Final = frozenset({"person_name"})
# Indexes the migrations add on PostgreSQL only, where pg_trgm is installed, with no model
# (complaint name search, migration 0016): a comparison with the models leaves them out.
DATABASE_ONLY_INDEXES: Final = frozenset({"ix_complaint_name_trgm"})
# Page size of new SQLite registries. Larger pages than SQLite's default 4 KiB hold more
# records each: a million-person import copies and indexes fewer pages and commits
# fewer writes (about 7 % of its time here), at no cost to single-record look-ups.
SQLITE_PAGE_SIZE: Final = 16384
# How long a SQLite connection waits for another's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_S: Final = 60


def compared_with_models(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's ``include_object``: whether a schema object is compared with the models."""
    return not (
        (type_ == "table" and name in DATABASE_ONLY_TABLES)
        or (type_ == "index" and name in DATABASE_ONLY_INDEXES)
    )


def make_engine(url: str) -> Engine:
    """Create an engine; a SQLite file gets its folder, WAL mode and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            # A bulk load may hold the database in rollback-journal mode (store.bulk):
            # this connection then works in that mode, and the load restores WAL.
            # Takes effect only while the file is new (before WAL mode is set).
            cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            with suppress(sqlite3.OperationalError):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # No server-side prepared statements (psycopg prepares a query after 5 runs): their
    # generic plan cannot know a parameter's value, and for LIKE '%word%' or a region
    # prefix it scans the table, seconds at a million persons. Each query is planned
    # for its own values instead.
    psycopg = parsed.get_driver_name() == "psycopg"
    connect_args: dict[str, Any] = {"prepare_threshold": None} if psycopg else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with session_factory(engine)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def is_current(engine: Engine) -> bool:
    """Whether the database carries exactly the latest migrations (no Alembic needed)."""
    try:
        with engine.connect() as conn:
            stamped = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return frozenset(stamped) == SCHEMA_HEADS
    except SQLAlchemyError:  # no alembic_version table yet
        return False


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Create or upgrade the schema to the latest migration."""
    if revision == "heads" and is_current(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The applied revision(s), comma-separated when areas have their own branches."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def is_initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("family")
