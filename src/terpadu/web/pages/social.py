"""Pages for the institutions (LKS/panti) and the social workforce of a Dinas Sosial.

Institutions: the list (filters, counts, paging), one institution with its residents, the
forms to register or edit one, record an accreditation, admit a registry person (found by
NIK or name within the reader's region) and discharge them; occupancy per region and the
accreditation pipeline. Workforce: the list, one worker, the forms to add or edit, certify
and assign; caseloads against norms with the regions short of staff. Every table is
downloadable as CSV and XLSX. Reads are for every account within its region (personal
data masked per role); changes are for kab/kota and province staff, through
:mod:`terpadu.services.social_records` and :mod:`terpadu.services.institutions`, audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import NumberLookupRefused, PermissionDenied, disclosure
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import text
from terpadu.registry import search_persons
from terpadu.services.institutions import (
    FORMS,
    GRADES,
    KINDS,
    OWNERS,
    STAFF,
    discharge,
    list_residents,
    occupancy,
)
from terpadu.services.social_records import (
    InstitutionForm,
    WorkerForm,
    admit_in_region,
    assign_regions,
    certify_worker,
    institution_detail,
    record_accreditation,
    save_institution,
    save_worker,
    worker_detail,
    worker_phone,
)
from terpadu.services.workforce import CASELOAD_NORMS, ROLES, caseloads, short_of_staff
from terpadu.store.ids import parse_code
from terpadu.web import social_tables as tables
from terpadu.web.charts import bar_chart
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.pages._xlsx import FORMATS, table_download
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)
PAGE: Final = 50
Short = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=2000)]
Filter = Annotated[str, Query(max_length=20)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Months = Annotated[int, Query(ge=1, le=36)]
# The office's own norm; text, as an empty box is sent as "" (then the default holds).
Norm = Annotated[str, Query(max_length=6)]
LEVELS: Final = (4, 6, 10)


def _is_staff(session: PageSession) -> bool:
    return session.user.role in STAFF


def _staff(session: PageSession, lang: str) -> None:
    if not _is_staff(session):
        raise WebError(403, "forbidden", text("socialpages.forbidden", lang))


def _format(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise WebError(404, "not_found", translate(lang, "pages.no_such_format"))


def _code(value: str, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else ""


def _region_filter(value: str) -> str:
    digits = value.replace(".", "").strip()
    return digits if digits.isdigit() else ""


def _date(value: str, field: str, lang: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise TerpaduError(text("socialpages.bad_date", lang, field=field, value=value)) from None


def _not_found(exc: TerpaduError, lang: str) -> WebError:
    return WebError(404, "not_found", error_words(exc, lang))


def _codes() -> dict[str, Any]:
    return {
        "forms": FORMS,
        "kinds": KINDS,
        "owners": OWNERS,
        "grades": GRADES,
        "roles": ROLES,
        "accreditation_states": tables.ACCREDITATION_STATES,
        "caseload_roles": tuple(CASELOAD_NORMS),
    }


# -- institutions ---------------------------------------------------------------------------
def _institution_filter(
    jenis: str, pemilik: str, wilayah: str, akreditasi: str, bulan: int
) -> tables.InstitutionFilter:
    return tables.InstitutionFilter(
        kind=_code(jenis, KINDS),
        owner=_code(pemilik, OWNERS),
        region=_region_filter(wilayah),
        accreditation=_code(akreditasi, tables.ACCREDITATION_STATES),
        months=bulan,
    )


@router.get("/lembaga", response_class=HTMLResponse)
def institutions_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    jenis: Filter = "",
    pemilik: Filter = "",
    wilayah: Filter = "",
    akreditasi: Filter = "",
    bulan: Months = tables.EXPIRING_MONTHS,
    offset: Offset = 0,
) -> HTMLResponse:
    chosen = _institution_filter(jenis, pemilik, wilayah, akreditasi, bulan)
    rows = tables.institutions(state.engine, session.user.region, chosen, dt.date.today())
    shown = disclosure(session.user)
    return render(
        request,
        state,
        "pages/institutions.html",
        lang,
        session,
        rows=rows[offset : offset + PAGE],
        total=len(rows),
        counts=tables.institution_counts(rows),
        capacity=sum(r.capacity for r in rows),
        residents=sum(r.residents for r in rows),
        chosen=chosen,
        query=request.url.query,
        offset=offset,
        page=PAGE,
        shown=shown,
        staff=_is_staff(session),
        **_codes(),
    )


@router.get("/lembaga/unduh.{fmt}")
def institutions_download(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    jenis: Filter = "",
    pemilik: Filter = "",
    wilayah: Filter = "",
    akreditasi: Filter = "",
    bulan: Months = tables.EXPIRING_MONTHS,
) -> Response:
    _format(fmt, lang)
    chosen = _institution_filter(jenis, pemilik, wilayah, akreditasi, bulan)
    rows = tables.institutions(state.engine, session.user.region, chosen, dt.date.today())
    frame = tables.institutions_frame(rows, lang)
    return table_download(frame, "lembaga", fmt, disclosure(session.user), "lembaga")


def _occupancy(state: StateDep, session: PageSession, tingkat: int) -> list[Any]:
    return occupancy(
        state.engine, region=session.user.region, digits=tingkat if tingkat in LEVELS else 4
    )


@router.get("/lembaga/keterisian", response_class=HTMLResponse)
def occupancy_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    tingkat: Annotated[int, Query(ge=2, le=10)] = 4,
) -> HTMLResponse:
    rows = _occupancy(state, session, tingkat)
    shown = disclosure(session.user)
    bars = [
        (shown.region(code) or "", 100 * residents / capacity if capacity else 0.0)
        for code, capacity, residents in tables.occupancy_by_region(rows)
    ]
    chart = bar_chart(
        bars, title=text("socialpages.occupancy_chart", lang), lang=lang, percent=True
    )
    return render(
        request,
        state,
        "pages/institution_occupancy.html",
        lang,
        session,
        rows=rows,
        chart=chart if bars else None,
        tingkat=tingkat if tingkat in LEVELS else 4,
        levels=LEVELS,
        shown=shown,
    )


@router.get("/lembaga/keterisian.{fmt}")
def occupancy_download(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    tingkat: Annotated[int, Query(ge=2, le=10)] = 4,
) -> Response:
    _format(fmt, lang)
    frame = tables.occupancy_frame(_occupancy(state, session, tingkat), lang)
    return table_download(frame, "keterisian-lembaga", fmt, disclosure(session.user), "keterisian")


@router.get("/lembaga/akreditasi", response_class=HTMLResponse)
def pipeline_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    bulan: Months = tables.EXPIRING_MONTHS,
) -> HTMLResponse:
    pipeline = tables.pipeline_within(state.engine, session.user.region, dt.date.today(), bulan)
    return render(
        request,
        state,
        "pages/institution_pipeline.html",
        lang,
        session,
        pipeline=pipeline,
        bulan=bulan,
        shown=disclosure(session.user),
    )


@router.get("/lembaga/akreditasi.{fmt}")
def pipeline_download(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    bulan: Months = tables.EXPIRING_MONTHS,
) -> Response:
    _format(fmt, lang)
    pipeline = tables.pipeline_within(state.engine, session.user.region, dt.date.today(), bulan)
    frame = tables.pipeline_frame(pipeline, lang)
    return table_download(frame, "akreditasi-lembaga", fmt, disclosure(session.user), "akreditasi")


def _institution_form_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    typed: dict[str, Any],
    institution_id: int | None,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        state,
        "pages/institution_form.html",
        lang,
        session,
        400 if error else 200,
        typed=typed,
        institution_id=institution_id,
        error=error,
        **_codes(),
    )


@router.get("/lembaga/baru", response_class=HTMLResponse)
def new_institution_form(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    _staff(session, lang)
    typed = {"kode_wilayah": session.user.region or "", "capacity": 0, "staff_count": 0}
    return _institution_form_page(request, state, lang, session, typed, None)


def _int(value: str, field: str, lang: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        raise TerpaduError(text("socialpages.bad_number", lang, field=field, value=value)) from None


def _save_institution(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    typed: dict[str, str],
    institution_id: int | None,
) -> Response:
    _staff(session, lang)
    try:
        form = InstitutionForm(
            registration_no=typed["registration_no"],
            name=typed["name"],
            form=typed["form"],
            kind=typed["kind"],
            owner=typed["owner"],
            kode_wilayah=typed["kode_wilayah"],
            legal_status=typed["legal_status"],
            capacity=_int(typed["capacity"], text("social.col.capacity", lang), lang),
            staff_count=_int(typed["staff_count"], text("socialpages.col.staff_count", lang), lang),
            address=typed["address"],
        )
        saved = save_institution(
            state.engine, session.user.actor, form, institution_id=institution_id
        )
    except (TerpaduError, PermissionDenied) as exc:
        return _institution_form_page(
            request, state, lang, session, typed, institution_id, error_words(exc, lang)
        )
    return RedirectResponse(f"/lembaga/{saved}", status_code=303)


@router.post("/lembaga", response_model=None)
def create_institution(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    registration_no: Short,
    name: Short,
    form: Short,
    kind: Short,
    owner: Short,
    kode_wilayah: Short,
    legal_status: Short = "",
    capacity: Short = "0",
    staff_count: Short = "0",
    address: Text = "",
) -> Response:
    typed = {
        "registration_no": registration_no, "name": name, "form": form, "kind": kind,
        "owner": owner, "kode_wilayah": kode_wilayah, "legal_status": legal_status,
        "capacity": capacity, "staff_count": staff_count, "address": address,
    }  # fmt: skip
    return _save_institution(request, state, lang, session, typed, None)


def _detail(state: StateDep, session: PageSession, institution_id: int, lang: str) -> Any:
    try:
        return institution_detail(state.engine, institution_id, region=session.user.region)
    except TerpaduError as exc:
        raise _not_found(exc, lang) from None


@router.get("/lembaga/{institution_id}", response_class=HTMLResponse)
def institution_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    institution_id: int,
    cari: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    return _institution_page(request, state, lang, session, institution_id, cari)


def _institution_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    institution_id: int,
    cari: str = "",
    error: str | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    detail = _detail(state, session, institution_id, lang)
    staff = _is_staff(session)
    hits: list[Any] = []
    refused = None
    if staff and cari.strip():
        try:
            hits = search_persons(state.engine, state.backend, session.user, cari, limit=20).items
        except NumberLookupRefused as exc:
            refused = error_words(exc, lang)
    residents = list_residents(state.engine, institution_id, current_only=False)
    return render(
        request,
        state,
        "pages/institution.html",
        lang,
        session,
        400 if error else 200,
        i=detail,
        residents=residents,
        current=sum(1 for r in residents if r.discharged_on is None),
        hits=hits,
        cari=cari,
        refused=refused,
        staff=staff,
        shown=disclosure(session.user),
        error=error,
        typed=typed or {},
        today=dt.date.today().isoformat(),
        **_codes(),
    )


@router.get("/lembaga/{institution_id}/penghuni.{fmt}")
def residents_download(
    institution_id: int, fmt: str, state: StateDep, lang: Lang, session: SessionDep
) -> Response:
    _format(fmt, lang)
    detail = _detail(state, session, institution_id, lang)
    frame = tables.residents_frame(list_residents(state.engine, detail.id, current_only=False))
    name = f"penghuni-{detail.registration_no}"
    return table_download(frame, name, fmt, disclosure(session.user), "penghuni")


@router.get("/lembaga/{institution_id}/ubah", response_class=HTMLResponse)
def edit_institution_form(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, institution_id: int
) -> HTMLResponse:
    _staff(session, lang)
    d = _detail(state, session, institution_id, lang)
    typed = {
        "registration_no": d.registration_no, "name": d.name, "form": d.form, "kind": d.kind,
        "owner": d.owner, "kode_wilayah": d.kode_wilayah, "legal_status": d.legal_status or "",
        "capacity": d.capacity, "staff_count": d.staff_count, "address": d.address or "",
    }  # fmt: skip
    return _institution_form_page(request, state, lang, session, typed, institution_id)


@router.post("/lembaga/{institution_id}/ubah", response_model=None)
def edit_institution(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    institution_id: int,
    registration_no: Short,
    name: Short,
    form: Short,
    kind: Short,
    owner: Short,
    kode_wilayah: Short,
    legal_status: Short = "",
    capacity: Short = "0",
    staff_count: Short = "0",
    address: Text = "",
) -> Response:
    _staff(session, lang)
    _detail(state, session, institution_id, lang)  # outside the region: 404, as a read
    typed = {
        "registration_no": registration_no, "name": name, "form": form, "kind": kind,
        "owner": owner, "kode_wilayah": kode_wilayah, "legal_status": legal_status,
        "capacity": capacity, "staff_count": staff_count, "address": address,
    }  # fmt: skip
    return _save_institution(request, state, lang, session, typed, institution_id)


@router.post("/lembaga/{institution_id}/aksi", response_model=None)
def institution_step(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    institution_id: int,
    action: Short,
    grade: Short = "",
    accredited_on: Short = "",
    expires: Short = "",
    person: Short = "",
    admitted_on: Short = "",
    reason: Text = "",
    stay: Short = "",
    discharged_on: Short = "",
) -> Response:
    """One form per step on the institution's page: accredit, admit, discharge."""
    _staff(session, lang)
    _detail(state, session, institution_id, lang)
    typed = {
        "action": action, "grade": grade, "accredited_on": accredited_on, "expires": expires,
        "person": person, "admitted_on": admitted_on, "reason": reason, "stay": stay,
        "discharged_on": discharged_on,
    }  # fmt: skip
    actor = session.user.actor
    try:
        if action == "accredit":
            record_accreditation(
                state.engine,
                actor,
                institution_id,
                grade=grade,
                accredited_on=_date(
                    accredited_on, text("socialpages.col.accredited_on", lang), lang
                ),
                expires=_date(expires, text("social.col.expires", lang), lang),
            )
        elif action == "admit":
            parsed = parse_code(person.strip())
            if parsed is None or parsed[0] != "person":
                raise TerpaduError(text("socialpages.choose_person", lang))
            admit_in_region(
                state.engine,
                actor,
                institution_id,
                person_id=parsed[1],
                admitted_on=_date(admitted_on, text("social.col.admitted", lang), lang),
                reason=reason,
            )
        elif action == "discharge":
            stays = {r.id for r in list_residents(state.engine, institution_id)}
            stay_id = int(stay) if stay.isdigit() else 0
            if stay_id not in stays:
                raise TerpaduError(text("socialpages.no_such_stay", lang))
            discharge(
                state.engine,
                actor,
                stay_id,
                discharged_on=_date(discharged_on, text("social.col.discharged", lang), lang),
                reason=reason,
            )
        else:
            raise TerpaduError(text("socialpages.unknown_step", lang, step=action))
    except (TerpaduError, PermissionDenied) as exc:
        return _institution_page(
            request, state, lang, session, institution_id, error=error_words(exc, lang), typed=typed
        )
    return RedirectResponse(f"/lembaga/{institution_id}", status_code=303)


