"""Proposal rows as the workflow handles them: the session, loading, steps, audit records.

Shared by the commands (create, decide, evidence) and the inbox read models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from terpadu.access import Actor
from terpadu.audit import record_event
from terpadu.audit.log import as_utc
from terpadu.store.ids import family_code
from terpadu.store.models import Family, Membership
from terpadu.store.models.verval import Proposal, ProposalStep
from terpadu.verval.errors import ConflictError, NotFound
from terpadu.verval.kinds import plain_text
from terpadu.verval.writer import FAMILY_CHANGED

PROPOSAL_CHANGED = "Usulan ini sudah diproses oleh pengguna lain; muat ulang lalu ulangi."
ACTIONS = ("submit", "verify", "approve", "reject", "return")
ACTION_LABELS = {
    "create": "dibuat",
    "revise": "diperbaiki",
    "submit": "diajukan",
    "verify": "diverifikasi",
    "approve": "disetujui",
    "reject": "ditolak",
    "return": "dikembalikan untuk perbaikan",
}


def proposal_code(proposal_id: int) -> str:
    """The public number of a proposal, e.g. ``USL0000000012``."""
    return f"USL{proposal_id:010d}"


def now_or(now: dt.datetime | None) -> dt.datetime:
    """``now`` in UTC, or the current moment."""
    return as_utc(now) if now is not None else dt.datetime.now(dt.UTC)


@contextmanager
def workflow_session(engine: Engine | Connection) -> Iterator[Session]:
    """One transaction; stale optimistic-lock writes become a :class:`ConflictError`.

    Given a connection already in a savepoint, the session works inside it and its commit
    only releases it (the caller's transaction decides)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            message = FAMILY_CHANGED if "family" in str(exc) else PROPOSAL_CHANGED
            if "person" in str(exc):
                message = (
                    "Data anggota ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi."
                )
            raise ConflictError(message) from exc
        except BaseException:
            session.rollback()
            raise


#: The fields of :func:`proposal_record`, a proposal's state in the audit log.
RECORD_FIELDS = (
    "id",
    "kind",
    "state",
    "stage",
    "levels",
    "family_id",
    "person_id",
    "kode_wilayah",
    "reason",
    "payload",
    "batch_id",
)


def proposal_record(proposal: Proposal) -> dict[str, Any]:
    """A proposal's state for the audit log."""
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "state": proposal.state,
        "stage": proposal.stage,
        "levels": proposal.levels,
        "family_id": proposal.family_id,
        "person_id": proposal.person_id,
        "kode_wilayah": proposal.kode_wilayah,
        "reason": proposal.reason,
        "payload": proposal.payload,
        "batch_id": proposal.batch_id,
    }


def audit_proposal(
    session: Session,
    actor: Actor,
    action: str,
    proposal: Proposal,
    before: dict[str, Any] | None,
    now: dt.datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    """Record the proposal step ``action`` as an audit event (its state before and after)."""
    after = proposal_record(proposal) | (extra or {})
    record_event(
        session.connection(),
        actor=actor,
        action=f"usulan.{action}",
        entity="proposal",
        entity_id=proposal.id,
        region=proposal.kode_wilayah,
        before=before,
        after=after,
        at=now,
    )


def record_step(
    session: Session,
    proposal: Proposal,
    actor: Actor,
    action: str,
    from_state: str | None,
    note: str | None,
    now: dt.datetime,
) -> None:
    """Add the ``proposal_step`` row of ``action`` (the proposal's history)."""
    if note is not None:
        plain_text(note, "catatan", multiline=True)
    session.add(
        ProposalStep(
            proposal_id=proposal.id,
            action=action,
            from_state=from_state,
            to_state=proposal.state,
            actor=actor.username,
            role=actor.role,
            note=note,
            at=now,
        )
    )


def load_proposal(session: Session, proposal_id: int) -> Proposal:
    """The proposal with this id; :class:`NotFound` if there is none."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"Usulan {proposal_code(proposal_id)} tidak ditemukan.")
    return proposal


def open_family(session: Session, family_id: int) -> Family:
    """The family with this id; :class:`NotFound` if there is none."""
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound(f"Keluarga {family_code(family_id)} tidak ditemukan.")
    return family


def is_member(session: Session, person_id: int, family_id: int) -> bool:
    """Whether the person is a current member of the family."""
    found = session.scalars(
        select(Membership.id).where(
            Membership.person_id == person_id,
            Membership.family_id == family_id,
            Membership.left_at.is_(None),
        )
    ).first()
    return found is not None


def check_version(proposal: Proposal, expected: int | None) -> None:
    """Refuse with :class:`ConflictError` if the proposal moved on since it was read."""
    if expected is not None and proposal.version != expected:
        raise ConflictError(PROPOSAL_CHANGED, entity="proposal", entity_id=proposal.id)


__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "PROPOSAL_CHANGED",
    "RECORD_FIELDS",
    "audit_proposal",
    "check_version",
    "is_member",
    "load_proposal",
    "now_or",
    "open_family",
    "proposal_code",
    "proposal_record",
    "record_step",
    "workflow_session",
]
