"""Helpers shared by the CLI commands: the engine, the console, errors."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine

from terpadu.settings import get_settings
from terpadu.store import is_initialised, make_engine, upgrade

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]Gagal:[/] {message}")
    raise typer.Exit(code)


def open_engine(migrate: bool = True) -> Engine:
    """The configured database, created or upgraded to the latest schema."""
    engine = make_engine(get_settings().resolved_database_url())
    if migrate:
        upgrade(engine)
    elif not is_initialised(engine):
        fail("basis data belum disiapkan; jalankan 'terpadu init' dulu")
    return engine


def when(value: dt.datetime) -> str:
    """A moment as the commands print it: UTC to the minute."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