# -- workforce ------------------------------------------------------------------------------
def _worker_filter(
    peran: str, wilayah: str, sertifikasi: str, nonaktif: bool
) -> tables.WorkerFilter:
    return tables.WorkerFilter(
        role=_code(peran, ROLES),
        region=_region_filter(wilayah),
        certified=_code(sertifikasi, ("ya", "tidak")),
        inactive=nonaktif,
    )


@router.get("/sdm", response_class=HTMLResponse)
def workers_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    peran: Filter = "",
    wilayah: Filter = "",
    sertifikasi: Filter = "",
    nonaktif: bool = False,
    offset: Offset = 0,
) -> HTMLResponse:
    chosen = _worker_filter(peran, wilayah, sertifikasi, nonaktif)
    rows = tables.workers(state.engine, session.user.region, chosen)
    shown = disclosure(session.user)
    return render(
        request,
        state,
        "pages/workers.html",
        lang,
        session,
        rows=[(r, tables.shown_regions(r, shown)) for r in rows[offset : offset + PAGE]],
        total=len(rows),
        counts=tables.worker_counts(rows),
        certified=sum(1 for r in rows if r.certified),
        chosen=chosen,
        query=request.url.query,
        offset=offset,
        page=PAGE,
        shown=shown,
        staff=_is_staff(session),
        **_codes(),
    )


