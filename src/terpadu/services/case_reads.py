"""What the case pages and commands show: the inbox, one case, overdue reviews, and a
person's history across cases and complaints. Every read is limited to what the reader
may see (:func:`terpadu.services.cases.may_read`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Select, func, or_, select
from sqlalchemy.orm import Session

from terpadu.access import PEKERJA_SOSIAL, Actor
from terpadu.accounts.users import USERS
from terpadu.audit.log import as_utc
from terpadu.services.calendar import WorkCalendar
from terpadu.services.case_codes import CLOSED, CaseError
from terpadu.services.cases import OPENERS, may_read, require_read
from terpadu.services.reads import in_region
from terpadu.store.models.cases import (
    CaseAssessment,
    CaseCategory,
    CasePlan,
    CaseReview,
    CaseService,
    CaseStep,
    PlannedService,
    PpksCase,
)
from terpadu.store.models.services import Complaint


@dataclass(frozen=True)
class CaseRow:
    """One case as the inbox lists it."""

    id: int
    number: str
    subject_name: str
    person_id: int | None
    categories: list[str]
    state: str
    kode_wilayah: str
    caseworker: str
    opened_at: dt.datetime
    review_due: dt.datetime | None
    days_late: int


def _scoped(actor: Actor, query: Select[Any]) -> Select[Any]:
    """``query`` limited to the cases ``actor`` may read."""
    if actor.role == PEKERJA_SOSIAL:
        query = query.where(PpksCase.caseworker == actor.username)
    elif actor.role not in OPENERS:
        actor.require_role(*OPENERS, PEKERJA_SOSIAL, doing="read_case")
    if actor.region:
        query = query.where(in_region(PpksCase.kode_wilayah, actor.region))
    return query


def _late(case: PpksCase, calendar: WorkCalendar, now: dt.datetime) -> int:
    if case.review_due is None or case.state == CLOSED:
        return 0
    return calendar.working_days_late(as_utc(case.review_due), now)


def _rows(
    session: Session, cases: list[PpksCase], calendar: WorkCalendar, now: dt.datetime
) -> list[CaseRow]:
    codes: dict[int, list[str]] = {c.id: [] for c in cases}
    for case_id, code in session.execute(
        select(CaseCategory.case_id, CaseCategory.code)
        .where(CaseCategory.case_id.in_(list(codes)))
        .order_by(CaseCategory.code)
    ):
        codes[case_id].append(code)
    return [
        CaseRow(
            c.id,
            c.number,
            c.subject_name,
            c.person_id,
            codes[c.id],
            c.state,
            c.kode_wilayah,
            c.caseworker,
            as_utc(c.opened_at),
            as_utc(c.review_due) if c.review_due is not None else None,
            _late(c, calendar, now),
        )
        for c in cases
    ]


def list_cases(
    engine: Engine,
    actor: Actor,
    *,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
    state: str | None = None,
    category: str | None = None,
    caseworker: str | None = None,
    name: str | None = None,
    open_only: bool = True,
    overdue_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CaseRow], int]:
    """A page of the cases ``actor`` may read, the most overdue review first; the total."""
    calendar = calendar or WorkCalendar()
    now = as_utc(now)
    query = _scoped(actor, select(PpksCase))
    if state:
        query = query.where(PpksCase.state == state)
    elif open_only:
        query = query.where(PpksCase.state != CLOSED)
    if category:
        query = query.where(
            PpksCase.id.in_(select(CaseCategory.case_id).where(CaseCategory.code == category))
        )
    if caseworker:
        query = query.where(PpksCase.caseworker == caseworker)
    if name and name.strip():
        typed = " ".join(name.split()).lower()
        query = query.where(func.lower(PpksCase.subject_name).contains(typed, autoescape=True))
    if overdue_only:
        query = query.where(PpksCase.review_due < now, PpksCase.state != CLOSED)
    count = query.with_only_columns(func.count()).select_from(PpksCase).order_by(None)
    # Overdue reviews first: the earliest deadline leads; closed cases (no deadline) last.
    ordered = query.order_by(PpksCase.review_due.asc().nulls_last(), PpksCase.id)
    with Session(engine) as session:
        total = int(session.scalar(count) or 0)
        cases = list(session.scalars(ordered.limit(limit).offset(offset)))
        return _rows(session, cases, calendar, now), total


def overdue_reviews(
    engine: Engine, actor: Actor, *, now: dt.datetime, calendar: WorkCalendar | None = None
) -> list[CaseRow]:
    """Open cases whose review is past due, the most late first."""
    rows, _total = list_cases(
        engine, actor, now=now, calendar=calendar, overdue_only=True, limit=10_000
    )
    return sorted(rows, key=lambda r: (-r.days_late, r.review_due or now, r.id))


def case_id(engine: Engine, actor: Actor, number: str) -> int:
    """The id of the case ``number`` names, if ``actor`` may read it (else not found)."""
    with Session(engine) as session:
        case = session.scalar(select(PpksCase).where(PpksCase.number == number.strip().upper()))
        if case is None or not may_read(actor, case):
            raise CaseError(f"Kasus {number} tidak ditemukan di wilayah kerja Anda.")
        return case.id


@dataclass(frozen=True)
class CaseDetail:
    """A case with everything recorded on it, oldest first."""

    row: CaseRow
    subject_nik: str | None
    subject_address: str | None
    complaint_tracking: str | None
    closure_reason: str | None
    closure_note: str | None
    steps: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)


def _dicts(session: Session, model: Any, case: int, *names: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(model).where(model.case_id == case).order_by(model.id))
    return [{n: getattr(r, n) for n in ("id", *names)} for r in rows]


def case_detail(
    engine: Engine,
    actor: Actor,
    case: int,
    *,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
) -> CaseDetail:
    """One case the actor may read, with its steps, assessments, plans, services, reviews."""
    calendar = calendar or WorkCalendar()
    with Session(engine) as session:
        c = session.get(PpksCase, case)
        if c is None:
            raise CaseError(f"Kasus {case} tidak ditemukan.")
        require_read(actor, c)
        plans = _dicts(session, CasePlan, c.id, "goals", "made_by", "made_at")
        for p in plans:
            p["services"] = [
                {"atensi": s.atensi, "starts_on": s.starts_on, "ends_on": s.ends_on, "note": s.note}
                for s in session.scalars(
                    select(PlannedService)
                    .where(PlannedService.plan_id == p["id"])
                    .order_by(PlannedService.id)
                )
            ]
        tracking = (
            session.scalar(select(Complaint.tracking).where(Complaint.id == c.complaint_id))
            if c.complaint_id
            else None
        )
        return CaseDetail(
            row=_rows(session, [c], calendar, as_utc(now))[0],
            subject_nik=c.subject_nik,
            subject_address=c.subject_address,
            complaint_tracking=tracking,
            closure_reason=c.closure_reason,
            closure_note=c.closure_note,
            steps=_dicts(
                session,
                CaseStep,
                c.id,
                "from_state",
                "to_state",
                "actor",
                "note",
                "at",
                "proposal_id",
            ),
            assessments=_dicts(
                session,
                CaseAssessment,
                c.id,
                "needs",
                "risks",
                "strengths",
                "fields",
                "assessed_by",
                "assessed_at",
            ),
            plans=plans,
            services=_dicts(
                session,
                CaseService,
                c.id,
                "atensi",
                "given_on",
                "institution_id",
                "provider",
                "note",
                "recorded_by",
            ),
            reviews=_dicts(
                session,
                CaseReview,
                c.id,
                "reviewed_on",
                "progress",
                "next_review",
                "reviewed_by",
            ),
        )


@dataclass(frozen=True)
class HistoryEntry:
    """A case or a complaint about one person, as their history lists it."""

    kind: str  # "case" or "complaint"
    id: int
    reference: str  # the case number or the complaint's tracking code
    state: str
    kode_wilayah: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    summary: str  # PPKS codes of a case, the category of a complaint


def person_history(
    engine: Engine, actor: Actor, *, person_id: int | None = None, nik: str | None = None
) -> list[HistoryEntry]:
    """A person's cases and complaints (by registry person, or by NIK), newest first.

    Only what ``actor`` may read: a caseworker sees their own cases; the front office and
    the kab/kota/province the cases and complaints of their region.
    """
    if person_id is None and not nik:
        raise CaseError("Sebutkan orangnya: nomor orang di DTKS atau NIK.")

    def who(person_column: Any, nik_column: Any) -> Any:
        terms = []
        if person_id is not None:
            terms.append(person_column == person_id)
        if nik:
            terms.append(nik_column == nik.strip())
        return or_(*terms)

    entries: list[HistoryEntry] = []
    with Session(engine) as session:
        cases = list(
            session.scalars(
                _scoped(actor, select(PpksCase)).where(
                    who(PpksCase.person_id, PpksCase.subject_nik)
                )
            )
        )
        for row in _rows(session, cases, WorkCalendar(), dt.datetime.now(dt.UTC)):
            case = next(c for c in cases if c.id == row.id)
            entries.append(
                HistoryEntry(
                    "case",
                    row.id,
                    row.number,
                    row.state,
                    row.kode_wilayah,
                    row.opened_at,
                    as_utc(case.closed_at) if case.closed_at else None,
                    ", ".join(row.categories),
                )
            )
        if actor.role in OPENERS:
            complaints = select(Complaint).where(who(Complaint.person_id, Complaint.subject_nik))
            if actor.region:
                complaints = complaints.where(in_region(Complaint.kode_wilayah, actor.region))
            for c in session.scalars(complaints):
                entries.append(
                    HistoryEntry(
                        "complaint",
                        c.id,
                        c.tracking,
                        c.state,
                        c.kode_wilayah,
                        as_utc(c.created_at),
                        as_utc(c.closed_at) if c.closed_at else None,
                        c.category,
                    )
                )
    return sorted(entries, key=lambda e: (e.opened_at, e.kind, e.id), reverse=True)


def caseworkers(engine: Engine, region: str | None) -> list[str]:
    """Active caseworker accounts who may take a case in ``region`` (the opener's scope):
    those working inside it or over it."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(USERS.c.username, USERS.c.region)
            .where(USERS.c.role == PEKERJA_SOSIAL, USERS.c.active == 1)
            .order_by(USERS.c.username)
        ).all()
    scope = region or ""
    return [
        str(r.username)
        for r in rows
        if str(r.region or "").startswith(scope) or scope.startswith(str(r.region or ""))
    ]
