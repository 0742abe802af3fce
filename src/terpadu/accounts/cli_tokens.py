"""Command-line credentials: short-lived login tokens and service-account API keys.

A token is 32 random bytes shown to its holder once; the database keeps its
SHA-256 (a random secret needs no slow hash), the account's ``token_version`` at
issue, an expiry (login tokens) and a revocation time. A token stops working when
it expires, is revoked (logout, a new key), or the account is disabled or its
password changed (``token_version`` moves on).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Final

from sqlalchemy import Connection, Engine, Table, insert, select, update

from terpadu.accounts.sessions import revoke_user_sessions
from terpadu.accounts.users import USERS, WebUser
from terpadu.errors import TerpaduError
from terpadu.store.models.accounts import CliToken

TOKENS: Table = CliToken.__table__  # type: ignore[assignment]
LOGIN: Final = "login"
SERVICE: Final = "service"
# Recognisable in a leaked file or log line, like other services' key prefixes.
PREFIX: Final = "tpd_"


class TokenInvalid(TerpaduError):
    """The token is unknown, expired, revoked, or its account disabled or changed."""

    code = "token_invalid"


class LoginRequired(TerpaduError):
    """A command that acts as an account was run with no login (``command`` in the data)."""

    code = "login_required"


class FirstAdminMissing(LoginRequired):
    """As :class:`LoginRequired`, on a database that has no admin yet (a new installation)."""

    code = "first_admin_missing"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _issue(conn: Connection, user: WebUser, kind: str, expires_at: dt.datetime | None) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        insert(TOKENS).values(
            user_id=user.id,
            token_hash=digest(token),
            kind=kind,
            token_version=user.token_version,
            created_at=_now(),
            expires_at=expires_at,
        )
    )
    return token


def issue_login_token(engine: Engine, user: WebUser, *, max_age_s: int) -> str:
    """A login token for ``user`` valid ``max_age_s`` seconds (the caller authenticated them)."""
    with engine.begin() as conn:
        return _issue(conn, user, LOGIN, _now() + dt.timedelta(seconds=max_age_s))


def issue_service_key(conn: Connection, user: WebUser) -> str:
    """A new API key for a service account; its earlier keys are revoked."""
    revoke_user_tokens(conn, user.id, kind=SERVICE)
    return _issue(conn, user, SERVICE, None)


def revoke_user_tokens(conn: Connection, user_id: int, *, kind: str | None = None) -> int:
    """Revoke every live token of an account (of one kind if given); how many.

    Without a kind the account's web sessions and API tokens end too.
    """
    query = update(TOKENS).where(TOKENS.c.user_id == user_id, TOKENS.c.revoked_at.is_(None))
    if kind is not None:
        query = query.where(TOKENS.c.kind == kind)
    else:
        revoke_user_sessions(conn, user_id)
    return conn.execute(query.values(revoked_at=_now())).rowcount


def revoke_token(engine: Engine, token: str) -> bool:
    """Revoke one token (logout); False when it was unknown or already revoked."""
    with engine.begin() as conn:
        done = conn.execute(
            update(TOKENS)
            .where(TOKENS.c.token_hash == digest(token), TOKENS.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        ).rowcount
    return bool(done)


def resolve_token(engine: Engine, token: str) -> WebUser:
    """The account a live token belongs to; :class:`TokenInvalid` otherwise."""
    now = _now()
    # Read only: a command must be able to say who it is while another writer holds the
    # database (SQLite) and then wait for it or be refused in words; the account's acts
    # are in the audit log, so the token keeps no last-used time.
    with engine.connect() as conn:
        row = conn.execute(
            select(
                TOKENS.c.id,
                TOKENS.c.revoked_at,
                TOKENS.c.expires_at,
                TOKENS.c.token_version.label("issued_version"),
                USERS.c.id.label("user_id"),
                USERS.c.username,
                USERS.c.role,
                USERS.c.region,
                USERS.c.active,
                USERS.c.kind,
                USERS.c.token_version,
            )
            .join(USERS, USERS.c.id == TOKENS.c.user_id)
            .where(TOKENS.c.token_hash == digest(token))
        ).first()
        if (
            row is None
            or row.revoked_at is not None
            or (row.expires_at is not None and _as_utc(row.expires_at) <= now)
            or not row.active
            or row.issued_version != row.token_version
        ):
            raise TokenInvalid()
    return WebUser(row.user_id, row.username, row.role, row.region, row.token_version, row.kind)


__all__ = [
    "LOGIN",
    "SERVICE",
    "FirstAdminMissing",
    "LoginRequired",
    "TokenInvalid",
    "digest",
    "issue_login_token",
    "issue_service_key",
    "resolve_token",
    "revoke_token",
    "revoke_user_tokens",
]
