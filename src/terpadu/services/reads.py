"""What the complaint pages and commands show: the inbox and one complaint with its history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from terpadu.audit.log import as_utc
from terpadu.services.calendar import WorkCalendar
from terpadu.services.complaints import CLOSED, ComplaintError
from terpadu.store.models.services import Complaint, ComplaintStep, Referral


@dataclass(frozen=True)
class ComplaintRow:
    """One complaint as the inbox lists it."""

    id: int
    tracking: str
    category: str
    channel: str
    state: str
    kode_wilayah: str
    complainant_name: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    days_late: int
    assigned_to: str | None


@dataclass(frozen=True)
class StepRow:
    from_state: str | None
    to_state: str
    actor: str
    note: str | None
    at: dt.datetime
    days_late: int


@dataclass(frozen=True)
class ReferralRow:
    id: int
    service: str
    institution: str
    status: str
    sent_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class ComplaintDetail:
    """A complaint with its steps and referrals."""

    row: ComplaintRow
    description: str
    complainant_contact: str | None
    subject_name: str | None
    family_id: int | None
    proposal_id: int | None
    outcome: str | None
    outcome_note: str | None
    steps: list[StepRow] = field(default_factory=list)
    referrals: list[ReferralRow] = field(default_factory=list)


def _row(c: Complaint, calendar: WorkCalendar, now: dt.datetime) -> ComplaintRow:
    due = as_utc(c.due_at) if c.due_at is not None else None
    late = calendar.working_days_late(due, now) if due is not None and c.state != CLOSED else 0
    return ComplaintRow(
        c.id,
        c.tracking,
        c.category,
        c.channel,
        c.state,
        c.kode_wilayah,
        c.complainant_name,
        as_utc(c.created_at),
        due,
        late,
        c.assigned_to,
    )


def list_complaints(
    engine: Engine,
    *,
    region: str | None,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
    state: str | None = None,
    category: str | None = None,
    open_only: bool = True,
    overdue_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ComplaintRow], int]:
    """A page of complaints in ``region`` (a code prefix), the latest deadline last; the total."""
    calendar = calendar or WorkCalendar()
    now = as_utc(now)
    query = select(Complaint)
    if region:
        query = query.where(Complaint.kode_wilayah.startswith(region))
    if state:
        query = query.where(Complaint.state == state)
    elif open_only:
        query = query.where(Complaint.state != CLOSED)
    if category:
        query = query.where(Complaint.category == category)
    if overdue_only:
        query = query.where(Complaint.due_at < now, Complaint.state != CLOSED)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(Complaint.due_at.is_(None), Complaint.due_at, Complaint.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return [_row(c, calendar, now) for c in rows], int(total)


def complaint_id(engine: Engine, tracking: str, *, region: str | None) -> int:
    """The id of the complaint ``tracking`` names within ``region``; outside it, not found."""
    with Session(engine) as session:
        found = session.scalars(
            select(Complaint).where(Complaint.tracking == tracking.strip().upper())
        ).first()
        if found is None or (region and not found.kode_wilayah.startswith(region)):
            raise ComplaintError(f"Pengaduan {tracking} tidak ditemukan.")
        return found.id


def complaint_detail(
    engine: Engine,
    complaint: int,
    *,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> ComplaintDetail:
    """One complaint with its steps and referrals (the caller checked the region)."""
    calendar = calendar or WorkCalendar()
    with Session(engine) as session:
        c = session.get(Complaint, complaint)
        if c is None:
            raise ComplaintError(f"Pengaduan {complaint} tidak ditemukan.")
        steps = session.scalars(
            select(ComplaintStep)
            .where(ComplaintStep.complaint_id == c.id)
            .order_by(ComplaintStep.id)
        ).all()
        referrals = session.scalars(
            select(Referral).where(Referral.complaint_id == c.id).order_by(Referral.id)
        ).all()
        return ComplaintDetail(
            row=_row(c, calendar, as_utc(now)),
            description=c.description,
            complainant_contact=c.complainant_contact,
            subject_name=c.subject_name,
            family_id=c.family_id,
            proposal_id=c.proposal_id,
            outcome=c.outcome,
            outcome_note=c.outcome_note,
            steps=[
                StepRow(s.from_state, s.to_state, s.actor, s.note, as_utc(s.at), s.days_late)
                for s in steps
            ],
            referrals=[
                ReferralRow(
                    r.id,
                    r.service,
                    r.institution,
                    r.status,
                    as_utc(r.sent_at),
                    r.answer,
                    as_utc(r.answered_at) if r.answered_at else None,
                )
                for r in referrals
            ],
        )


def referral_tracking(engine: Engine, referral_id: int) -> str:
    """The tracking code of the complaint a referral belongs to."""
    with Session(engine) as session:
        tracking = session.scalar(
            select(Complaint.tracking)
            .join(Referral, Referral.complaint_id == Complaint.id)
            .where(Referral.id == referral_id)
        )
    if tracking is None:
        raise ComplaintError(f"Rujukan {referral_id} tidak ditemukan.")
    return tracking
