"""PPKS case routes under ``/api/v1/cases``: the list, one case, its steps, overdue reviews
and a person's history. The answers are the domain read models themselves
(:mod:`terpadu.services.case_reads`); each step is :mod:`terpadu.services.cases`' (scoped,
audited), as on the pages and in ``terpadu kasus``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from terpadu.access import PermissionDenied
from terpadu.errors import TerpaduError
from terpadu.services.case_codes import CaseError, CaseStateError
from terpadu.services.case_reads import (
    CaseDetail,
    CaseRow,
    HistoryEntry,
    case_detail,
    case_id,
    list_cases,
    overdue_reviews,
    person_history,
)
from terpadu.services.cases import (
    CaseClock,
    PlannedItem,
    Subject,
    assess,
    close_case,
    give_service,
    open_case,
    plan,
    review,
)
from terpadu.services.reads import complaint_id
from terpadu.store.ids import parse_code
from terpadu.web.api.schemas import Page
from terpadu.web.auth import WebUser
from terpadu.web.deps import CurrentUser, EngineDep, StateDep
from terpadu.web.errors import ERROR_RESPONSES, WebError, refusal

router = APIRouter(prefix="/api/v1/cases", tags=["kasus"], responses=ERROR_RESPONSES)

Number = Annotated[str, PathParam(pattern=r"^KAS-[0-9]{4}-[0-9]{6,}$", description="Case number.")]
Short = Annotated[str, Field(max_length=200)]
Words = Annotated[str, Field(max_length=4000)]


class CaseCreate(BaseModel):
    """A case to open: a registry person (PERSON_ID) or a person not yet registered."""

    categories: list[Annotated[str, Field(pattern=r"^[0-9]{1,2}$")]] = Field(
        min_length=1, max_length=26
    )
    caseworker: Short
    person_id: str | None = Field(default=None, max_length=30)
    name: Short | None = None
    nik: str | None = Field(default=None, pattern=r"^[0-9]{16}$")
    address: Short | None = None
    kode_wilayah: str | None = Field(default=None, max_length=13)
    complaint: str | None = Field(default=None, max_length=30, description="Tracking code.")
    note: Words | None = None


class AssessmentIn(BaseModel):
    needs: Words = Field(min_length=1)
    risks: Words | None = None
    strengths: Words | None = None
    living: Short | None = None
    risk_level: Short | None = None


class PlannedIn(BaseModel):
    atensi: Short
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: Words | None = None


class PlanIn(BaseModel):
    goals: Words = Field(min_length=1)
    services: list[PlannedIn] = Field(min_length=1, max_length=20)
    next_review: dt.date | None = None


class ServiceIn(BaseModel):
    atensi: Short
    given_on: dt.date
    institution_id: int | None = Field(default=None, ge=1, le=2**62)
    provider: Short | None = None
    note: Words | None = None


class ReviewIn(BaseModel):
    progress: Words = Field(min_length=1)
    next_review: dt.date | None = None


class CloseIn(BaseModel):
    reason: Short
    note: Words | None = None


def _answer(exc: Exception) -> WebError:
    if isinstance(exc, PermissionDenied):
        return refusal(exc)
    if isinstance(exc, CaseStateError):
        return WebError(409, "invalid_transition", str(exc))
    if isinstance(exc, CaseError) and "tidak ditemukan" in str(exc):
        return WebError(404, "not_found", str(exc))
    return WebError(422, "case", str(exc))


def _clock(state: StateDep) -> CaseClock:
    return CaseClock.from_settings(state.config.settings)


def _detail(engine: Engine, user: WebUser, ident: int, clock: CaseClock) -> CaseDetail:
    return case_detail(engine, user.actor, ident, now=clock.when, calendar=clock.calendar)


@router.get("")
def cases(
    user: CurrentUser,
    engine: EngineDep,
    state: StateDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    category: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    name: Annotated[str | None, Query(max_length=100)] = None,
    overdue: bool = False,
    include_closed: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[CaseRow]:
    """The cases you may read, the most overdue review first."""
    clock = _clock(state)
    try:
        rows, total = list_cases(
            engine,
            user.actor,
            now=clock.when,
            calendar=clock.calendar,
            state=status,
            category=category,
            name=name,
            open_only=not include_closed,
            overdue_only=overdue,
            limit=limit,
            offset=offset,
        )
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc
    return Page[CaseRow](items=rows, total=total, limit=limit, offset=offset)


@router.post("", status_code=201)
def open_(body: CaseCreate, user: CurrentUser, engine: EngineDep, state: StateDep) -> CaseDetail:
    """Open a case (front office, kab/kota, province)."""
    clock = _clock(state)
    try:
        person = None
        if body.person_id:
            parsed = parse_code(body.person_id)
            if parsed is None or parsed[0] != "person":
                raise CaseError(f"'{body.person_id}' bukan PERSON_ID.")
            person = parsed[1]
        complaint = (
            complaint_id(engine, body.complaint, region=user.region) if body.complaint else None
        )
        ident = open_case(
            engine,
            user.actor,
            Subject(person, body.name, body.nik, body.address, body.kode_wilayah),
            categories=body.categories,
            caseworker=body.caseworker,
            complaint_id=complaint,
            note=body.note,
            clock=clock,
        )
        return _detail(engine, user, ident, clock)
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc


@router.get("/overdue")
def overdue(user: CurrentUser, engine: EngineDep, state: StateDep) -> list[CaseRow]:
    """Open cases past their review date, the most late first (working days)."""
    clock = _clock(state)
    try:
        return overdue_reviews(engine, user.actor, now=clock.when, calendar=clock.calendar)
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc


@router.get("/history")
def history(
    user: CurrentUser,
    engine: EngineDep,
    person_id: Annotated[str | None, Query(max_length=30)] = None,
    nik: Annotated[str | None, Query(pattern=r"^[0-9]{16}$")] = None,
) -> list[HistoryEntry]:
    """A person's cases and complaints (by PERSON_ID or NIK), newest first."""
    parsed = parse_code(person_id) if person_id else None
    try:
        if person_id and (parsed is None or parsed[0] != "person"):
            raise CaseError(f"'{person_id}' bukan PERSON_ID.")
        return person_history(engine, user.actor, person_id=parsed[1] if parsed else None, nik=nik)
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc


