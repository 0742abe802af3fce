"""Web application tables: operator accounts, login attempts, import jobs; search indexes.

Accounts are separate from the registry: a user has one role and one region
code (``None`` for the national roles). Login attempts are kept to throttle
guessing per username and per address. Page logins and API tokens are server-side
sessions, so they can be ended before they expire. An import started from a page runs as a
job whose progress any server worker can read.

Name search on PostgreSQL reads ``person_name``, a table of lower-case names
with a trigram GIN index (``pg_trgm``), kept by triggers and by the importer
(migration 0009, :mod:`terpadu.store.name_search`). It exists on PostgreSQL
only and is no model here: SQLite's search reads ``person`` itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Family, Id, _now


class WebUser(Base):
    """An operator account: username, argon2 password hash, role and region."""

    __tablename__ = "web_user"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    region: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[int] = mapped_column(SmallInteger, default=1)
    # "person" logs in with a password; "service" (a scheduled job) only with its API key.
    kind: Mapped[str] = mapped_column(String(10), default="person", server_default="person")
    # Bumped when the password changes or the account is disabled: old tokens stop working.
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttempt(Base):
    """One login attempt (failed or not), for throttling."""

    __tablename__ = "web_login_attempt"
    __table_args__ = (
        Index("ix_web_login_attempt_username", "username", "at"),
        Index("ix_web_login_attempt_ip", "ip", "at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    ip: Mapped[str] = mapped_column(String(45))
    success: Mapped[int] = mapped_column(SmallInteger)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WebSession(Base):
    """A page login or an API token, kept server-side so logout and a password change end it.

    Only a digest of the session id is stored: a copy of the table opens no session.
    """

    __tablename__ = "web_session"
    __table_args__ = (
        Index("ix_web_session_user_id", "user_id"),
        Index("ix_web_session_expires_at", "expires_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(10))  # page, api
    # The user's token_version when it was opened: a bump (password, disable) ends it too.
    token_version: Mapped[int] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ImportJob(Base):
    """An import started from the web: its files, progress and outcome."""

    __tablename__ = "web_import_job"
    __table_args__ = (Index("ix_web_import_job_username", "username"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # running, done, failed
    stage: Mapped[str | None] = mapped_column(String(200))
    step: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[int] = mapped_column(Integer, default=7)
    batch_id: Mapped[int | None] = mapped_column(Id)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    folder: Mapped[str] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


_family = Family.__table__
# ID_KELUARGA look-ups without the source (the API accepts the sender's id).
Index("ix_family_source_key_only", _family.c.source_key)

__all__ = ["ImportJob", "LoginAttempt", "WebSession", "WebUser"]
