"""Who runs a command: ``terpadu login``, ``logout``, ``whoami`` and the acting account.

Commands that change the registry or write personal data run as an account,
never as a name typed on the command line. The account comes from
``TERPADU_TOKEN`` (a service account's API key, or a login token) or else from
the token file ``terpadu login`` wrote: one 0600 file per database in a 0700
folder (``TERPADU_LOGIN_DIR``), holding a short-lived token whose hash the
database keeps, so ``logout`` (or an admin disabling the account) revokes it.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from terpadu.access import Actor, PermissionDenied
from terpadu.accounts import LoginFailed, LoginThrottled, WebUser, authenticate
from terpadu.accounts.admin import bootstrap_open
from terpadu.accounts.cli_tokens import (
    FirstAdminMissing,
    LoginRequired,
    TokenInvalid,
    issue_login_token,
    resolve_token,
    revoke_token,
)
from terpadu.accounts.lockout import LockoutPolicy
from terpadu.audit import record_event
from terpadu.cli.common import console, fail, open_engine, region_words, role_words, tell
from terpadu.cli.errors import fail_with
from terpadu.settings import Settings, get_settings

TOKEN_ENV = "TERPADU_TOKEN"


def login_dir(settings: Settings) -> Path:
    """The folder of the login files."""
    if settings.login_dir is not None:
        return settings.login_dir
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "terpadu" / "login"


def token_path(settings: Settings) -> Path:
    """The login file of the configured database (a login holds for one database)."""
    url = make_url(settings.resolved_database_url())
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        url = url.set(database=str(Path(url.database or "").resolve()))
    key = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:20]
    return login_dir(settings) / f"{key}.token"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a 0600 file in a 0700 folder (both tightened if they existed)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


def _stored_token(settings: Settings) -> str | None:
    path = token_path(settings)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        # Like ssh: a token others can read may have been copied; refuse it.
        fail(tell("account.token_readable", path=path))
    return path.read_text(encoding="utf-8").strip() or None


def presented_token() -> tuple[str, str] | None:
    """The token this process acts with and where it came from, if any."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    if value:
        return value, TOKEN_ENV
    settings = get_settings()
    stored = _stored_token(settings)
    return None if stored is None else (stored, str(token_path(settings)))


def current_user(engine: Engine, command: str) -> WebUser:
    """The account running ``command``; stops with 'login first' when there is none."""
    found = presented_token()
    if found is None:
        # A new installation has nobody to log in as yet: say how to make the first admin.
        missing = FirstAdminMissing if bootstrap_open(engine) else LoginRequired
        fail_with(missing(command=command))
    try:
        return resolve_token(engine, found[0])
    except TokenInvalid as exc:
        fail_with(exc)


def current_actor(engine: Engine, command: str) -> Actor:
    """The acting :class:`Actor` of ``command``: role and region from the account."""
    return current_user(engine, command).actor


def jobs_actor(engine: Engine, command: str) -> Actor:
    """The account running a registry-wide job (link, rank, target…); its role must run jobs."""
    actor = current_actor(engine, command)
    try:
        actor.require("run_jobs", doing="run_command", command=command)
    except PermissionDenied as exc:
        fail_with(exc)
    return actor


def _cli_address() -> str:
    # Throttling counts failures by address: one per operating-system user, not one for all.
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return f"cli:{who}"[:45]


def login(
    username: Annotated[
        str | None, typer.Argument(help="Your username (asked if left out).")
    ] = None,
) -> None:
    """Log in: the commands that change the registry or write personal data run as you."""
    if os.environ.get(TOKEN_ENV):
        fail(tell("account.token_set", env=TOKEN_ENV))
    name = username or str(typer.prompt(tell("account.username")))
    if sys.stdin.isatty():
        password = str(typer.prompt(tell("account.password"), hide_input=True))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    settings = get_settings()
    engine = open_engine()
    try:
        user = authenticate(
            engine,
            name,
            password,
            ip=_cli_address(),
            policy=LockoutPolicy.from_settings(settings),
        )
    except LoginThrottled as exc:
        fail(tell("account.throttled", minutes=exc.minutes))
    except LoginFailed:
        fail(tell("account.login_failed"))
    previous = _stored_token(settings)
    if previous is not None:
        revoke_token(engine, previous)
    token = issue_login_token(engine, user, max_age_s=settings.cli_login_max_age_s)
    path = token_path(settings)
    _write_private(path, token + "\n")
    hours = settings.cli_login_max_age_s / 3600
    console.print(
        tell(
            "account.logged_in",
            user=f"[bold]{user.username}[/]",
            role=role_words(user.role),
            region=region_words(user.region),
            hours=f"{hours:g}",
            path=path,
        )
    )


def logout() -> None:
    """Log out: the stored login is revoked in the database and its file removed."""
    settings = get_settings()
    stored = _stored_token(settings)
    if stored is None:
        console.print(tell("account.no_login"))
        return
    engine = open_engine()
    try:
        user: WebUser | None = resolve_token(engine, stored)
    except TokenInvalid:
        user = None
    revoke_token(engine, stored)
    if user is not None:
        with engine.begin() as conn:
            record_event(
                conn,
                actor=user.actor,
                action="auth.logout",
                entity="user",
                entity_id=user.id,
                region=user.region,
                before=None,
                after={"via": "cli"},
            )
    token_path(settings).unlink(missing_ok=True)
    console.print(tell("account.logged_out"))


def whoami() -> None:
    """Show the account commands run as (from TERPADU_TOKEN or the login file)."""
    found = presented_token()
    if found is None:
        fail_with(LoginRequired(command="whoami"))
    try:
        user = resolve_token(open_engine(), found[0])
    except TokenInvalid as exc:
        fail_with(exc)
    kind = tell("account.service" if user.kind == "service" else "account.person")
    console.print(
        tell(
            "account.whoami",
            user=user.username,
            role=role_words(user.role),
            region=region_words(user.region),
            kind=kind,
            source=found[1],
        )
    )


__all__ = [
    "TOKEN_ENV",
    "current_actor",
    "current_user",
    "jobs_actor",
    "login",
    "login_dir",
    "logout",
    "presented_token",
    "token_path",
    "whoami",
]
