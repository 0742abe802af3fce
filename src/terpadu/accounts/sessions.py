"""Server-side sessions: page logins and API tokens that can be ended before they expire.

A session id is 32 random bytes handed to the client once; the table keeps only its
SHA-256 digest. A session is valid while it is not revoked, not past its absolute
expiry, not idle longer than the idle limit (page logins), and the user's
``token_version`` is the one it was opened with (a password change or a disabled
account bumps it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update

from terpadu.access import Actor
from terpadu.audit import record_event
from terpadu.store.models.web import WebSession

SESSIONS: Table = WebSession.__table__  # type: ignore[assignment]
PAGE = "page"
API = "api"
# last_seen_at is written at most this often per session (not on every request).
TOUCH_EVERY_S = 60
# Ended sessions are kept this long (who was logged in from where), then deleted.
KEEP_ENDED = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A valid session as the web layer needs it."""

    digest: str
    user_id: int
    token_version: int
    expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def digest(session_id: str) -> str:
    """What the table stores of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(
    engine: Engine,
    *,
    user_id: int,
    token_version: int,
    kind: str,
    lifetime_s: int,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """A new session for the user; returns its id (shown to the client, never stored)."""
    now = now or _now()
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(delete(SESSIONS).where(SESSIONS.c.expires_at < now - KEEP_ENDED))
        conn.execute(
            insert(SESSIONS).values(
                token_hash=digest(session_id),
                user_id=user_id,
                kind=kind,
                token_version=token_version,
                ip=(ip or "")[:45] or None,
                created_at=now,
                last_seen_at=now,
                expires_at=now + dt.timedelta(seconds=lifetime_s),
            )
        )
    return session_id


def check_session(
    engine: Engine, session_id: str, *, idle_s: int | None, now: dt.datetime | None = None
) -> LiveSession | None:
    """The session if it is still valid (``idle_s``: None for no idle limit), else None.

    The user's current ``token_version`` is compared by the caller, which caches users.
    """
    now = now or _now()
    key = digest(session_id)
    with engine.connect() as conn:
        row = conn.execute(
            select(SESSIONS).where(SESSIONS.c.token_hash == key, SESSIONS.c.revoked_at.is_(None))
        ).first()
    if row is None:
        return None
    expires_at, last_seen = _as_utc(row.expires_at), _as_utc(row.last_seen_at)
    if now >= expires_at:
        return None
    if idle_s is not None and now - last_seen >= dt.timedelta(seconds=idle_s):
        return None
    if now - last_seen >= dt.timedelta(seconds=TOUCH_EVERY_S):
        with engine.begin() as conn:
            conn.execute(update(SESSIONS).where(SESSIONS.c.id == row.id).values(last_seen_at=now))
    return LiveSession(key, row.user_id, row.token_version, expires_at)


def revoke_session(
    engine: Engine,
    session_id: str,
    *,
    actor: Actor | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """End one session (logout); False when it was unknown or already ended.

    With ``actor`` (the session's user) the logout is written to the audit log.
    """
    now = now or _now()
    with engine.begin() as conn:
        row = conn.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_hash == digest(session_id), SESSIONS.c.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(SESSIONS.c.user_id, SESSIONS.c.kind)
        ).first()
        if row is not None and actor is not None:
            record_event(
                conn,
                actor=actor,
                action="auth.logout",
                entity="user",
                entity_id=row.user_id,
                region=actor.region,
                before=None,
                after={"kind": row.kind},
                at=now,
            )
    return row is not None


def revoke_user_sessions(conn: Connection, user_id: int, *, now: dt.datetime | None = None) -> int:
    """End every open session and API token of a user, inside the caller's transaction."""
    return conn.execute(
        update(SESSIONS)
        .where(SESSIONS.c.user_id == user_id, SESSIONS.c.revoked_at.is_(None))
        .values(revoked_at=now or _now())
    ).rowcount


__all__ = [
    "API",
    "PAGE",
    "SESSIONS",
    "LiveSession",
    "check_session",
    "digest",
    "open_session",
    "revoke_session",
    "revoke_user_sessions",
]
