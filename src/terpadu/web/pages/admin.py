"""User administration pages: list, create, disable/enable, unlock, reset password, role/region.

Only roles holding ``manage_users`` see them (an ``admin_provinsi`` within its province,
``admin_sistem`` everywhere); the rules and the audit events are
:mod:`terpadu.accounts.admin`'s, the same functions ``terpadu users`` calls. A change
that ends an account's sessions (disable, reset, role) is heard by this worker at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import ROLE_LABELS, ROLES, PermissionDenied
from terpadu.accounts import admin
from terpadu.accounts.users import AccountError
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)

Action = Literal["disable", "enable", "unlock", "reset", "role"]
DONE = ("create", "disable", "enable", "unlock", "reset", "role", "unlock_address")
Username = Annotated[str, Form(min_length=1, max_length=100)]


def _manager(session: PageSession, lang: str) -> None:
    if not session.user.can_manage_users:
        raise WebError(403, "forbidden", translate(lang, "admin_forbidden"))


def _page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    *,
    error: str | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    accounts = admin.list_accounts(state.engine, session.user.actor)
    return render(
        request,
        state,
        "admin_users.html",
        lang,
        session,
        status_code,
        accounts=accounts,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES],
        error=error,
        done=done,
        national=session.user.region is None,
    )


def _after_change(state: StateDep, account_id: int | None) -> None:
    """Forget cached sessions and the user here, so an ended session ends in this worker now."""
    state.sessions.clear()
    if account_id is not None:
        state.users.forget(account_id)


def _refused(
    request: Request, state: StateDep, lang: str, session: PageSession, exc: Exception
) -> HTMLResponse:
    status = 403 if isinstance(exc, PermissionDenied) else 400
    return _page(request, state, lang, session, error=str(exc), status_code=status)


def _done(action: str) -> RedirectResponse:
    return RedirectResponse(f"/pengguna?selesai={action}", status_code=303)


@router.get("/pengguna", response_class=HTMLResponse)
def users_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep, selesai: str = ""
) -> HTMLResponse:
    _manager(session, lang)
    return _page(request, state, lang, session, done=selesai if selesai in DONE else None)


@router.post("/pengguna", response_model=None)
def create_user_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    username: Username,
    role: Annotated[str, Form(max_length=30)],
    password: Annotated[str, Form(max_length=1000)],
    region: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    _manager(session, lang)
    try:
        admin.create_account(
            state.engine,
            session.user.actor,
            username,
            role=role,
            region=region.strip() or None,
            password=password,
        )
    except (AccountError, PermissionDenied) as exc:
        return _refused(request, state, lang, session, exc)
    return _done("create")


@router.post("/pengguna/{username}/aksi", response_model=None)
def user_action(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    username: str,
    action: Annotated[Action, Form()],
    password: Annotated[str, Form(max_length=1000)] = "",
    role: Annotated[str, Form(max_length=30)] = "",
    region: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    _manager(session, lang)
    actor = session.user.actor
    try:
        # An account outside this admin's scope is "not found", like one that does not exist.
        account = admin.get_account(state.engine, actor, username)
    except (PermissionDenied, AccountError) as exc:
        raise WebError(404, "not_found", translate(lang, "admin_no_user")) from exc
    try:
        if action == "disable":
            admin.disable_account(state.engine, actor, username)
        elif action == "enable":
            admin.enable_account(state.engine, actor, username)
        elif action == "unlock":
            admin.unlock_account(state.engine, actor, username)
        elif action == "reset":
            admin.reset_password(state.engine, actor, username, password)
        else:
            admin.set_role(
                state.engine,
                actor,
                username,
                role=role or None,
                region=region.strip() or None,
            )
    except (AccountError, PermissionDenied) as exc:
        return _refused(request, state, lang, session, exc)
    _after_change(state, account.id)
    return _done(action)


@router.post("/pengguna/buka-alamat", response_model=None)
def unlock_address_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    address: Annotated[str, Form(min_length=1, max_length=45)],
) -> Response:
    _manager(session, lang)
    try:
        admin.unlock_address(state.engine, session.user.actor, address.strip())
    except PermissionDenied as exc:
        return _refused(request, state, lang, session, exc)
    return _done("unlock_address")