@router.get("/sdm/unduh.{fmt}")
def workers_download(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    peran: Filter = "",
    wilayah: Filter = "",
    sertifikasi: Filter = "",
    nonaktif: bool = False,
) -> Response:
    _format(fmt, lang)
    chosen = _worker_filter(peran, wilayah, sertifikasi, nonaktif)
    shown = disclosure(session.user)
    frame = tables.workers_frame(
        tables.workers(state.engine, session.user.region, chosen), lang, shown
    )
    return table_download(frame, "sdm", fmt, shown, "sdm")


def _caseloads(
    state: StateDep, session: PageSession, peran: str, tingkat: int, norma: str
) -> tuple[str, int, list[Any]]:
    """The caseloads of ``peran`` (PKH facilitators by default) at level ``tingkat``, against
    the office's own norm ``norma`` when given (the default norms are planning figures)."""
    role = peran if peran in CASELOAD_NORMS else next(iter(CASELOAD_NORMS))
    level = tingkat if tingkat in LEVELS else 6
    own = int(norma) if norma.strip().isdigit() else 0
    norms = {role: own} if own else None
    rows = caseloads(state.engine, role, region=session.user.region, norms=norms, digits=level)
    return role, level, rows


@router.get("/sdm/beban", response_class=HTMLResponse)
def caseload_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    peran: Filter = "",
    tingkat: Annotated[int, Query(ge=2, le=10)] = 6,
    norma: Norm = "",
) -> HTMLResponse:
    role, level, rows = _caseloads(state, session, peran, tingkat, norma)
    short = short_of_staff(rows)
    shown = disclosure(session.user)
    bars = [(shown.region(r.kode_wilayah) or "", float(r.shortfall)) for r in short[:20]]
    title = text("socialpages.short_chart", lang, role=text(f"social.role.{role}", lang))
    return render(
        request,
        state,
        "pages/worker_caseload.html",
        lang,
        session,
        rows=rows,
        short=short,
        role=role,
        norm=rows[0].norm if rows else CASELOAD_NORMS[role],
        norma=norma if norma.strip().isdigit() and int(norma) else "",
        tingkat=level,
        levels=LEVELS,
        chart=bar_chart(bars, title=title, lang=lang, color="#a33b2b") if bars else None,
        shown=shown,
        **_codes(),
    )


