"""Complaint routes under ``/api/v1/complaints``: the inbox, one complaint, its steps and
the answers to its referrals.

Each step is :mod:`terpadu.services`' (the same functions the ``/pengaduan`` pages and
``terpadu pengaduan`` call): region-checked, timed against the office's holiday calendar
and audited. The front office and village operators (who see full NIKs) read and act; the
read-only oversight roles read, NIKs in free text masked and regions down to kab/kota. A
complaint outside the caller's region does not exist (404); a step its state does not
allow is a conflict (409).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from terpadu.access import Disclosure, PermissionDenied, allows, disclosure
from terpadu.errors import TerpaduError
from terpadu.registry import resolve_family
from terpadu.services import (
    Clock,
    ServiceLevels,
    answer_referral,
    calendar_from,
    check_registry,
    close,
    decide,
    receive,
    record_visit,
    refer,
)
from terpadu.services.complaints import (
    CATEGORIES,
    CHECKED,
    CLOSED,
    DECIDED,
    NEXT,
    REFERRED,
    STAFF,
    STATES,
    VISITED,
)
from terpadu.services.reads import (
    ComplaintDetail,
    ComplaintRow,
    complaint_detail,
    complaint_id,
    list_complaints,
    referral_tracking,
    search_complaints,
)
from terpadu.store.ids import family_code
from terpadu.web.api.schemas import Page
from terpadu.web.auth import WebUser
from terpadu.web.deps import CurrentUser, EngineDep, StateDep
from terpadu.web.errors import ERROR_RESPONSES, WebError, refusal

router = APIRouter(prefix="/api/v1/complaints", tags=["pengaduan"], responses=ERROR_RESPONSES)

Tracking = Annotated[str, PathParam(max_length=30, description="Tracking code (ADU-…).")]
Id = Annotated[int, PathParam(ge=1, le=2**62)]
Short = Annotated[str, Field(max_length=200)]
Words = Annotated[str, Field(max_length=2000)]
Category = Literal["exclusion", "inclusion", "wrong_data", "payment", "help", "other"]
State = Literal["received", "checked", "visited", "decided", "referred", "closed"]


# -- schemas --------------------------------------------------------------------------------
class ComplaintPublic(BaseModel):
    """A complaint in the inbox; ``kode_wilayah`` down to kab/kota for masked roles."""

    tracking: str
    category: str
    channel: str
    state: str
    kode_wilayah: str | None
    complainant_name: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    days_late: int = Field(description="Working days past the deadline (0: on time).")
    assigned_to: str | None


class StepPublic(BaseModel):
    from_state: str | None
    to_state: str
    actor: str
    note: str | None
    at: dt.datetime
    days_late: int


class ReferralPublic(BaseModel):
    id: int
    service: str
    institution: str
    status: str
    sent_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None


class ComplaintDetailPublic(ComplaintPublic):
    """One complaint with its steps, its referrals and the steps its state allows now."""

    description: str | None
    complainant_contact: str | None
    subject_name: str | None
    family_id: str | None = Field(description="The family checked in the registry (KLG…).")
    outcome: str | None
    outcome_note: str | None
    allowed: list[str] = Field(description="States the next step may move it to.")
    steps: list[StepPublic]
    referrals: list[ReferralPublic]


class ComplaintIn(BaseModel):
    """A complaint received at the desk, by phone, letter or online."""

    category: Category
    channel: Literal[
        "walk_in", "village", "facilitator", "phone", "letter", "citizen_web", "social_media"
    ]
    kode_wilayah: str = Field(max_length=13, description="The desa the complaint is about.")
    complainant_name: Short = Field(min_length=1)
    description: Words = Field(min_length=1)
    complainant_contact: Short | None = None
    subject_name: Short | None = None


class CheckIn(BaseModel):
    family: str | None = Field(None, max_length=40, description="KLG… or the KK number.")
    note: Words | None = None


class VisitIn(BaseModel):
    note: Words = Field(min_length=1, description="What the home visit found.")


class DecideIn(BaseModel):
    outcome: Literal["no_change", "payment_followed_up", "help_given", "not_eligible"]
    note: Words | None = None
    payment_ref: Short | None = None


class ReferIn(BaseModel):
    service: Literal["health", "education", "civil_registry", "other_office", "institution"]
    institution: Short = Field(min_length=1)
    note: Words | None = None


class CloseIn(BaseModel):
    told_how: Words = Field(min_length=1, description="How the complainant was told.")


class AnswerIn(BaseModel):
    answer: Words = Field(min_length=1)
    refused: bool = False


# -- helpers --------------------------------------------------------------------------------
def _reader(user: WebUser) -> None:
    """The front office acts; the read-only oversight roles may read (masked)."""
    if user.role not in STAFF and not allows(user.role, "read_only"):
        raise WebError(403, "forbidden", "Pengaduan hanya untuk petugas layanan dan pengawas.")


def _clock(state: StateDep) -> Clock:
    settings = state.config.settings
    levels = ServiceLevels.parse(settings.complaint_sla)
    return Clock(calendar=calendar_from(settings.holidays_file), levels=levels)


def _answer(exc: Exception) -> WebError:
    if isinstance(exc, PermissionDenied):
        return refusal(exc)
    if "tidak ditemukan" in str(exc) and "Pengaduan" in str(exc):
        return WebError(404, "not_found", str(exc))
    if "tidak dapat diambil sekarang" in str(exc):  # raced by another step
        return WebError(409, "invalid_transition", str(exc))
    return WebError(422, getattr(exc, "code", "complaint"), str(exc))


def _ident(engine: Engine, user: WebUser, tracking: str) -> int:
    try:
        return complaint_id(engine, tracking, region=user.region)
    except TerpaduError as exc:
        raise WebError(404, "not_found", str(exc)) from exc


def _public(row: ComplaintRow, shown: Disclosure) -> ComplaintPublic:
    return ComplaintPublic(
        tracking=row.tracking,
        category=row.category,
        channel=row.channel,
        state=row.state,
        kode_wilayah=shown.region(row.kode_wilayah),
        complainant_name=row.complainant_name,
        received_at=row.received_at,
        due_at=row.due_at,
        days_late=row.days_late,
        assigned_to=row.assigned_to,
    )


def _detail_public(d: ComplaintDetail, shown: Disclosure) -> ComplaintDetailPublic:
    return ComplaintDetailPublic(
        **_public(d.row, shown).model_dump(),
        description=shown.text(d.description),
        complainant_contact=shown.hidden(d.complainant_contact),
        subject_name=d.subject_name,
        family_id=family_code(d.family_id) if d.family_id else None,
        outcome=d.outcome,
        outcome_note=shown.text(d.outcome_note),
        allowed=sorted(NEXT[d.row.state]),
        steps=[
            StepPublic(
                from_state=s.from_state,
                to_state=s.to_state,
                actor=s.actor,
                note=shown.text(s.note),
                at=s.at,
                days_late=s.days_late,
            )
            for s in d.steps
        ],
        referrals=[
            ReferralPublic(
                id=r.id,
                service=r.service,
                institution=r.institution,
                status=r.status,
                sent_at=r.sent_at,
                answer=shown.text(r.answer),
                answered_at=r.answered_at,
            )
            for r in d.referrals
        ],
    )


def _detail(engine: Engine, user: WebUser, ident: int, clock: Clock) -> ComplaintDetailPublic:
    found = complaint_detail(engine, ident, now=dt.datetime.now(dt.UTC), calendar=clock.calendar)
    return _detail_public(found, disclosure(user))


def _allowed(engine: Engine, ident: int, to_state: str, tracking: str) -> None:
    """409 when the complaint's state does not allow a step to ``to_state`` now."""
    now = complaint_detail(engine, ident, now=dt.datetime.now(dt.UTC)).row.state
    if to_state not in NEXT[now]:
        raise WebError(
            409,
            "invalid_transition",
            f"Pengaduan {tracking} berstatus '{now}'; langkah '{to_state}' tidak dapat diambil.",
        )


