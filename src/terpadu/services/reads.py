"""What the complaint pages and commands show: the inbox and one complaint with its history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import ColumnElement, Engine, Select, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

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


def _row(
    c: Complaint,
    calendar: WorkCalendar,
    now: dt.datetime,
    known: dict[dt.datetime, int] | None = None,
) -> ComplaintRow:
    due = as_utc(c.due_at) if c.due_at is not None else None
    late = 0
    if c.due_at is not None and due is not None and c.state != CLOSED:
        cached = (known or {}).get(c.due_at)
        late = cached if cached is not None else calendar.working_days_late(due, now)
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


def in_region(
    column: ColumnElement[str] | InstrumentedAttribute[str], region: str
) -> ColumnElement[bool]:
    """``column`` starts with ``region`` (a code prefix), as a range an index can read.

    Region codes are digits: ``3604`` holds ``3604000000`` up to, not including, ``3605``.
    A range needs no LIKE pattern, so a plain B-tree serves it under any collation
    (LIKE 'x%' does only under "C"); a prefix with other characters falls back to LIKE.
    """
    if not region.isdigit():
        return column.startswith(region, autoescape=True)
    above = str(int(region) + 1).zfill(len(region))
    if len(above) > len(region):  # 99...: nothing follows it
        return column >= region
    return and_(column >= region, column < above)


def _inbox_order(query: Select[Complaint]) -> Select[Complaint]:
    # NULLS LAST as a plain ascending index gives it on PostgreSQL, so the first page is
    # read in index order; no deadline only on closed complaints, which sort last.
    return query.order_by(Complaint.due_at.asc().nulls_last(), Complaint.id)


def _rows(
    session: Session,
    query: Select[Complaint],
    calendar: WorkCalendar,
    now: dt.datetime,
    limit: int,
    offset: int,
) -> list[ComplaintRow]:
    """One page of ``query`` in deadline order."""
    rows = session.scalars(_inbox_order(query).limit(limit).offset(offset)).all()
    # Deadlines fall at the end of a working day, so a page shares a few of them: each
    # one's lateness is counted once (day by day, weeks for the most overdue) per page.
    late: dict[dt.datetime, int] = {}
    for c in rows:
        if c.due_at is not None and c.state != CLOSED and c.due_at not in late:
            late[c.due_at] = calendar.working_days_late(as_utc(c.due_at), now)
    return [_row(c, calendar, now, late) for c in rows]


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
        query = query.where(in_region(Complaint.kode_wilayah, region))
    if state:
        query = query.where(Complaint.state == state)
    elif open_only:
        query = query.where(Complaint.state != CLOSED)
    if category:
        query = query.where(Complaint.category == category)
    if overdue_only:
        query = query.where(Complaint.due_at < now, Complaint.state != CLOSED)
    # count(*), not count(id): the id is in no index the filters use, and PostgreSQL then
    # counts index entries alone (index-only scan) instead of visiting every row.
    count = query.with_only_columns(func.count()).select_from(Complaint).order_by(None)
    with Session(engine) as session:
        total = session.scalar(count) or 0
        return _rows(session, query, calendar, now, limit, offset), int(total)


@dataclass(frozen=True)
class SearchPage:
    """A page of complaints a name search found, and how many it found in all."""

    rows: list[ComplaintRow]
    #: Matches counted; counting stops after :data:`SEARCH_COUNT_MAX`.
    total: int
    #: More matches than ``total`` (a common name: the search should be narrowed).
    more: bool


#: Letters from which a name search looks anywhere in the name (fewer: at its start). A
#: trigram index needs three letters to narrow a search down anywhere in the name.
SEARCH_ANYWHERE_MIN: Final = 3
#: Matches a name search counts at most: a common name is in thousands of complaints,
#: each a row to read on PostgreSQL (its trigram index holds no region), and nobody
#: pages through more than this; the page says there are more.
SEARCH_COUNT_MAX: Final = 1000


def search_complaints(
    engine: Engine,
    name: str,
    *,
    region: str | None,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> SearchPage:
    """Complaints in ``region`` whose complainant's name holds ``name`` (any case), by deadline.

    The name is matched as typed (spaces between words collapsed) anywhere in the
    complainant's name: "siti am" finds "Siti Aminah" and "Nursiti Amalia"; ``%`` and
    ``_`` are letters, not patterns. One or two letters find the names that start with
    them ("an": "Ani", not "Siti Aminah"): anywhere, they would be in most names. On
    PostgreSQL a trigram index on ``lower(complainant_name)`` (migration 0016) finds the
    names either way; an empty name is an error, not the whole inbox. The total is exact
    up to :data:`SEARCH_COUNT_MAX` matches; beyond, ``more`` says so.
    """
    typed = " ".join(name.split()).lower()
    if not typed:
        raise ComplaintError("Tuliskan nama pelapor yang dicari.")
    calendar = calendar or WorkCalendar()
    now = as_utc(now)
    lowered = func.lower(Complaint.complainant_name)
    if len(typed) < SEARCH_ANYWHERE_MIN:
        matches = lowered.startswith(typed, autoescape=True)
    else:
        matches = lowered.contains(typed, autoescape=True)
    query = select(Complaint).where(matches)
    if region:
        query = query.where(in_region(Complaint.kode_wilayah, region))
    if open_only:
        query = query.where(Complaint.state != CLOSED)
    found = query.with_only_columns(Complaint.id).order_by(None).limit(SEARCH_COUNT_MAX + 1)
    count = select(func.count()).select_from(found.subquery())
    with Session(engine) as session:
        total = int(session.scalar(count) or 0)
        rows = _rows(session, query, calendar, now, limit, offset)
    return SearchPage(rows, min(total, SEARCH_COUNT_MAX), total > SEARCH_COUNT_MAX)


def complaint_id(engine: Engine, tracking: str, *, region: str | None) -> int:
    """The id of the complaint ``tracking`` names within ``region``; outside it, not found."""
    with Session(engine) as session:
        found = session.execute(
            select(Complaint.id, Complaint.kode_wilayah).where(
                Complaint.tracking == tracking.strip().upper()
            )
        ).first()
        if found is None or (region and not found.kode_wilayah.startswith(region)):
            raise ComplaintError(f"Pengaduan {tracking} tidak ditemukan.")
        return int(found.id)


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
