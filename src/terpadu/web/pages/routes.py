"""Pages: login, search, verval inbox, linkage review.

The family and person pages and their proposal forms are in :mod:`terpadu.web.pages.family`;
the dashboard, imports, reports and programmes in :mod:`terpadu.web.pages.reports`.

Every page needs the session cookie; every form that changes something carries
the session's CSRF token. Pages call the same region-scoped functions as the
API (the read modules of :mod:`terpadu.registry`, welfare and targeting, and
``terpadu.web.services``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import NumberLookupRefused
from terpadu.accounts.sessions import PAGE, open_session
from terpadu.accounts.users import LoginFailed, LoginThrottled, authenticate
from terpadu.i18n import error_words
from terpadu.registry import SearchPage, search_persons
from terpadu.verval.kinds import KIND_LABELS
from terpadu.web import services
from terpadu.web.api.routes import client_ip
from terpadu.web.auth.cookies import set_private_cookie
from terpadu.web.auth.tokens import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    LOGIN_FORM_MAX_AGE_S,
    SESSION_COOKIE,
)
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate

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


# -- verval ---------------------------------------------------------------------------------
@router.get("/usulan", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    tahap: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    chosen = (
        tahap
        if tahap in ("draft", "submitted", "verified", "approved", "rejected", "returned")
        else None
    )
    rows, total = services.proposals_page(
        state.engine, session.user, state=chosen, limit=50, offset=offset, workflow=state.workflow()
    )
    return render(
        request,
        state,
        "proposals.html",
        lang,
        session,
        rows=rows,
        total=total,
        tahap=chosen or "",
        offset=offset,
        kinds=KIND_LABELS,
        outcomes=None,
    )


@router.post("/usulan/massal", response_class=HTMLResponse)
async def inbox_bulk(
    request: Request, state: StateDep, lang: Lang, session: CsrfChecked
) -> HTMLResponse:
    form = await request.form()
    action = str(form.get("action") or "")
    if action not in ("submit", "verify", "approve", "reject", "return"):
        raise WebError(422, "invalid_action", "Pilih tindakan.")
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    note = str(form.get("note") or "") or None
    workflow = state.workflow()
    outcomes = services.decide_many(
        state.engine, session.user, ids, action, note, workflow=workflow
    )
    rows, total = services.proposals_page(
        state.engine, session.user, state=None, limit=50, workflow=workflow
    )
    return render(
        request,
        state,
        "proposals.html",
        lang,
        session,
        rows=rows,
        total=total,
        tahap="",
        offset=0,
        kinds=KIND_LABELS,
        outcomes=outcomes,
    )


@router.get("/usulan/{proposal_id}", response_class=HTMLResponse)
def proposal_page(
    request: Request,
    proposal_id: int,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
) -> HTMLResponse:
    detail = services.proposal_detail(
        state.engine, session.user, proposal_id, workflow=state.workflow()
    )
    return render(
        request,
        state,
        "proposal.html",
        lang,
        session,
        p=detail,
        kinds=KIND_LABELS,
        message=request.query_params.get("pesan"),
    )


@router.post("/usulan/{proposal_id}/aksi")
def proposal_action(
    proposal_id: int,
    state: StateDep,
    session: CsrfChecked,
    action: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int | None, Form()] = None,
) -> RedirectResponse:
    if action == "comment":
        services.comment(state.engine, session.user, proposal_id, note)
    else:
        if action not in ("submit", "verify", "approve", "reject", "return"):
            raise WebError(422, "invalid_action", "Tindakan tidak dikenal.")
        services.decide_one(
            state.engine,
            session.user,
            proposal_id,
            action,
            note=note or None,
            expected_version=version,
            workflow=state.workflow(),
        )
    return RedirectResponse(f"/usulan/{proposal_id}?pesan={action}", status_code=303)


# -- linkage -----------------------------------------------------------
@router.get("/tautan", response_class=HTMLResponse)
def linkage_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    pairs, total = services.review_pairs(state.engine, session.user, limit=10, offset=offset)
    can_decide = not session.user.read_only
    return render(
        request,
        state,
        "linkage.html",
        lang,
        session,
        pairs=pairs,
        total=total,
        can_decide=can_decide,
        offset=offset,
    )


@router.post("/tautan/{pair_id}")
def linkage_decide(
    pair_id: int,
    state: StateDep,
    session: CsrfChecked,
    decision: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    # imported here: linkage loads Splink and DuckDB, which other pages skip
    from terpadu.linkage import LinkageError
    from terpadu.linkage.review import decide_review

    if session.user.read_only:
        raise WebError(403, "forbidden", "Peran Anda hanya dapat membaca.")
    pairs, _ = services.review_pairs(state.engine, session.user, limit=100_000)
    if not any(p["id"] == pair_id for p in pairs):
        raise services.not_found()
    try:
        decide_review(
            state.engine, pair_id, decision, actor=session.user.username, note=note or None
        )
    except LinkageError as exc:
        raise WebError(422, "invalid_decision", str(exc)) from exc
    return RedirectResponse("/tautan", status_code=303)
