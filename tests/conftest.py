"""Shared fixtures: the same tests run on SQLite and on PostgreSQL.

PostgreSQL is at TERPADU_TEST_POSTGRES_URL (default: the CI server at
127.0.0.1:5432, user postgres, database test). In CI (CI=true) an unreachable
server fails the run; on a developer machine those cases are skipped.

The suite runs in parallel (pytest-xdist: ``sh scripts/test.sh`` passes ``-n 2``).
Nothing that one session writes is shared with another running at once: each has its
own PostgreSQL database (``registries``), data folder and CLI login folder, and the
Spark tests all run in one worker (one JVM of 2 GiB, not one per worker).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, create_engine, text

# Helper modules of the tests (login_helpers) are imported by name.
sys.path.insert(0, str(Path(__file__).parent))

from registries import PostgresDatabases, migrated_sqlite_template, sqlite_copy

PG_URL = os.environ.get(
    "TERPADU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The tests check Terpadu's defaults, not the settings of the shell that runs them
# (a TERPADU_LANGUAGE=en or TERPADU_DATABASE_URL there would change what they see).
# TERPADU_SCREENSHOTS is the browser walk's switch (save the user guide's pictures).
_KEPT = {"TERPADU_TEST_POSTGRES_URL", "TERPADU_CACHE_DIR", "TERPADU_SCREENSHOTS"}
for _name in [n for n in os.environ if n.startswith("TERPADU_") and n not in _KEPT]:
    del os.environ[_name]
# The width of the CLI's reports comes from each invocation (CliRunner's COLUMNS), as
# when a user runs a command. But pytest-xdist's workers inherit COLUMNS and LINES that
# GNU readline set in the controlling pytest (80 columns without a terminal): the CLI's
# rich consoles, made when it is imported, would keep that width for good, and a table
# row of the import report wrapped onto two lines.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)

# Hypothesis fails an example slower than 200 ms and a generator it finds slow: on a CI
# box running two workers (or a developer's busy laptop) that is the machine's load, not
# the code. Ten times the deadline still catches a pathological case (a regex that
# backtracks); a test's own @settings still wins.
settings.register_profile(
    "terpadu", deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("terpadu")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The Spark tests run in one worker (``--dist loadgroup``): Spark's session, a JVM,
    is kept per process, and two of them would not fit beside the rest on a CI box."""
    for item in items:
        if item.get_closest_marker("spark") is not None:
            item.add_marker(pytest.mark.xdist_group("spark"))
    if getattr(config.option, "loadgroup", False):  # set in pytest-xdist's workers
        for item in items:
            _join_group(item)


def _join_group(item: pytest.Item) -> None:
    """Name ``item`` ``<id>@<group>``, as pytest-xdist does to send a group to one worker.

    pytest-xdist 3.8 writes the name to ``Item._nodeid``, which pytest 9 no longer reads
    (it keeps ``Item._id``): its groups were silently ignored.
    """
    groups = sorted(
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    )
    if not groups or "@" in item.nodeid:
        return
    nodeid = f"{item.nodeid}@{'_'.join(groups)}"
    if hasattr(item, "_id"):
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(nodeid)
    else:
        item._nodeid = nodeid


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
def postgres_databases() -> Iterator[PostgresDatabases]:
    """This session's PostgreSQL database and its fresh registries (see ``registries``)."""
    problem = _postgres_available()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {PG_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    databases = PostgresDatabases(PG_URL)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture(scope="session")
def postgres_url(postgres_databases: PostgresDatabases) -> str:
    """URL of a PostgreSQL database this session alone uses (tests make schemas in it)."""
    return postgres_databases.url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite registry migrated once per session, copied for each test."""
    return migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty registry on each supported database."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        sqlite_engine = sqlite_copy(template, tmp_path / "terpadu.db")
        yield sqlite_engine
        sqlite_engine.dispose()
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        with databases.registry() as pg_engine:
            yield pg_engine


@pytest.fixture
def postgres_engine(postgres_databases: PostgresDatabases) -> Iterator[Engine]:
    """A migrated, empty registry on PostgreSQL alone, for what only PostgreSQL has."""
    with postgres_databases.registry() as pg_engine:
        yield pg_engine


@pytest.fixture(scope="session", autouse=True)
def _session_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The default data and login folders are the session's own, not var/ in the checkout
    (shared by the workers) or the developer's ~/.config: also for module and session
    fixtures, which run before a test's own folders are set."""
    from terpadu.settings import get_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TERPADU_DATA_DIR", str(tmp_path_factory.mktemp("var")))
        patch.setenv("TERPADU_LOGIN_DIR", str(tmp_path_factory.mktemp("login")))
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


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
