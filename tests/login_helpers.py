"""Accounts for tests that drive the CLI: a login token for a database, made directly."""

from __future__ import annotations

from terpadu.accounts import create_user
from terpadu.accounts.cli_tokens import issue_login_token
from terpadu.accounts.users import find_user
from terpadu.store import make_engine, upgrade


def cli_token(url: str, username: str, role: str, region: str | None = None) -> str:
    """A login token of ``username`` in the database at ``url`` (the account made if new)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        user = find_user(engine, username) or create_user(
            engine, username, f"rahasia-{username}", role=role, region=region
        )
        return issue_login_token(engine, user, max_age_s=3600)
    finally:
        engine.dispose()