# -- reads ----------------------------------------------------------------------------------
@router.get("")
def complaints(
    user: CurrentUser,
    engine: EngineDep,
    state: StateDep,
    status: State | None = None,
    category: Category | None = None,
    overdue: bool = False,
    name: Annotated[str | None, Query(max_length=100, description="Complainant's name.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[ComplaintPublic]:
    """The inbox of your region, the nearest deadline first; by name, open or closed."""
    _reader(user)
    calendar, now = _clock(state).calendar, dt.datetime.now(dt.UTC)
    exact = True
    if name and name.strip():
        found = search_complaints(
            engine, name, region=user.region, now=now, calendar=calendar, limit=limit,
            offset=offset,
        )  # fmt: skip
        rows, total, exact = found.rows, found.total, not found.more
    else:
        rows, total = list_complaints(
            engine,
            region=user.region,
            now=now,
            calendar=calendar,
            state=status if status in STATES else None,
            category=category if category in CATEGORIES else None,
            overdue_only=overdue,
            limit=limit,
            offset=offset,
        )
    shown = disclosure(user)
    return Page[ComplaintPublic](
        items=[_public(r, shown) for r in rows],
        total=total,
        total_exact=exact,
        limit=limit,
        offset=offset,
    )


@router.get("/{tracking}")
def complaint(
    tracking: Tracking, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """One complaint with its steps and referrals."""
    _reader(user)
    return _detail(engine, user, _ident(engine, user, tracking), _clock(state))


# -- steps ----------------------------------------------------------------------------------
@router.post("", status_code=201)
def receive_(
    body: ComplaintIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """Receive a complaint (front office, village operator; audited); its tracking code."""
    clock = _clock(state)
    try:
        receipt = receive(
            engine,
            user.actor,
            category=body.category,
            channel=body.channel,
            kode_wilayah=body.kode_wilayah.replace(".", "").strip(),
            complainant_name=body.complainant_name,
            description=body.description,
            complainant_contact=(body.complainant_contact or "").strip() or None,
            subject_name=(body.subject_name or "").strip() or None,
            calendar=clock.calendar,
            levels=clock.levels,
        )
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc
    return _detail(engine, user, receipt.complaint_id, clock)


def _step(
    tracking: str, user: WebUser, engine: Engine, state: StateDep, body: BaseModel
) -> ComplaintDetailPublic:
    """One step on one complaint of the caller's region, as the page's step form takes it."""
    clock, actor = _clock(state), user.actor
    ident = _ident(engine, user, tracking)
    try:
        if isinstance(body, CheckIn):
            _allowed(engine, ident, CHECKED, tracking)
            family = None
            if body.family and body.family.strip():
                family = resolve_family(engine, user, body.family)
                if family is None:
                    raise TerpaduError(f"Keluarga {body.family.strip()} tidak ada di wilayah Anda.")
            check_registry(engine, actor, ident, family_id=family, note=body.note, clock=clock)
        elif isinstance(body, VisitIn):
            _allowed(engine, ident, VISITED, tracking)
            record_visit(engine, actor, ident, note=body.note, clock=clock)
        elif isinstance(body, DecideIn):
            _allowed(engine, ident, DECIDED, tracking)
            decide(
                engine,
                actor,
                ident,
                outcome=body.outcome,
                note=body.note,
                payment_ref=(body.payment_ref or "").strip() or None,
                clock=clock,
            )
        elif isinstance(body, ReferIn):
            _allowed(engine, ident, REFERRED, tracking)
            refer(
                engine,
                actor,
                ident,
                service=body.service,
                institution=body.institution,
                note=body.note,
                clock=clock,
            )
        elif isinstance(body, CloseIn):
            _allowed(engine, ident, CLOSED, tracking)
            close(engine, actor, ident, told_how=body.told_how, clock=clock)
        else:  # pragma: no cover - every route passes one of the bodies above
            raise TerpaduError("Langkah tidak dikenal.")
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc
    return _detail(engine, user, ident, clock)


@router.post("/{tracking}/check")
def check(
    tracking: Tracking, body: CheckIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """Check the complaint against the registry, naming the family it is about."""
    return _step(tracking, user, engine, state, body)


@router.post("/{tracking}/visit")
def visit(
    tracking: Tracking, body: VisitIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """Record what the home visit found."""
    return _step(tracking, user, engine, state, body)


@router.post("/{tracking}/decide")
def decide_(
    tracking: Tracking, body: DecideIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """Record the decision (a proposal is made with ``terpadu pengaduan usulkan``)."""
    return _step(tracking, user, engine, state, body)


@router.post("/{tracking}/refer")
def refer_(
    tracking: Tracking, body: ReferIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """Refer the complainant to another service or institution."""
    return _step(tracking, user, engine, state, body)


@router.post("/{tracking}/close")
def close_(
    tracking: Tracking, body: CloseIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """Close the complaint once the complainant has been told the outcome (and how)."""
    return _step(tracking, user, engine, state, body)


@router.post("/referrals/{referral_id}/answer")
def answer(
    referral_id: Id, body: AnswerIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> ComplaintDetailPublic:
    """The other service's answer to a referral (or its refusal)."""
    try:
        tracking = referral_tracking(engine, referral_id)
    except TerpaduError as exc:
        raise WebError(404, "not_found", str(exc)) from exc
    # Outside the reader's region a referral does not exist (404, as its complaint).
    ident = _ident(engine, user, tracking)
    try:
        answer_referral(engine, user.actor, referral_id, answer=body.answer, refused=body.refused)
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc
    return _detail(engine, user, ident, _clock(state))


__all__ = ["router"]