@router.get("/sdm/beban.{fmt}")
def caseload_download(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    peran: Filter = "",
    tingkat: Annotated[int, Query(ge=2, le=10)] = 6,
    norma: Norm = "",
) -> Response:
    _format(fmt, lang)
    role, _, rows = _caseloads(state, session, peran, tingkat, norma)
    frame = tables.caseload_frame(rows, lang)
    return table_download(frame, f"beban-{role}", fmt, disclosure(session.user), "beban")


def _worker_form_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    typed: dict[str, Any],
    worker_id: int | None,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        state,
        "pages/worker_form.html",
        lang,
        session,
        400 if error else 200,
        typed=typed,
        worker_id=worker_id,
        error=error,
        **_codes(),
    )


@router.get("/sdm/baru", response_class=HTMLResponse)
def new_worker_form(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    _staff(session, lang)
    typed = {"regions": session.user.region or "", "active": True}
    return _worker_form_page(request, state, lang, session, typed, None)


def _save_worker(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    typed: dict[str, Any],
    worker_id: int | None,
) -> Response:
    _staff(session, lang)
    form = WorkerForm(
        nik=typed["nik"],
        name=typed["name"],
        role=typed["role"],
        regions=typed["regions"],
        username=typed["username"],
        position=typed["position"],
        phone=typed["phone"],
        active=bool(typed["active"]),
    )
    try:
        saved = save_worker(state.engine, session.user.actor, form, worker_id=worker_id)
    except (TerpaduError, PermissionDenied) as exc:
        return _worker_form_page(
            request, state, lang, session, typed, worker_id, error_words(exc, lang)
        )
    return RedirectResponse(f"/sdm/{saved}", status_code=303)


@router.post("/sdm", response_model=None)
def create_worker(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    nik: Short,
    name: Short,
    role: Short,
    regions: Short,
    username: Short = "",
    position: Short = "",
    phone: Short = "",
    active: bool = Form(False),
) -> Response:
    typed = {
        "nik": nik, "name": name, "role": role, "regions": regions, "username": username,
        "position": position, "phone": phone, "active": active,
    }  # fmt: skip
    return _save_worker(request, state, lang, session, typed, None)


def _worker(state: StateDep, session: PageSession, worker_id: int, lang: str) -> Any:
    try:
        return worker_detail(state.engine, worker_id, region=session.user.region)
    except TerpaduError as exc:
        raise _not_found(exc, lang) from None


def _worker_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    worker_id: int,
    error: str | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    w = _worker(state, session, worker_id, lang)
    shown = disclosure(session.user)
    return render(
        request,
        state,
        "pages/worker.html",
        lang,
        session,
        400 if error else 200,
        w=w,
        regions=tables.shown_regions(w, shown),
        shown=shown,
        staff=_is_staff(session),
        error=error,
        typed=typed or {},
        today=dt.date.today().isoformat(),
    )


@router.get("/sdm/{worker_id}", response_class=HTMLResponse)
def worker_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, worker_id: int
) -> HTMLResponse:
    return _worker_page(request, state, lang, session, worker_id)


