"""PPKS case pages for the SLRT front office, caseworkers and the kab/kota.

The inbox (overdue reviews first), the form that opens a case, one case with the forms of
the steps its state allows (assessment, plan, service, review, closure), and a person's
history across cases and complaints. Every step is :mod:`terpadu.services.cases`' (the
same functions ``terpadu kasus`` calls): scoped to the reader, audited. A form refused
keeps what was typed and says why beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import PEKERJA_SOSIAL, PermissionDenied
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import text
from terpadu.services.case_codes import (
    CLOSED,
    LIVING,
    NEXT,
    RISK_LEVELS,
    STATES,
    CaseError,
    atensi_codes,
    closure_reasons,
    ppks_codes,
)
from terpadu.services.case_reads import (
    case_detail,
    case_id,
    caseworkers,
    list_cases,
    person_history,
)
from terpadu.services.cases import (
    OPENERS,
    SUPERVISORS,
    CaseClock,
    PlannedItem,
    Subject,
    assess,
    close_case,
    give_service,
    open_case,
    plan,
    reassign,
    review,
)
from terpadu.services.reads import complaint_id
from terpadu.store.ids import parse_code, person_code
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)
PAGE = 50
#: Rows of planned services the plan form offers (a plan rarely holds more).
PLAN_ROWS = 5
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=200)]
Rows = Annotated[list[str] | None, Form(max_length=PLAN_ROWS)]


def _reader(session: PageSession, lang: str) -> None:
    if session.user.role not in (*OPENERS, PEKERJA_SOSIAL):
        raise WebError(403, "forbidden", text("services.forbidden", lang))


def _clock(state: StateDep) -> CaseClock:
    return CaseClock.from_settings(state.config.settings)


def _codes() -> dict[str, Any]:
    """The code lists the forms offer (their names come from the catalogue in the template)."""
    return {
        "ppks": ppks_codes(),
        "atensi": atensi_codes(),
        "closures": closure_reasons(),
        "states": STATES,
        "living": LIVING,
        "risk_levels": RISK_LEVELS,
    }


def _day(value: str, what: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CaseError(f"{what} '{value}' bukan tanggal; tulis misalnya 2026-12-31.") from None


def _planned_rows(atensi: list[str], starts: list[str], ends: list[str]) -> list[list[str]]:
    """The plan form's rows as typed ([ATENSI, start, end] each), padded to PLAN_ROWS."""

    def cell(values: list[str], i: int) -> str:
        return values[i].strip() if i < len(values) else ""

    return [[cell(atensi, i), cell(starts, i), cell(ends, i)] for i in range(PLAN_ROWS)]


def _planned_items(rows: list[list[str]], lang: str) -> list[PlannedItem]:
    """The filled rows as planned services; a row half filled is refused by its number."""
    items = []
    for number, (atensi, starts_on, ends_on) in enumerate(rows, start=1):
        if not (atensi or starts_on or ends_on):
            continue
        label = text("cases.planned_row", lang, n=number)
        starts = _day(starts_on, f"{label}: {text('cases.from_date', lang)}")
        if not atensi or starts is None:
            raise CaseError(f"{label}: pilih jenis layanan ATENSI dan isi tanggal mulainya.")
        ends = _day(ends_on, f"{label}: {text('cases.to_date', lang)}")
        items.append(PlannedItem(atensi, starts, ends))
    return items


@router.get("/kasus", response_class=HTMLResponse)
def inbox(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    status: str = "",
    kategori: str = "",
    nama: Annotated[str, Query(max_length=100)] = "",
    terlambat: bool = False,
    semua: bool = False,
    offset: int = 0,
) -> HTMLResponse:
    _reader(session, lang)
    clock = _clock(state)
    rows, total = list_cases(
        state.engine,
        session.user.actor,
        now=clock.when,
        calendar=clock.calendar,
        state=status if status in STATES else None,
        category=kategori if kategori in ppks_codes() else None,
        name=nama or None,
        open_only=not semua,
        overdue_only=terlambat,
        limit=PAGE,
        offset=max(offset, 0),
    )
    return render(
        request,
        state,
        "cases_inbox.html",
        lang,
        session,
        rows=rows,
        total=total,
        status=status,
        kategori=kategori,
        nama=nama,
        terlambat=terlambat,
        semua=semua,
        offset=max(offset, 0),
        page=PAGE,
        may_open=session.user.role in OPENERS,
        **_codes(),
    )


