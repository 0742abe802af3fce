"""``terpadu serve`` and ``terpadu users add``: run the web application, manage its accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from terpadu.access import ROLES
from terpadu.cli.common import console, fail, open_engine


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (uvicorn workers).")] = 1,
) -> None:
    """Start the web application (pages and the /api/v1 JSON API)."""
    import uvicorn

    open_engine(migrate=True)
    console.print(
        f"Terpadu berjalan di http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)"
    )
    uvicorn.run(
        "terpadu.web.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,
    )


def _read_password() -> str:
    """The password from standard input: one line, or two that must match."""
    if sys.stdin.isatty():
        first = str(typer.prompt("Kata sandi", hide_input=True))
        second = str(typer.prompt("Ulangi kata sandi", hide_input=True))
        lines = [first, second]
    else:
        lines = [line.rstrip("\r\n") for line in sys.stdin.read().splitlines()]
        lines = [line for line in lines if line != ""] or [""]
    if len(lines) > 2:
        fail("Berikan kata sandi pada satu baris (boleh diikuti satu baris konfirmasi).")
    if len(lines) == 2 and lines[0] != lines[1]:
        fail("Konfirmasi kata sandi tidak sama.")
    return lines[0]


users_app = typer.Typer(
    help="Web accounts: add users with a role and a region.", no_args_is_help=True
)


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="Username.")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    region: Annotated[
        str | None,
        typer.Option("--region", help="Region code (desa, kecamatan, kab/kota or province)."),
    ] = None,
) -> None:
    """Add a user; the password is read from standard input (a confirmation line may follow)."""
    # imported here: the web package loads FastAPI, which other commands skip
    from terpadu.accounts.users import AccountError, create_user

    password = _read_password()
    engine = open_engine(migrate=True)
    try:
        user = create_user(engine, name, password, role=role, region=region)
    except AccountError as exc:
        fail(str(exc))
    console.print(
        f"Pengguna {user.username} ({user.role}, wilayah {user.region or 'nasional'}) dibuat."
    )


@users_app.command("password")
def change_password(name: Annotated[str, typer.Argument(help="Username.")]) -> None:
    """Set a new password (from standard input); the user's sessions and tokens end."""
    # imported here: the web package loads FastAPI, which other commands skip
    from terpadu.accounts.users import AccountError, set_password

    password = _read_password()
    try:
        set_password(open_engine(migrate=True), name, password)
    except AccountError as exc:
        fail(str(exc))
    console.print(f"Kata sandi {name} diganti.")
