"""Shared fixtures: the same tests run on SQLite and on PostgreSQL.

PostgreSQL is at TERPADU_TEST_POSTGRES_URL (default: the CI server at
127.0.0.1:5432, user postgres, database test). In CI (CI=true) an unreachable
server fails the run; on a developer machine those cases are skipped.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from terpadu.store import make_engine, upgrade

# Helper modules of the tests (login_helpers) are imported by name.
sys.path.insert(0, str(Path(__file__).parent))

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


@pytest.fixture(autouse=True)
def _no_cli_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test acts as the developer's own CLI login, or leaves one in their home folder."""
    monkeypatch.delenv("TERPADU_TOKEN", raising=False)
    monkeypatch.setenv("TERPADU_LOGIN_DIR", str(tmp_path / "login"))


@pytest.fixture
def cli_account(monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """Make an account in the configured database and log in as it through TERPADU_TOKEN.

    ``cli_account("op1", "operator_desa", "3604052001")`` returns the account's token
    (and sets it for the commands that follow unless ``use=False``); an existing
    account of that name is reused.
    """
    from login_helpers import cli_token
    from terpadu.settings import get_settings

    def make(username: str, role: str, region: str | None = None, *, use: bool = True) -> str:
        token = cli_token(get_settings().resolved_database_url(), username, role, region)
        if use:
            monkeypatch.setenv("TERPADU_TOKEN", token)
        return token

    return make
