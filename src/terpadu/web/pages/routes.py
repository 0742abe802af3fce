"""Pages: login, dashboard, search, family, import, reports, programmes (verval and linkage
review: :mod:`terpadu.web.pages.verval`).

Every page needs the session cookie; every form that changes something carries
the session's CSRF token. Pages call the same region-scoped functions as the
API (the read modules of :mod:`terpadu.registry`, welfare and targeting, and
``terpadu.web.services``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from terpadu.access import NumberLookupRefused, disclosure
from terpadu.accounts.sessions import PAGE, open_session
from terpadu.accounts.users import LoginFailed, LoginThrottled, authenticate
from terpadu.files.tables import csv_text
from terpadu.i18n import error_words
from terpadu.registry import SearchPage, search_persons
from terpadu.reports.personal import record_personal_export
from terpadu.targeting.reads import bnba_frame
from terpadu.verval.kinds import DEACTIVATION_REASONS, FAMILY_EDITABLE, KIND_LABELS
from terpadu.web import disclosed, services
from terpadu.web import imports as web_imports
from terpadu.web.api.routes import client_ip, start_import
from terpadu.web.auth.cookies import set_private_cookie
from terpadu.web.auth.tokens import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    LOGIN_FORM_MAX_AGE_S,
    SESSION_COOKIE,
)
from terpadu.web.charts import bar_chart
from terpadu.web.dashboard import dashboard
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.family import family_detail
from terpadu.web.i18n import translate
from terpadu.welfare.scope import desil_scope

router = APIRouter(include_in_schema=False)

ACTIONS_BY_ROLE = {
    "operator_desa": ("submit",),
    "verifikator_kab": ("verify", "approve", "reject", "return"),
    "admin_provinsi": ("approve", "reject", "return"),
    "analis_pusat": (),
    "auditor": (),
}


def render(
    request: Request,
    state: StateDep,
    template: str,
    lang: str,
    session: PageSession | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    context.update(
        lang=lang,
        user=session.user if session else None,
        csrf=session.csrf if session else "",
        actions=ACTIONS_BY_ROLE.get(session.user.role, ()) if session else (),
        path=request.url.path,
    )
    response = state.templates.TemplateResponse(request, template, context, status_code=status_code)
    if request.query_params.get("lang") in ("id", "en"):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


# -- login ----------------------------------------------------------------------------------
def _login_page(
    request: Request,
    state: StateDep,
    lang: str,
    next: str,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The login form with its CSRF token (the nonce cookie is kept while it is sane)."""
    kept = request.cookies.get(LOGIN_CSRF_COOKIE)
    nonce, token = state.signer.login_form(kept if kept and _NONCE.fullmatch(kept) else None)
    response = render(
        request,
        state,
        "login.html",
        lang,
        None,
        status_code,
        next=_safe_next(next),
        error=error,
        login_csrf=token,
    )
    set_private_cookie(
        response,
        request,
        LOGIN_CSRF_COOKIE,
        nonce,
        max_age=LOGIN_FORM_MAX_AGE_S,
        secure_cookies=state.config.secure_cookies,
        samesite="strict",
        path="/masuk",
    )
    return response


_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@router.get("/masuk", response_class=HTMLResponse)
def login_page(request: Request, state: StateDep, lang: Lang, next: str = "/") -> HTMLResponse:
    return _login_page(request, state, lang, next)


def _safe_next(target: str) -> str:
    """A path on this site; anything a browser could read as another host becomes "/"
    (``//host``, and ``/\\host``, which browsers treat as ``//host``)."""
    local = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if local else "/"


