"""Account credentials of the command line: login tokens and service-account keys.

A token is a random secret held by the operator (a 0600 file, or ``TERPADU_TOKEN``);
the database keeps only its SHA-256, when it expires and whether it was revoked.
``token_version`` is the account's at issue: a password change or a disabled
account bumps the account's, and its older tokens stop working.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class CliToken(Base):
    """A CLI login token (``login``, short-lived) or a service account's API key (``service``)."""

    __tablename__ = "cli_token"
    __table_args__ = (Index("ix_cli_token_user_id", "user_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(Id, ForeignKey("web_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = ["CliToken"]