@router.get("/sdm/{worker_id}/ubah", response_class=HTMLResponse)
def edit_worker_form(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, worker_id: int
) -> HTMLResponse:
    _staff(session, lang)
    w = _worker(state, session, worker_id, lang)
    typed = {
        "nik": w.nik, "name": w.name, "role": w.role, "regions": "; ".join(w.regions),
        "username": w.username or "", "position": w.position or "",
        "phone": worker_phone(state.engine, w.id) or "",
        "active": w.active,
    }  # fmt: skip
    return _worker_form_page(request, state, lang, session, typed, worker_id)


@router.post("/sdm/{worker_id}/ubah", response_model=None)
def edit_worker(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    worker_id: int,
    nik: Short,
    name: Short,
    role: Short,
    regions: Short,
    username: Short = "",
    position: Short = "",
    phone: Short = "",
    active: bool = Form(False),
) -> Response:
    _staff(session, lang)
    _worker(state, session, worker_id, lang)
    typed = {
        "nik": nik, "name": name, "role": role, "regions": regions, "username": username,
        "position": position, "phone": phone, "active": active,
    }  # fmt: skip
    return _save_worker(request, state, lang, session, typed, worker_id)


@router.post("/sdm/{worker_id}/aksi", response_model=None)
def worker_step(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    worker_id: int,
    action: Short,
    certified_on: Short = "",
    regions: Short = "",
) -> Response:
    """The worker page's forms: certify, assign regions."""
    _staff(session, lang)
    _worker(state, session, worker_id, lang)
    typed = {"action": action, "certified_on": certified_on, "regions": regions}
    actor = session.user.actor
    try:
        if action == "certify":
            when = _date(certified_on, text("socialpages.col.certified_on", lang), lang)
            certify_worker(state.engine, actor, worker_id, certified_on=when)
        elif action == "assign":
            assign_regions(state.engine, actor, worker_id, regions)
        else:
            raise TerpaduError(text("socialpages.unknown_step", lang, step=action))
    except (TerpaduError, PermissionDenied) as exc:
        return _worker_page(request, state, lang, session, worker_id, error_words(exc, lang), typed)
    return RedirectResponse(f"/sdm/{worker_id}", status_code=303)


__all__ = ["router"]