@router.post("/masuk", response_model=None)
def login_submit(
    request: Request,
    state: StateDep,
    lang: Lang,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=500)] = "/",
    csrf_token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    # A login form not served to this browser (login CSRF) is refused before the password.
    if not state.signer.login_form_ok(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        error = translate(lang, "login_form_expired")
        return _login_page(request, state, lang, next, error, 403)
    ip = client_ip(request)
    try:
        user = authenticate(state.engine, username, password, ip=ip, policy=state.config.lockout)
    except LoginThrottled as exc:
        error = translate(lang, "throttled", minutes=exc.minutes)
        return _login_page(request, state, lang, next, error, 429)
    except LoginFailed:
        return _login_page(request, state, lang, next, translate(lang, "bad_login"), 401)
    # A new session id at every login (no fixation); the old one, if any, ends.
    if (old := request.cookies.get(SESSION_COOKIE)) and (claims := state.signer.read_session(old)):
        state.sessions.end(claims.session_id)
    session_id = open_session(
        state.engine,
        user_id=user.id,
        token_version=user.token_version,
        kind=PAGE,
        lifetime_s=state.config.session_max_age_s,
        ip=ip,
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_private_cookie(
        response,
        request,
        SESSION_COOKIE,
        state.signer.session_cookie(session_id),
        max_age=state.config.session_max_age_s,
        secure_cookies=state.config.secure_cookies,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/masuk")
    return response


@router.post("/keluar")
def logout(state: StateDep, session: CsrfChecked) -> RedirectResponse:
    """End the session on the server (the cookie alone no longer opens anything)."""
    state.sessions.end(session.session_id, session.user.actor)
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- dashboard ------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    data = dashboard(state.engine, session.user)
    desil_chart = bar_chart(
        [(str(d.desil), float(d.keluarga)) for d in data.desil],
        title=translate(lang, "desil_relative", region=desil_scope(state.engine).region_name),
    )
    quality_chart = bar_chart(
        [(q.kode[-4:], float(q.error + q.warning)) for q in data.quality[:20]],
        title=translate(lang, "quality"),
        color="#a33b2b",
    )
    return render(
        request,
        state,
        "dashboard.html",
        lang,
        session,
        data=data,
        desil_chart=desil_chart,
        quality_chart=quality_chart,
    )


# -- search ---------------------------------------------------------------------------------
@router.get("/cari", response_class=HTMLResponse)
def search_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    refused = None
    try:
        page = search_persons(state.engine, state.backend, session.user, q, limit=20, offset=offset)
    except NumberLookupRefused as exc:
        # Said on the page, where the operator typed it, rather than on an error page.
        page, refused = SearchPage(q, "nik_kk", [], 0, True, 20, 0), error_words(exc, lang)
    template = "_results.html" if request.headers.get("hx-request") else "search.html"
    return render(request, state, template, lang, session, page=page, q=q, refused=refused)


# -- family ---------------------------------------------------------------------------------
@router.get("/keluarga/{family_ref}", response_class=HTMLResponse)
def family_page(
    request: Request, family_ref: str, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    family_id = services.family_id_or_404(state.engine, session.user, family_ref)
    detail = family_detail(state.engine, session.user, family_id)
    if detail is None:
        raise services.not_found()
    dims = detail.welfare.skor_dimensi if detail.welfare else {}
    dim_chart = (
        bar_chart(
            [(str(k)[:10], 100 * float(v)) for k, v in dims.items()],
            title=translate(lang, "deprivation"),
            color="#8a5a00",
        )
        if dims
        else None
    )
    return render(
        request,
        state,
        "family.html",
        lang,
        session,
        f=detail,
        dim_chart=dim_chart,
        kinds=KIND_LABELS,
        editable=FAMILY_EDITABLE,
        reasons=DEACTIVATION_REASONS,
        message=request.query_params.get("pesan"),
    )


@router.post("/keluarga/{family_ref}/usulan")
def family_proposal(
    family_ref: str,
    state: StateDep,
    session: CsrfChecked,
    kind: Annotated[str, Form(max_length=30)],
    field: Annotated[str, Form(max_length=50)] = "",
    value: Annotated[str, Form(max_length=500)] = "",
    reason: Annotated[str, Form(max_length=50)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    submit_now: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    """Create a proposal for this family from its page (and submit it at once if asked)."""
    user = session.user
    family_id = services.family_id_or_404(state.engine, user, family_ref)
    values = {field: value} if kind == "correct" and field else None
    created = services.new_proposal(
        state.engine,
        user,
        kind=kind,
        family_ref=f"KLG{family_id:010d}",
        person_ref=None,
        values=values,
        members=None,
        reason=reason or None,
        note=note or None,
        workflow=state.workflow(),
    )
    if submit_now:
        services.decide_one(state.engine, user, created["id"], "submit", workflow=state.workflow())
    return RedirectResponse(f"/usulan/{created['id']}", status_code=303)


# -- import ---------------------------------------------------------------------------------
@router.get("/impor", response_class=HTMLResponse)
def import_page(request: Request, state: StateDep, lang: Lang, session: SessionDep) -> HTMLResponse:
    return render(request, state, "import.html", lang, session)


@router.post("/impor")
def import_submit(
    state: StateDep,
    session: CsrfChecked,
    keluarga: Annotated[UploadFile, File()],
    anggota: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=100)] = "",
    sheet_keluarga: Annotated[str, Form(max_length=100)] = "",
    sheet_anggota: Annotated[str, Form(max_length=100)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    job_id = start_import(
        state, session.user, keluarga, anggota, source, (sheet_keluarga, sheet_anggota), as_of
    )
    return RedirectResponse(f"/impor/{job_id}", status_code=303)


@router.get("/impor/{job_id}", response_class=HTMLResponse)
def import_job_page(
    request: Request, job_id: int, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    job = web_imports.get_job(state.engine, session.user, job_id)
    if job is None:
        raise services.not_found()
    job = disclosed.import_job(job, disclosure(session.user))
    template = "_job.html" if request.headers.get("hx-request") else "import_job.html"
    return render(request, state, template, lang, session, job=job)


@router.get("/impor/{job_id}/masalah.{fmt}")
def import_errors_download(
    job_id: int, fmt: str, state: StateDep, session: SessionDep
) -> FileResponse:
    if fmt not in ("csv", "xlsx"):
        raise services.not_found()
    job = web_imports.get_job(state.engine, session.user, job_id)
    if job is None:
        raise services.not_found()
    path = disclosed.problem_list(job, fmt, disclosure(session.user))
    if path is None:
        raise WebError(409, "not_ready", "Impor belum selesai.")
    return FileResponse(path, filename=path.name)


# -- reports, programmes -----------------------------------------------------------------
@router.get("/laporan", response_class=HTMLResponse)
def report_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    try:
        profile = services.poverty(state.engine, session.user, wilayah or None)
        problem = None
    except WebError as exc:
        if exc.status != 404 or exc.code != "no_ranking":
            raise
        profile, problem = None, exc.words(lang)
    chart = (
        bar_chart(
            [(str(d["desil"]), float(d["keluarga"])) for d in profile["desil"]],
            title=translate(lang, "desil_distribution"),
        )
        if profile
        else None
    )
    return render(
        request, state, "report.html", lang, session, profile=profile, problem=problem, chart=chart
    )


@router.get("/program", response_class=HTMLResponse)
def programs_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    rows = services.program_results(state.engine, session.user)
    return render(request, state, "programs.html", lang, session, rows=rows)


@router.get("/program/bnba.csv")
def bnba_download(
    state: StateDep,
    session: SessionDep,
    program: Annotated[str, Query(max_length=50)],
    periode: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    frame = bnba_frame(state.engine, program, periode or None, session.user.region)
    if "KODE_WILAYAH" in frame.columns and session.user.region:
        import polars as pl

        frame = frame.filter(pl.col("KODE_WILAYAH").str.starts_with(session.user.region))
    # The BNBA names beneficiaries with their NIK: a download is an audited export, as
    # the CLI's `target --out` is.
    record_personal_export(
        state.engine,
        session.user.actor,
        what="bnba",
        rows=frame.height,
        purpose=f"BNBA {program} {periode or 'terakhir'} (unduhan web)",
        destination=f"web:bnba-{program}.csv",
    )
    return Response(
        csv_text(frame, shown=disclosure(session.user)),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="bnba-{program}.csv"'},
    )
