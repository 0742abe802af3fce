"""Complaint pages for the SLRT front office and the village Puskesos.

The inbox (deadline first, overdue marked), the receiving form with a printable receipt,
and one complaint with the steps its state allows. Every step is
:mod:`terpadu.services`' (the same functions ``terpadu pengaduan`` calls): region-checked,
timed against the office's holiday calendar and audited. A form refused keeps what was
typed and says why beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import PermissionDenied
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import text
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
    CHANNELS,
    NEXT,
    OUTCOMES,
    SERVICES,
    STAFF,
    STATES,
)
from terpadu.services.reads import (
    complaint_detail,
    complaint_id,
    list_complaints,
    referral_tracking,
    search_complaints,
)
from terpadu.store.ids import family_code
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)
PAGE = 50
Text = Annotated[str, Form(max_length=2000)]
Short = Annotated[str, Form(max_length=200)]


def _staff(session: PageSession, lang: str) -> None:
    if session.user.role not in STAFF:
        raise WebError(403, "forbidden", text("services.forbidden", lang))


def _clock(state: StateDep) -> Clock:
    settings = state.config.settings
    return Clock(
        calendar=calendar_from(settings.holidays_file),
        levels=ServiceLevels.parse(settings.complaint_sla),
    )


def _codes() -> dict[str, Any]:
    """The code lists the forms offer (their names come from the catalogue in the template)."""
    return {
        "categories": CATEGORIES,
        "channels": CHANNELS,
        "states": STATES,
        "outcomes": [o for o in OUTCOMES if o != "proposal"],
        "services": SERVICES,
    }


@router.get("/pengaduan", response_class=HTMLResponse)
def inbox(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    status: str = "",
    jenis: str = "",
    terlambat: bool = False,
    nama: Annotated[str, Query(max_length=100)] = "",
    offset: int = 0,
) -> HTMLResponse:
    _staff(session, lang)
    clock = _clock(state)
    more = False
    if nama.strip():
        # A complainant asking at the desk: found by name, open or closed.
        found = search_complaints(
            state.engine,
            nama,
            region=session.user.region,
            now=dt.datetime.now(dt.UTC),
            calendar=clock.calendar,
            limit=PAGE,
            offset=max(offset, 0),
        )
        rows, total, more = found.rows, found.total, found.more
    else:
        rows, total = list_complaints(
            state.engine,
            region=session.user.region,
            now=dt.datetime.now(dt.UTC),
            calendar=clock.calendar,
            state=status if status in STATES else None,
            category=jenis if jenis in CATEGORIES else None,
            overdue_only=terlambat,
            limit=PAGE,
            offset=max(offset, 0),
        )
    return render(
        request,
        state,
        "services_inbox.html",
        lang,
        session,
        rows=rows,
        total=total,
        status=status,
        jenis=jenis,
        terlambat=terlambat,
        nama=nama,
        more=more,
        offset=max(offset, 0),
        page=PAGE,
        **_codes(),
    )


def _new_form(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    typed: dict[str, str],
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        state,
        "services_new.html",
        lang,
        session,
        400 if error else 200,
        typed=typed,
        error=error,
        **_codes(),
    )


@router.get("/pengaduan/baru", response_class=HTMLResponse)
def new_form(request: Request, state: StateDep, lang: Lang, session: SessionDep) -> HTMLResponse:
    _staff(session, lang)
    region = session.user.region or ""
    return _new_form(
        request, state, lang, session, {"kode_wilayah": region if len(region) == 10 else ""}
    )


@router.post("/pengaduan", response_model=None)
def receive_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    category: Short,
    channel: Short,
    kode_wilayah: Short,
    complainant_name: Short,
    description: Text,
    complainant_contact: Short = "",
    subject_name: Short = "",
) -> Response:
    _staff(session, lang)
    typed = {
        "category": category,
        "channel": channel,
        "kode_wilayah": kode_wilayah,
        "complainant_name": complainant_name,
        "description": description,
        "complainant_contact": complainant_contact,
        "subject_name": subject_name,
    }
    clock = _clock(state)
    try:
        receipt = receive(
            state.engine,
            session.user.actor,
            category=category,
            channel=channel,
            kode_wilayah=kode_wilayah.strip(),
            complainant_name=complainant_name,
            description=description,
            complainant_contact=complainant_contact.strip() or None,
            subject_name=subject_name.strip() or None,
            calendar=clock.calendar,
            levels=clock.levels,
        )
    except (TerpaduError, PermissionDenied) as exc:
        return _new_form(request, state, lang, session, typed, error_words(exc, lang))
    return RedirectResponse(f"/pengaduan/{receipt.tracking}/tanda-terima", status_code=303)


def _detail(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    tracking: str,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    template: str = "services_detail.html",
) -> HTMLResponse:
    try:
        ident = complaint_id(state.engine, tracking, region=session.user.region)
    except TerpaduError as exc:
        raise WebError(404, "not_found", error_words(exc, lang)) from exc
    detail = complaint_detail(
        state.engine, ident, now=dt.datetime.now(dt.UTC), calendar=_clock(state).calendar
    )
    return render(
        request,
        state,
        template,
        lang,
        session,
        400 if error else 200,
        c=detail,
        allowed=NEXT[detail.row.state],
        family_ref=family_code(detail.family_id) if detail.family_id else None,
        error=error,
        typed=typed or {},
        **_codes(),
    )


@router.get("/pengaduan/{tracking}", response_class=HTMLResponse)
def detail_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, tracking: str
) -> HTMLResponse:
    _staff(session, lang)
    return _detail(request, state, lang, session, tracking)


@router.get("/pengaduan/{tracking}/tanda-terima", response_class=HTMLResponse)
def receipt_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, tracking: str
) -> HTMLResponse:
    _staff(session, lang)
    return _detail(request, state, lang, session, tracking, template="services_receipt.html")


@router.post("/pengaduan/{tracking}/aksi", response_model=None)
def step_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    tracking: str,
    action: Short,
    note: Text = "",
    family: Short = "",
    outcome: Short = "",
    service: Short = "",
    institution: Short = "",
    payment_ref: Short = "",
) -> Response:
    _staff(session, lang)
    typed = {
        "note": note,
        "family": family,
        "outcome": outcome,
        "service": service,
        "institution": institution,
        "payment_ref": payment_ref,
        "action": action,
    }
    engine, actor, clock = state.engine, session.user.actor, _clock(state)
    try:
        ident = complaint_id(engine, tracking, region=session.user.region)
        if action == "check":
            family_id = None
            if family.strip():
                family_id = resolve_family(engine, session.user, family)
                if family_id is None:
                    raise TerpaduError(
                        f"Keluarga {family.strip()} tidak ditemukan di wilayah Anda."
                    )
            check_registry(
                engine, actor, ident, family_id=family_id, note=note or None, clock=clock
            )
        elif action == "visit":
            record_visit(engine, actor, ident, note=note, clock=clock)
        elif action == "decide":
            decide(
                engine,
                actor,
                ident,
                outcome=outcome,
                note=note or None,
                payment_ref=payment_ref.strip() or None,
                clock=clock,
            )
        elif action == "refer":
            refer(
                engine,
                actor,
                ident,
                service=service,
                institution=institution,
                note=note or None,
                clock=clock,
            )
        elif action == "close":
            close(engine, actor, ident, told_how=note, clock=clock)
        else:
            raise TerpaduError(f"Langkah '{action}' tidak dikenal.")
    except (TerpaduError, PermissionDenied) as exc:
        return _detail(
            request, state, lang, session, tracking, error=error_words(exc, lang), typed=typed
        )
    return RedirectResponse(f"/pengaduan/{tracking}", status_code=303)


@router.post("/pengaduan/rujukan/{referral_id}", response_model=None)
def answer_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    referral_id: int,
    answer: Text,
    refused: bool = Form(False),
) -> Response:
    _staff(session, lang)
    try:
        tracking = referral_tracking(state.engine, referral_id)
        # Outside the reader's region a referral does not exist (404, as its complaint).
        complaint_id(state.engine, tracking, region=session.user.region)
    except TerpaduError as exc:
        raise WebError(404, "not_found", error_words(exc, lang)) from exc
    try:
        answer_referral(
            state.engine, session.user.actor, referral_id, answer=answer, refused=refused
        )
    except (TerpaduError, PermissionDenied) as exc:
        raise WebError(403, "forbidden", error_words(exc, lang)) from exc
    return RedirectResponse(f"/pengaduan/{tracking}", status_code=303)
