"""Verval tables: proposals (usulan) with their steps, comments and evidence; editions.

A proposal changes nothing in the registry until it is approved. When it is,
its changes land as a batch of the source ``usulan`` (one ``batch`` and one
``batch_file`` per proposal, referenced by ``proposal.batch_id``), so every
``value_change``, ``status_event`` and membership it writes carries the same
provenance an import does. An edition is a published, checksummed snapshot of
the registry with its catalogue row here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class Proposal(Base):
    """A proposed change to the registry (usulan) and where it is in the workflow."""

    __tablename__ = "proposal"
    __table_args__ = (
        Index("ix_proposal_state", "state"),
        Index("ix_proposal_kode_wilayah", "kode_wilayah"),
        Index("ix_proposal_family", "family_id"),
        Index("ix_proposal_approved_at", "approved_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # new_family, add_member, remove_member, correct, deactivate, reactivate
    kind: Mapped[str] = mapped_column(String(20))
    # draft, submitted, verified, approved, rejected, returned
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # Review levels passed so far; ``levels`` is the chain fixed at submission.
    stage: Mapped[int] = mapped_column(SmallInteger, default=0)
    levels: Mapped[list[str] | None] = mapped_column(JSON)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    # The family's version when the proposal was made (shown to reviewers).
    family_version: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_role: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    state_since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ProposalStep(Base):
    """One workflow step of a proposal: who moved it from which state to which."""

    __tablename__ = "proposal_step"
    __table_args__ = (Index("ix_proposal_step_proposal", "proposal_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ProposalComment(Base):
    """A comment on a proposal."""

    __tablename__ = "proposal_comment"
    __table_args__ = (Index("ix_proposal_comment_proposal", "proposal_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    author: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ProposalEvidence(Base):
    """A file supporting a proposal (berita acara, photo), stored by its sha256."""

    __tablename__ = "proposal_evidence"
    __table_args__ = (Index("ix_proposal_evidence_proposal", "proposal_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Edition(Base):
    """A published registry edition: an immutable snapshot and its checksums."""

    __tablename__ = "edition"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    period: Mapped[str] = mapped_column(String(10), unique=True)
    path: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    published_by: Mapped[str] = mapped_column(String(100))
    row_counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    checksums: Mapped[dict[str, Any]] = mapped_column(JSON)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    # The audit chain's head when the edition was published: an anchor for audits.
    audit_last_id: Mapped[int | None] = mapped_column(BigInteger)
    audit_last_hash: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


__all__ = ["Edition", "Proposal", "ProposalComment", "ProposalEvidence", "ProposalStep"]
