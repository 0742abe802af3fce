"""The workflow's steps: submit, verify, approve, reject, return, one or many at once.

draft → submitted (by the desa) → verified (kab/kota) → approved (province);
the review chain is configurable per region (a kab/kota may approve itself).
Each reviewing level may reject (final) or return the proposal to the desa for
correction; a returned proposal is revised and submitted again through every
level. Only :func:`approve` at the last level changes the registry, in the same
transaction as the decision and its audit events. Every step is recorded as a
``proposal_step`` row and an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm.exc import StaleDataError

from terpadu.access import OPERATOR_DESA, ROLE_LABELS, Actor
from terpadu.store.models.verval import Proposal
from terpadu.verval.apply import apply_proposal
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.errors import (
    ConflictError,
    InvalidProposal,
    InvalidTransition,
    PermissionDenied,
    VervalError,
)
from terpadu.verval.inbox import ProposalSummary, summarise
from terpadu.verval.kinds import (
    APPROVED,
    DRAFT,
    PENDING_REVIEW,
    REJECTED,
    RETURNED,
    STATE_LABELS,
    SUBMITTED,
    VERIFIED,
)
from terpadu.verval.records import (
    ACTION_LABELS,
    ACTIONS,
    audit_proposal,
    check_version,
    load_proposal,
    now_or,
    open_family,
    proposal_record,
    record_step,
    workflow_session,
)
from terpadu.verval.writer import FAMILY_CHANGED


@dataclass(frozen=True)
class BulkOutcome:
    """The result of one proposal in a bulk decision."""

    proposal_id: int
    ok: bool
    state: str | None
    message: str


def decide(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    action: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
    family_version: int | None = None,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> ProposalSummary:
    """Take one workflow step on a proposal (``submit, verify, approve, reject, return``).

    ``expected_version`` (the proposal's) and ``family_version`` (the family's, as
    the reviewer saw it) make the step fail with :class:`ConflictError` when
    someone else acted in between, instead of overwriting their work.
    """
    if action not in ACTIONS:
        raise InvalidTransition(f"Tindakan '{action}' tidak dikenal; pilih: {', '.join(ACTIONS)}.")
    config = config or WorkflowConfig()
    when = now_or(now)
    with workflow_session(engine) as session:
        proposal = load_proposal(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        check_version(proposal, expected_version)
        before = proposal_record(proposal)
        from_state = proposal.state
        extra: dict[str, Any] = {}
        if action == "submit":
            actor.require_role(OPERATOR_DESA, doing="submit_proposal")
            if proposal.state not in (DRAFT, RETURNED):
                raise InvalidTransition(
                    f"Usulan berstatus {STATE_LABELS[proposal.state]}; hanya draf atau usulan "
                    "yang dikembalikan yang dapat diajukan."
                )
            waiting = (proposal.payload or {}).get("perlu_diisi")
            if waiting:
                raise InvalidProposal(
                    f"Usulan ini belum berisi nilai yang benar untuk {', '.join(waiting)}; "
                    "lengkapi usulannya (perbaiki) sebelum diajukan."
                )
            proposal.levels = list(config.levels_for(proposal.kode_wilayah))
            proposal.stage = 0
            proposal.state = SUBMITTED
        else:
            _review(proposal, actor, action, note)
            if action in ("reject", "return"):
                proposal.state = REJECTED if action == "reject" else RETURNED
                proposal.stage = 0
            elif action == "verify":
                proposal.stage += 1
                proposal.state = VERIFIED
            else:  # approve
                if family_version is not None and proposal.family_id is not None:
                    family = open_family(session, proposal.family_id)
                    if family.version != family_version:
                        raise ConflictError(FAMILY_CHANGED, entity_id=family.id)
                proposal.stage += 1
                proposal.state = APPROVED
                proposal.approved_at = when
                proposal.approved_by = actor.username
                try:
                    result = apply_proposal(session, proposal, actor, when)
                    session.flush()
                except StaleDataError as exc:
                    raise ConflictError(FAMILY_CHANGED, entity_id=proposal.family_id) from exc
                proposal.result = result
                extra = {"result": result}
        proposal.state_since = when
        proposal.updated_at = when
        session.flush()
        record_step(session, proposal, actor, action, from_state, note, when)
        audit_proposal(session, actor, action, proposal, before, when, extra)
        return summarise(proposal, config, when)


def _review(proposal: Proposal, actor: Actor, action: str, note: str | None) -> None:
    """Check that ``actor`` may take review ``action`` at the proposal's current level."""
    if proposal.state not in PENDING_REVIEW or not proposal.levels:
        raise InvalidTransition(
            f"Usulan berstatus {STATE_LABELS[proposal.state]}; tidak sedang menunggu verifikasi."
        )
    level = proposal.levels[proposal.stage]
    if actor.role != level:
        raise PermissionDenied(
            f"Usulan ini sedang menunggu {ROLE_LABELS[level]}; peran "
            f"{ROLE_LABELS.get(actor.role, actor.role)} tidak dapat memprosesnya sekarang."
        )
    if actor.username == proposal.created_by:
        raise PermissionDenied("Pembuat usulan tidak boleh memverifikasi usulannya sendiri.")
    last = proposal.stage == len(proposal.levels) - 1
    if action == "verify" and last:
        raise InvalidTransition(
            f"{ROLE_LABELS[level]} adalah tingkat terakhir untuk wilayah ini; gunakan 'approve'."
        )
    if action == "approve" and not last:
        raise InvalidTransition(
            f"Usulan masih perlu disetujui {ROLE_LABELS[proposal.levels[-1]]}; gunakan 'verify'."
        )
    if action in ("reject", "return") and not (note and note.strip()):
        raise InvalidProposal("Tuliskan alasan penolakan atau hal yang harus diperbaiki (--note).")


def submit(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """The desa submits a draft (or a corrected, returned proposal) for verification."""
    return decide(engine, actor, proposal_id, "submit", **kw)


def verify(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """A reviewer that is not the last level passes the proposal up."""
    return decide(engine, actor, proposal_id, "verify", **kw)


def approve(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """The last level approves: the registry changes now."""
    return decide(engine, actor, proposal_id, "approve", **kw)


def reject(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """A reviewer rejects the proposal (final); a note is required."""
    return decide(engine, actor, proposal_id, "reject", **kw)


def return_proposal(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """A reviewer returns the proposal to the desa for correction; a note is required."""
    return decide(engine, actor, proposal_id, "return", **kw)


def bulk_decide(
    engine: Engine,
    actor: Actor,
    proposal_ids: Iterable[int],
    action: str,
    *,
    note: str | None = None,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> list[BulkOutcome]:
    """The same decision on many proposals, each in its own transaction.

    One proposal that cannot be decided (wrong state, conflict) is reported and
    does not stop the others.
    """
    config = config or WorkflowConfig()
    outcomes = []
    for proposal_id in proposal_ids:
        try:
            summary = decide(engine, actor, proposal_id, action, note=note, config=config, now=now)
        except (VervalError, PermissionDenied) as exc:
            outcomes.append(BulkOutcome(proposal_id, False, None, str(exc)))
        else:
            outcomes.append(BulkOutcome(proposal_id, True, summary.state, ACTION_LABELS[action]))
    return outcomes


__all__ = [
    "BulkOutcome",
    "approve",
    "bulk_decide",
    "decide",
    "reject",
    "return_proposal",
    "submit",
    "verify",
]
