"""Shared fixtures: the same tests run on SQLite and on PostgreSQL.

PostgreSQL is at TERPADU_TEST_POSTGRES_URL (default: the CI server at
127.0.0.1:5432, user postgres, database test). In CI (CI=true) an unreachable
server fails the run; on a developer machine those cases are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from terpadu.store import make_engine, upgrade

PG_URL = os.environ.get(
    "TERPADU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _postgres_available() -> str | None:
    try:
        probe = create_engine(PG_URL)
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    problem = _postgres_available()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {PG_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    return PG_URL


def _postgres_engine(base_url: str) -> Iterator[Engine]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base_url else "?"
    engine = make_engine(f"{base_url}{separator}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty registry on each supported database."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'terpadu.db'}")
        upgrade(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
    else:
        url = request.getfixturevalue("postgres_url")
        for pg_engine in _postgres_engine(url):
            upgrade(pg_engine)
            yield pg_engine


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """A migrated, empty registry on PostgreSQL alone, for what only PostgreSQL has."""
    for pg_engine in _postgres_engine(postgres_url):
        upgrade(pg_engine)
        yield pg_engine
