"""Progress bars for the commands that take a while, fed by the domain's step callbacks.

The domain functions take an optional ``progress`` callable told the key of each
step as it starts (``"snapshot"``, ``"score"``...); they know nothing of rich. Here a
callback is made that moves a transient bar on standard error, with the step's words
from ``locale/messages/cli.yaml`` (``cli.progress.<key>``, else the words given).
The bar is left out when standard error is no terminal (a pipe, a log, a test) or
with ``terpadu --quiet``, so that what the command prints stays the same.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from terpadu.cli.common import err_console, language, quiet
from terpadu.locale import has_text, section, text

#: What a domain function calls as each step starts.
StepCallback = Callable[[str], None]


def shown() -> bool:
    """Whether a progress bar is drawn: standard error is a terminal and not ``--quiet``."""
    return not quiet() and sys.stderr.isatty()


def step_words(key: str, prefix: str = "") -> str:
    """The words of step ``key`` in the interface language.

    A key the catalogue lacks is words already: the importer tells its steps in Bahasa
    Indonesia with the file or count in them (``memuat 1.234 keluarga``); they are matched
    against the ``cli.progress.said.*`` entries and given in the interface language, or
    shown as they are.
    """
    name = f"cli.progress.{prefix}{key}"
    if has_text(name):
        return text(name, language())
    return _said(key, language())


def _said(words: str, lang: str) -> str:
    for entry in section("cli.progress.said").values():
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(entry["id"])) + "$"
        match = re.match(pattern, words)
        if match:
            return entry.get(lang, entry["id"]).format(**match.groupdict())
    return words


@contextmanager
def progress_bar(
    title: str, steps: int | None = None, *, prefix: str = "", force: bool | None = None
) -> Iterator[StepCallback]:
    """A step callback that advances a bar of ``steps`` steps titled ``title``.

    Each call names the step that starts now (its words: ``cli.progress.<prefix><key>``);
    the bar shows how many came before. With ``steps`` unknown the bar pulses. ``force``
    overrides :func:`shown` (tests).
    """
    if not (shown() if force is None else force):
        yield _nothing
        return
    columns = [
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[title]}[/] {task.description}"),
        BarColumn(),
        TaskProgressColumn() if steps else TextColumn(""),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("", total=steps, title=title)
        started = False

        def step(key: str) -> None:
            nonlocal started
            bar.update(task, description=step_words(key, prefix), advance=1 if started else 0)
            started = True

        yield step
        bar.update(task, completed=steps or 0)


def _nothing(_key: str) -> None:
    """The callback when no bar is shown."""


__all__ = ["StepCallback", "progress_bar", "shown", "step_words"]
