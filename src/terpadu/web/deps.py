"""Dependencies declared once (full-stack-fastapi-template style): the engine, the user.

``CurrentUser`` is the API's user, from a bearer token; ``PageUser`` is the
pages' user, from the signed session cookie. Both name a server-side session
(:mod:`terpadu.web.auth.sessions`): a missing, ended or expired one answers 401
to the API and sends the browser to the login page. The dependencies are
``async``: they read the request and in-process caches (the database only when a
cache entry is stale), and FastAPI would otherwise run each in the thread pool
(a thread hop per dependency per request). ``CsrfChecked`` guards every state-changing
form: the form field ``csrf_token`` (or the ``X-CSRF-Token`` header that htmx
sends) must equal the token bound to the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from terpadu.accounts.users import UserCache
from terpadu.registry import SearchBackend
from terpadu.settings import Settings
from terpadu.verval.config import WorkflowConfig
from terpadu.web.auth import WebUser
from terpadu.web.auth.sessions import SessionCache
from terpadu.web.auth.tokens import LANG_COOKIE, SESSION_COOKIE, TokenSigner
from terpadu.web.config import WebConfig
from terpadu.web.errors import WebError


@dataclass
class AppState:
    """What every request needs: the database, configuration, signer, caches, templates."""

    engine: Engine
    config: WebConfig
    signer: TokenSigner
    users: UserCache
    sessions: SessionCache
    backend: SearchBackend
    templates: Jinja2Templates
    # Runs an import job or a page's background work (terpadu.web.jobs); None: a background
    # thread (tests pass a synchronous runner).
    import_runner: Callable[[Callable[[], None]], None] | None = None

    @property
    def settings(self) -> Settings:
        return self.config.settings

    def workflow(self) -> WorkflowConfig:
        """The verval workflow configuration of this app's data folder (read per request:
        an edited file applies without a restart)."""
        return WorkflowConfig.load(self.settings.workflow_config_path)


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.terpadu
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_engine(state: StateDep) -> Engine:
    return state.engine


def get_workflow(state: StateDep) -> WorkflowConfig:
    # Sync: reading the YAML file runs in the thread pool, not on the event loop.
    return state.workflow()


WorkflowDep = Annotated[WorkflowConfig, Depends(get_workflow)]


EngineDep = Annotated[Engine, Depends(get_engine)]

_bearer = HTTPBearer(auto_error=False, description="POST /api/v1/auth/login gives the token.")


@dataclass(frozen=True)
class ApiSession:
    user: WebUser
    session_id: str


async def api_session(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiSession:
    """The API caller from ``Authorization: Bearer <token>``; 401 otherwise."""
    if credentials is None:
        raise WebError(
            401,
            "not_authenticated",
            "Perlu masuk: kirim header Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    session_id = state.signer.read_bearer(credentials.credentials)
    live = state.sessions.get(session_id, idle_s=None) if session_id else None
    user = state.users.get(live.user_id) if live else None
    if (
        session_id is None
        or live is None
        or user is None
        or user.token_version != live.token_version
    ):
        raise WebError(
            401,
            "invalid_token",
            "Token tidak sah atau kedaluwarsa; masuk lagi.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return ApiSession(user, session_id)


ApiSessionDep = Annotated[ApiSession, Depends(api_session)]


async def current_user(session: ApiSessionDep) -> WebUser:
    return session.user


CurrentUser = Annotated[WebUser, Depends(current_user)]


@dataclass(frozen=True)
class PageSession:
    user: WebUser
    csrf: str
    session_id: str = ""


def find_page_session(request: Request, state: AppState) -> PageSession | None:
    """The live page session the request's cookie names, if any (None: not logged in)."""
    value = request.cookies.get(SESSION_COOKIE)
    claims = state.signer.read_session(value) if value else None
    idle_s = state.config.session_idle_s
    live = state.sessions.get(claims.session_id, idle_s=idle_s) if claims else None
    user = state.users.get(live.user_id) if live else None
    if claims is None or live is None or user is None or user.token_version != live.token_version:
        return None
    return PageSession(user, claims.csrf, claims.session_id)


async def page_session(request: Request, state: StateDep) -> PageSession:
    """The logged-in page user: a signed cookie naming a live server-side session."""
    session = find_page_session(request, state)
    if session is None:
        raise LoginRequired()
    return session


SessionDep = Annotated[PageSession, Depends(page_session)]


async def page_user(session: SessionDep) -> WebUser:
    return session.user


PageUser = Annotated[WebUser, Depends(page_user)]


async def csrf_checked(request: Request, session: SessionDep) -> PageSession:
    """The session, after checking the CSRF token of a state-changing request."""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        field = form.get("csrf_token")
        sent = field if isinstance(field, str) else None
    if not sent or not session.csrf or sent != session.csrf:
        raise WebError(403, "csrf_failed", "Formulir kedaluwarsa; muat ulang halaman lalu ulangi.")
    return session


CsrfChecked = Annotated[PageSession, Depends(csrf_checked)]


async def language(request: Request, state: StateDep) -> str:
    """``?lang=`` first, then the language cookie, then the configured default."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in ("id", "en") else state.config.language


Lang = Annotated[str, Depends(language)]
