"""``terpadu users …``: manage accounts (list, add, disable, enable, unlock, reset, role).

Each command runs as the logged-in admin and is audited in its name
(:mod:`terpadu.accounts.admin`). The one exception is the first admin: while no
account may manage users, ``users add NAME --role admin_sistem`` (or
``admin_provinsi --region 36``) works without a login.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from terpadu.access import ROLES
from terpadu.accounts import AccountError
from terpadu.accounts import admin as accounts
from terpadu.cli.account import current_actor
from terpadu.cli.common import (
    console,
    fail,
    num,
    open_engine,
    region_words,
    role_words,
    tell,
    when,
)
from terpadu.cli.errors import fail_with
from terpadu.errors import TerpaduError

users_app = typer.Typer(
    help="Accounts: list, add, disable, enable, unlock, reset-password, set-role.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="Username.")]


def read_password() -> str:
    """The password from standard input: one line, or two that must match."""
    if sys.stdin.isatty():
        first = str(typer.prompt("Kata sandi", hide_input=True))
        second = str(typer.prompt("Ulangi kata sandi", hide_input=True))
        lines = [first, second]
    else:
        lines = [line.rstrip("\r\n") for line in sys.stdin.read().splitlines()]
        lines = [line for line in lines if line != ""] or [""]
    if len(lines) > 2:
        fail(tell("users.password_lines"))
    if len(lines) == 2 and lines[0] != lines[1]:
        fail(tell("users.password_mismatch"))
    return lines[0]


def _show_key(username: str, key: str) -> None:
    console.print(tell("users.api_key", user=username))
    # Printed bare on its own line so a script can capture it.
    typer.echo(key)


@users_app.command("list")
def list_users(
    active_only: Annotated[bool, typer.Option("--active", help="Only enabled accounts.")] = False,
) -> None:
    """List the accounts you manage."""
    engine = open_engine()
    actor = current_actor(engine, "users list")
    try:
        rows = accounts.list_accounts(engine, actor, include_disabled=not active_only)
    except TerpaduError as exc:
        fail_with(exc)
    table = Table(title=tell("users.title", n=num(len(rows))))
    for column in ("name", "role", "region", "kind", "active", "created", "last_login"):
        table.add_column(tell(f"users.col.{column}"))
    for a in rows:
        table.add_row(
            a.username,
            role_words(a.role),
            region_words(a.region),
            tell("users.service" if a.kind == "service" else "users.person"),
            tell("answer_yes") if a.active else f"[red]{tell('answer_no')}[/]",
            when(a.created_at),
            when(a.last_login_at) if a.last_login_at else "-",
        )
    console.print(table)


@users_app.command("add")
def add_user(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    region: Annotated[
        str | None,
        typer.Option("--region", help="Region code (desa, kecamatan, kab/kota or province)."),
    ] = None,
    service: Annotated[
        bool,
        typer.Option(
            "--service", help="A service account for scheduled jobs: an API key, no password."
        ),
    ] = False,
) -> None:
    """Add an account; a person's password is read from standard input (may be confirmed).

    With no admin yet, the first admin (admin_sistem, or admin_provinsi with --region)
    is created without a login.
    """
    engine = open_engine()
    try:
        if accounts.bootstrap_open(engine):
            if service:
                fail(tell("users.first_not_service"))
            user = accounts.bootstrap_admin(engine, name, read_password(), role=role, region=region)
            console.print(
                tell(
                    "users.first_admin",
                    user=user.username,
                    role=user.role,
                    region=region_words(user.region),
                )
            )
            return
        actor = current_actor(engine, "users add")
        made = accounts.create_account(
            engine,
            actor,
            name,
            role=role,
            region=region,
            password=None if service else read_password(),
            service=service,
        )
    except (TerpaduError, AccountError) as exc:
        fail_with(exc)
    user = made.user
    console.print(
        tell("users.added", user=user.username, role=user.role, region=region_words(user.region))
    )
    if made.api_key is not None:
        _show_key(user.username, made.api_key)


def _simple(command: str, doc: str) -> None:
    def run(name: NameArg) -> None:
        engine = open_engine()
        actor = current_actor(engine, f"users {command}")
        try:
            if command == "disable":
                accounts.disable_account(engine, actor, name)
                console.print(tell("users.disabled", user=name))
            elif command == "enable":
                accounts.enable_account(engine, actor, name)
                console.print(tell("users.enabled", user=name))
        except (TerpaduError, AccountError) as exc:
            fail_with(exc)

    run.__doc__ = doc
    users_app.command(command)(run)


_simple("disable", "Disable an account: it cannot log in; its sessions and tokens end.")
_simple("enable", "Enable a disabled account again.")


@users_app.command("unlock")
def unlock_user(
    name: Annotated[str | None, typer.Argument(help="Username.")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Also (or only) unlock an IP address.")
    ] = None,
) -> None:
    """Forget the failed logins holding an account (or an address) back."""
    if name is None and address is None:
        fail(tell("users.unlock_what"))
    engine = open_engine()
    actor = current_actor(engine, "users unlock")
    try:
        if name is not None:
            n = accounts.unlock_account(engine, actor, name)
            console.print(tell("users.unlocked", who=name, n=num(n)))
        if address is not None:
            n = accounts.unlock_address(engine, actor, address)
            console.print(tell("users.unlocked_address", who=address, n=num(n)))
    except (TerpaduError, AccountError) as exc:
        fail_with(exc)


@users_app.command("reset-password")
def reset_password(name: NameArg) -> None:
    """Set a new password (from standard input); a service account gets a new API key instead.

    The account's sessions and tokens end.
    """
    engine = open_engine()
    actor = current_actor(engine, "users reset-password")
    try:
        if accounts.get_account(engine, actor, name).kind == "service":
            _show_key(name, accounts.new_service_key(engine, actor, name))
            return
        accounts.reset_password(engine, actor, name, read_password())
    except (TerpaduError, AccountError) as exc:
        fail_with(exc)
    console.print(tell("users.password_reset", user=name))


@users_app.command("set-role")
def set_role(
    name: NameArg,
    role: Annotated[str | None, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Region code, or 'nasional' for national roles.")
    ] = None,
) -> None:
    """Change an account's role and/or region; its sessions and tokens end."""
    if role is None and region is None:
        fail(tell("users.set_what"))
    engine = open_engine()
    actor = current_actor(engine, "users set-role")
    try:
        account = accounts.set_role(engine, actor, name, role=role, region=region)
    except (TerpaduError, AccountError) as exc:
        fail_with(exc)
    console.print(
        tell(
            "users.set",
            user=account.username,
            role=role_words(account.role),
            region=region_words(account.region),
        )
    )


__all__ = ["read_password", "users_app"]
