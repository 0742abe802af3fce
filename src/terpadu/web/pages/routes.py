"""Pages: login and search.

The family and person pages and their proposal forms are in :mod:`terpadu.web.pages.family`;
the dashboard, imports, reports and programmes in :mod:`terpadu.web.pages.reports`; the verval
inbox, proposals and the linkage review queue in :mod:`terpadu.web.pages.verval`.

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
from terpadu.web.api.routes import client_ip
from terpadu.web.auth.cookies import set_private_cookie
from terpadu.web.auth.tokens import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    LOGIN_FORM_MAX_AGE_S,
    SESSION_COOKIE,
)
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.i18n import translate

router = APIRouter(include_in_schema=False)


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