def _new_form(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    typed: dict[str, Any],
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        state,
        "cases_new.html",
        lang,
        session,
        400 if error else 200,
        typed=typed,
        error=error,
        workers=caseworkers(state.engine, session.user.region),
        **_codes(),
    )


def _opener(session: PageSession, lang: str) -> None:
    if session.user.role not in OPENERS:
        raise WebError(403, "forbidden", text("services.forbidden", lang))


@router.get("/kasus/baru", response_class=HTMLResponse)
def new_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    pengaduan: Annotated[str, Query(max_length=30)] = "",
) -> HTMLResponse:
    _opener(session, lang)
    region = session.user.region or ""
    typed = {"kode_wilayah": region if len(region) == 10 else "", "complaint": pengaduan}
    return _new_form(request, state, lang, session, typed)


@router.post("/kasus", response_model=None)
def open_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    caseworker: Short,
    categories: Annotated[list[str], Form(max_length=26)],
    person: Short = "",
    subject_name: Short = "",
    subject_nik: Short = "",
    subject_address: Short = "",
    kode_wilayah: Short = "",
    complaint: Short = "",
    note: Text = "",
) -> Response:
    _opener(session, lang)
    typed: dict[str, Any] = {
        "caseworker": caseworker,
        "categories": categories,
        "person": person,
        "subject_name": subject_name,
        "subject_nik": subject_nik,
        "subject_address": subject_address,
        "kode_wilayah": kode_wilayah,
        "complaint": complaint,
        "note": note,
    }
    engine, actor = state.engine, session.user.actor
    try:
        person_id = None
        if person.strip():
            parsed = parse_code(person)
            if parsed is None or parsed[0] != "person":
                raise CaseError(f"'{person}' bukan nomor orang DTKS (mis. {person_code(1)}).")
            person_id = parsed[1]
        ident = open_case(
            engine,
            actor,
            Subject(
                person_id,
                subject_name.strip() or None,
                subject_nik.strip() or None,
                subject_address.strip() or None,
                kode_wilayah.strip() or None,
            ),
            categories=categories,
            caseworker=caseworker.strip(),
            complaint_id=complaint_id(engine, complaint, region=actor.region)
            if complaint.strip()
            else None,
            note=note.strip() or None,
            clock=_clock(state),
        )
        number = case_detail(engine, actor, ident, now=_clock(state).when).row.number
    except (TerpaduError, PermissionDenied) as exc:
        return _new_form(request, state, lang, session, typed, error_words(exc, lang))
    return RedirectResponse(f"/kasus/{number}", status_code=303)


@router.get("/kasus/riwayat", response_class=HTMLResponse)
def history_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    orang: Annotated[str, Query(max_length=30)] = "",
    nik: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    _reader(session, lang)
    parsed = parse_code(orang) if orang.strip() else None
    person_id = parsed[1] if parsed is not None and parsed[0] == "person" else None
    entries = []
    if person_id is not None or nik.strip():
        try:
            entries = person_history(
                state.engine, session.user.actor, person_id=person_id, nik=nik.strip() or None
            )
        except (TerpaduError, PermissionDenied) as exc:
            raise WebError(400, "case", error_words(exc, lang)) from exc
    return render(
        request,
        state,
        "cases_history.html",
        lang,
        session,
        entries=entries,
        orang=orang,
        nik=nik,
    )


