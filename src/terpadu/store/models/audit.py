"""The audit log's tables: an append-only, hash-chained list of events.

Every change to the system of record (an import, a proposal decision, a merge,
a ranking, an enrolment, a login) appends one ``audit_event`` row. Each row's
``hash`` covers its own content and the previous row's hash, so altering,
inserting or deleting a row breaks the chain where it happened. Event ids are
assigned by the log itself, one after another without gaps, while the single
``audit_chain_head`` row is locked: appends are serialised and a missing id is
a deleted event. On PostgreSQL and SQLite triggers refuse UPDATE and DELETE on
``audit_event``; verification does not rely on them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base


class AuditEvent(Base):
    """One recorded change: who, when, what, to which record, before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_region", "region"),
    )
    # Assigned by the log (head.last_id + 1), never by the database: no gaps.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(10))
    # Canonical JSON text, exactly as hashed.
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The chain's last event (one row, id 1); locked by every append."""

    __tablename__ = "audit_chain_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = ["AuditChainHead", "AuditEvent"]
