"""The inbox read models: proposals in a list, one proposal in full, who acts next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.audit.log import as_utc
from terpadu.regions import normalize_code
from terpadu.store.ids import family_code
from terpadu.store.models.verval import Proposal, ProposalComment, ProposalEvidence, ProposalStep
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.kinds import (
    DRAFT,
    KIND_LABELS,
    PENDING_REVIEW,
    RETURNED,
    STATE_LABELS,
    parse_kind,
)
from terpadu.verval.records import load_proposal, now_or, proposal_code


@dataclass(frozen=True)
class ProposalSummary:
    """A proposal in a list: where it is, who it waits on, and its age against the target."""

    id: int
    code: str
    kind: str
    state: str
    kode_wilayah: str
    family_id: int | None
    person_id: int | None
    created_by: str
    created_at: dt.datetime
    state_since: dt.datetime
    waiting_on: str | None
    age_days: float
    sla_days: int | None
    overdue: bool
    version: int
    family_version: int | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def family_code(self) -> str | None:
        return None if self.family_id is None else family_code(self.family_id)


@dataclass(frozen=True)
class ProposalDetail:
    """One proposal in full: content, history, comments and evidence."""

    summary: ProposalSummary
    payload: dict[str, Any]
    reason: str | None
    note: str | None
    levels: list[str]
    stage: int
    batch_id: int | None
    result: dict[str, Any] | None
    steps: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)


def waiting_on(proposal: Proposal) -> str | None:
    """The role that must act next (None once decided)."""
    if proposal.state in (DRAFT, RETURNED):
        return OPERATOR_DESA
    if proposal.state in PENDING_REVIEW and proposal.levels:
        return proposal.levels[proposal.stage]
    return None


def summarise(proposal: Proposal, config: WorkflowConfig, now: dt.datetime) -> ProposalSummary:
    """The proposal's :class:`ProposalSummary` at ``now``."""
    role = waiting_on(proposal)
    since = as_utc(proposal.state_since)
    age = max((now - since).total_seconds(), 0.0) / 86400
    sla = config.sla_for(role) if role else None
    return ProposalSummary(
        id=proposal.id,
        code=proposal_code(proposal.id),
        kind=proposal.kind,
        state=proposal.state,
        kode_wilayah=proposal.kode_wilayah,
        family_id=proposal.family_id,
        person_id=proposal.person_id,
        created_by=proposal.created_by,
        created_at=as_utc(proposal.created_at),
        state_since=since,
        waiting_on=role,
        age_days=round(age, 2),
        sla_days=sla,
        overdue=sla is not None and age > sla,
        version=proposal.version,
        family_version=proposal.family_version,
    )


def list_proposals(
    engine: Engine,
    actor: Actor,
    *,
    state: str | None = None,
    kind: str | None = None,
    region: str | None = None,
    waiting_for_me: bool = False,
    overdue: bool | None = None,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> list[ProposalSummary]:
    """Proposals within the actor's region (and ``region``), oldest first."""
    config = config or WorkflowConfig()
    when = now_or(now)
    query = select(Proposal).order_by(Proposal.id)
    for scope in (actor.region, region):
        if scope:
            query = query.where(Proposal.kode_wilayah.startswith(normalize_code(scope)))
    if state:
        query = query.where(Proposal.state == state)
    if kind:
        query = query.where(Proposal.kind == parse_kind(kind))
    with Session(engine) as session:
        rows = [summarise(p, config, when) for p in session.scalars(query)]
    if waiting_for_me:
        rows = [r for r in rows if r.waiting_on == actor.role]
    if overdue is not None:
        rows = [r for r in rows if r.overdue == overdue]
    return rows


def get_proposal(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    *,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> ProposalDetail:
    """One proposal with its steps, comments and evidence."""
    config = config or WorkflowConfig()
    when = now_or(now)
    with Session(engine) as session:
        proposal = load_proposal(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        steps = session.scalars(
            select(ProposalStep)
            .where(ProposalStep.proposal_id == proposal.id)
            .order_by(ProposalStep.id)
        ).all()
        comments = session.scalars(
            select(ProposalComment)
            .where(ProposalComment.proposal_id == proposal.id)
            .order_by(ProposalComment.id)
        ).all()
        evidence = session.scalars(
            select(ProposalEvidence)
            .where(ProposalEvidence.proposal_id == proposal.id)
            .order_by(ProposalEvidence.id)
        ).all()
        return ProposalDetail(
            summary=summarise(proposal, config, when),
            payload=dict(proposal.payload),
            reason=proposal.reason,
            note=proposal.note,
            levels=list(proposal.levels or config.levels_for(proposal.kode_wilayah)),
            stage=proposal.stage,
            batch_id=proposal.batch_id,
            result=proposal.result,
            steps=[
                {
                    "action": s.action,
                    "from_state": s.from_state,
                    "to_state": s.to_state,
                    "actor": s.actor,
                    "role": s.role,
                    "note": s.note,
                    "at": as_utc(s.at),
                }
                for s in steps
            ],
            comments=[
                {"author": c.author, "role": c.role, "body": c.body, "at": as_utc(c.at)}
                for c in comments
            ],
            evidence=[
                {
                    "id": e.id,
                    "file_name": e.file_name,
                    "sha256": e.sha256,
                    "size_bytes": e.size_bytes,
                    "description": e.description,
                    "uploaded_by": e.uploaded_by,
                    "uploaded_at": as_utc(e.uploaded_at),
                }
                for e in evidence
            ],
        )


def proposal_for_batch(engine: Engine, batch_id: int) -> int | None:
    """The proposal whose approval wrote this batch (None for an import)."""
    with Session(engine) as session:
        found = session.scalars(select(Proposal.id).where(Proposal.batch_id == batch_id)).first()
    return None if found is None else int(found)


__all__ = [
    "ProposalDetail",
    "ProposalSummary",
    "get_proposal",
    "list_proposals",
    "proposal_for_batch",
    "summarise",
    "waiting_on",
]