def _detail(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    number: str,
    *,
    error: str | None = None,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    clock = _clock(state)
    try:
        ident = case_id(state.engine, session.user.actor, number)
        detail = case_detail(
            state.engine, session.user.actor, ident, now=clock.when, calendar=clock.calendar
        )
    except TerpaduError as exc:
        raise WebError(404, "not_found", error_words(exc, lang)) from exc
    works = session.user.role in (PEKERJA_SOSIAL, *SUPERVISORS)
    # Supervisors hand an open case over to a caseworker covering its region.
    hands_over = session.user.role in SUPERVISORS and detail.row.state != CLOSED
    typed = typed or {}
    typed.setdefault("plan_rows", _planned_rows([], [], []))
    return render(
        request,
        state,
        "cases_detail.html",
        lang,
        session,
        400 if error else 200,
        c=detail,
        allowed=NEXT[detail.row.state] if works else frozenset(),
        person_ref=person_code(detail.row.person_id) if detail.row.person_id else None,
        error=error,
        typed=typed,
        workers=caseworkers(state.engine, detail.row.kode_wilayah) if hands_over else [],
        **_codes(),
    )


@router.get("/kasus/{number}", response_class=HTMLResponse)
def detail_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, number: str
) -> HTMLResponse:
    _reader(session, lang)
    return _detail(request, state, lang, session, number)


@router.post("/kasus/{number}/aksi", response_model=None)
def step_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    number: str,
    action: Short,
    needs: Text = "",
    risks: Text = "",
    strengths: Text = "",
    living: Short = "",
    risk_level: Short = "",
    goals: Text = "",
    plan_atensi: Rows = None,
    plan_starts: Rows = None,
    plan_ends: Rows = None,
    atensi: Short = "",
    given_on: Short = "",
    provider: Short = "",
    progress: Text = "",
    next_review: Short = "",
    reason: Short = "",
    caseworker: Short = "",
    note: Text = "",
) -> Response:
    _reader(session, lang)
    rows = _planned_rows(plan_atensi or [], plan_starts or [], plan_ends or [])
    typed: dict[str, Any] = {
        "action": action,
        "needs": needs,
        "risks": risks,
        "strengths": strengths,
        "living": living,
        "risk_level": risk_level,
        "goals": goals,
        "plan_rows": rows,
        "atensi": atensi,
        "given_on": given_on,
        "provider": provider,
        "progress": progress,
        "next_review": next_review,
        "reason": reason,
        "caseworker": caseworker,
        "note": note,
    }
    engine, actor, clock = state.engine, session.user.actor, _clock(state)
    try:
        ident = case_id(engine, actor, number)
    except TerpaduError as exc:
        raise WebError(404, "not_found", error_words(exc, lang)) from exc
    try:
        if action == "assess":
            assess(
                engine,
                actor,
                ident,
                needs=needs,
                risks=risks or None,
                strengths=strengths or None,
                living=living or None,
                risk_level=risk_level or None,
                clock=clock,
            )
        elif action == "plan":
            plan(
                engine,
                actor,
                ident,
                goals=goals,
                services=_planned_items(rows, lang),
                next_review=_day(next_review, text("cases.next_review", lang)),
                clock=clock,
            )
        elif action == "service":
            given = _day(given_on, text("cases.col_date", lang))
            if given is None:
                raise CaseError("Isi tanggal layanan diberikan.")
            give_service(
                engine,
                actor,
                ident,
                atensi=atensi,
                given_on=given,
                provider=provider.strip() or None,
                note=note or None,
                clock=clock,
            )
        elif action == "review":
            review(
                engine,
                actor,
                ident,
                progress=progress,
                next_review=_day(next_review, text("cases.next_review", lang)),
                clock=clock,
            )
        elif action == "close":
            close_case(engine, actor, ident, reason=reason, note=note or None, clock=clock)
        elif action == "reassign":
            reassign(engine, actor, ident, caseworker=caseworker.strip(), clock=clock)
        else:
            raise CaseError(f"Langkah '{action}' tidak dikenal.")
    except (TerpaduError, PermissionDenied) as exc:
        return _detail(
            request, state, lang, session, number, error=error_words(exc, lang), typed=typed
        )
    return RedirectResponse(f"/kasus/{number}", status_code=303)
