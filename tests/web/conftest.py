"""Fixtures for the web tests: a registry with two desa, one user per role, clients."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from webdata import WebEnv, build_env  # noqa: E402


@pytest.fixture
def web(engine: Engine, tmp_path: Path) -> Iterator[WebEnv]:
    """The app on each database (SQLite and PostgreSQL) with the two-desa batch imported."""
    yield build_env(engine, tmp_path)


@pytest.fixture
def web_sqlite(tmp_path: Path) -> Iterator[WebEnv]:
    """The app on SQLite only (browser and schemathesis tests)."""
    from terpadu.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    upgrade(engine)
    yield build_env(engine, tmp_path)
    engine.dispose()
