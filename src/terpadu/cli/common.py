"""Helpers shared by the CLI commands: the engine, the console, errors."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Final, NoReturn, TextIO

import typer
from rich.console import Console
from sqlalchemy import Engine

from terpadu.locale import code_label, fmt_decimal, fmt_money, fmt_number, fmt_percent, text
from terpadu.settings import get_settings
from terpadu.store import is_initialised, make_engine, upgrade

#: Columns the output gets when it goes to a file or a pipe: a table is never cut at
#: rich's 80-column default there (a log or a mail keeps whole lines); long cells wrap.
WIDE: Final = 200


def console_width(stream: TextIO) -> int | None:
    """The width to draw at: the terminal's (rich finds it), ``COLUMNS``, else :data:`WIDE`."""
    if os.environ.get("COLUMNS"):
        return None  # rich reads it
    try:
        if stream.isatty():
            return None
    except (AttributeError, ValueError):  # a closed or odd stream
        pass
    return WIDE


console = Console(width=console_width(sys.stdout))
err_console = Console(stderr=True, width=console_width(sys.stderr))

_quiet = False


def set_quiet(value: bool) -> None:
    """``terpadu --quiet``: no progress bars."""
    global _quiet
    _quiet = value


def quiet() -> bool:
    return _quiet


def language() -> str:
    """The interface language of the CLI (``TERPADU_LANGUAGE``: id or en)."""
    return get_settings().language


def say(key: str, /, **values: object) -> str:
    """The CLI's words ``cli.<key>`` in the interface language, filled with ``values``."""
    return text(f"cli.{key}", language(), **values)


def tell(key: str, /, **values: object) -> str:
    """The console's words ``console.<key>`` (summaries, titles, hints) in the interface
    language, filled with ``values``."""
    return text(f"console.{key}", language(), **values)


def role_words(role: str) -> str:
    """A role's name in the interface language (the code table's)."""
    return code_label("role", role, language())


def region_words(region: str | None) -> str:
    """An account's or report's region: its code, or "national" in words."""
    return region or tell("national")


def num(value: float | None) -> str:
    """A count as the interface language groups it: 2.031 (id), 2,031 (en)."""
    return fmt_number(value, language())


def dec(value: float | None, digits: int = 2) -> str:
    """A decimal with the language's separator: 0,95 (id), 0.95 (en)."""
    return fmt_decimal(value, language(), digits)


def pct(value: float | None, digits: int = 1) -> str:
    """A share (0.873) as the language writes percentages: 87,3 % (id), 87.3% (en)."""
    return fmt_percent(value, language(), digits)


def money(value: float | None) -> str:
    """Rupiah as the language groups it: Rp 313.616.725 (id)."""
    return fmt_money(value, language())


def command_name() -> str:
    """How the operator runs this command, for the hints it prints.

    ``terpadu`` when that name on the PATH is this script; else the path it was started
    by, relative to the current folder where it lies under it (``.venv/bin/terpadu``).
    """
    started = sys.argv[0] if sys.argv else ""
    if Path(started).name != "terpadu":
        return "terpadu"  # run as a module or from a test: the installed name
    on_path = shutil.which("terpadu")
    if on_path and os.path.samefile(on_path, started):
        return "terpadu"
    absolute = os.path.abspath(started)  # symlinks kept: .venv may be one
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]{say('failed')}:[/] {message}")
    raise typer.Exit(code)


def open_engine(migrate: bool = True) -> Engine:
    """The configured database, created or upgraded to the latest schema."""
    engine = make_engine(get_settings().resolved_database_url())
    if migrate:
        upgrade(engine)
    elif not is_initialised(engine):
        fail(tell("not_initialised"))
    return engine


def when(value: dt.datetime) -> str:
    """A moment as the commands print it: UTC to the minute."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