@router.get("/{number}")
def case(number: Number, user: CurrentUser, engine: EngineDep, state: StateDep) -> CaseDetail:
    """One case with its assessments, plans, services, reviews and steps."""
    clock = _clock(state)
    try:
        return _detail(engine, user, case_id(engine, user.actor, number), clock)
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc


def _step(
    number: str, user: WebUser, engine: Engine, state: StateDep, work: str, body: BaseModel
) -> CaseDetail:
    clock = _clock(state)
    actor = user.actor
    try:
        ident = case_id(engine, actor, number)
        if isinstance(body, AssessmentIn):
            assess(engine, actor, ident, **body.model_dump(), clock=clock)
        elif isinstance(body, PlanIn):
            items = [PlannedItem(**s.model_dump()) for s in body.services]
            plan(
                engine,
                actor,
                ident,
                goals=body.goals,
                services=items,
                next_review=body.next_review,
                clock=clock,
            )
        elif isinstance(body, ServiceIn):
            give_service(engine, actor, ident, **body.model_dump(), clock=clock)
        elif isinstance(body, ReviewIn):
            review(engine, actor, ident, **body.model_dump(), clock=clock)
        elif isinstance(body, CloseIn):
            close_case(engine, actor, ident, **body.model_dump(), clock=clock)
        else:  # pragma: no cover - every route passes one of the bodies above
            raise CaseError(f"Langkah '{work}' tidak dikenal.")
        return _detail(engine, user, ident, clock)
    except (TerpaduError, PermissionDenied) as exc:
        raise _answer(exc) from exc


@router.post("/{number}/assessment")
def assessment(
    number: Number, body: AssessmentIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> CaseDetail:
    """Record an assessment (the case's caseworker, or the kab/kota supervising)."""
    return _step(number, user, engine, state, "assess", body)


@router.post("/{number}/plan")
def case_plan(
    number: Number, body: PlanIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> CaseDetail:
    """Record the case plan: goals, planned ATENSI services, the first review."""
    return _step(number, user, engine, state, "plan", body)


@router.post("/{number}/services")
def service(
    number: Number, body: ServiceIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> CaseDetail:
    """Record an ATENSI service given."""
    return _step(number, user, engine, state, "service", body)


@router.post("/{number}/reviews")
def case_review(
    number: Number, body: ReviewIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> CaseDetail:
    """Record a periodic review and when the next is due."""
    return _step(number, user, engine, state, "review", body)


@router.post("/{number}/close")
def close(
    number: Number, body: CloseIn, user: CurrentUser, engine: EngineDep, state: StateDep
) -> CaseDetail:
    """Close the case with its reason."""
    return _step(number, user, engine, state, "close", body)


__all__ = ["router"]
