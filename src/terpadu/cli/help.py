"""``--help`` in the interface language: the commands' words from ``locale/messages/cli.yaml``.

The commands are written with English help (their docstrings and ``help=``), which
stays the text of record for ``docs/cli.md``. When typer builds the command tree,
:class:`LocalizedGroup` (the root's class) walks it and puts in the catalogue's words
for the configured language: ``cli.help.<command path>._`` for a command,
``cli.help.<command path>.<parameter>`` for its options and arguments
(``cli.help.synth.households``, ``cli.help.users.add._``). A text the catalogue lacks
stays as written; ``tests/cli/test_cli_help.py`` lists every one that is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from typer import rich_utils
from typer.core import TyperGroup

from terpadu.cli.common import language
from terpadu.locale import has_text, text

PREFIX = "cli.help"
#: The words typer draws around the help, in the catalogue under ``cli.help_frame``.
FRAME = {
    "ARGUMENTS_PANEL_TITLE": "arguments",
    "OPTIONS_PANEL_TITLE": "options",
    "COMMANDS_PANEL_TITLE": "commands",
    "ERRORS_PANEL_TITLE": "error",
    "ABORTED_TEXT": "aborted",
    "DEFAULT_STRING": "default",
    "REQUIRED_LONG_STRING": "required",
    "RICH_HELP": "try_help",
}


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the tree under ``command`` with its path (the root's is ``()``)."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def help_keys(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """The catalogue key of the command's help (with ``None``) and of each parameter."""
    base = ".".join((PREFIX, *path))
    yield f"{base}._", None
    for param in command.params:
        if param.name and getattr(param, "help", None) is not None:
            yield f"{base}.{param.name}", param


def localize(root: Any, lang: str) -> None:
    """Put the catalogue's ``lang`` words into the help of every command under ``root``."""
    for name, attribute in FRAME.items():
        setattr(rich_utils, name, text(f"cli.help_frame.{attribute}", lang))
    for path, command in walk(root):
        for key, param in help_keys(command, path):
            if not has_text(key):
                continue
            words = text(key, lang)
            if param is None:
                command.help = words
                command.short_help = first_sentence(words)
            else:
                param.help = words
        command.get_help_option = _translated_help_option(command.get_help_option, lang)


def first_sentence(words: str) -> str:
    """What a command list shows of a command's help: up to its first full stop."""
    head, stop, _ = words.partition(". ")
    return head + "." if stop else words


def _translated_help_option(original: Callable[[Any], Any], lang: str) -> Callable[[Any], Any]:
    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None:
            option.help = text("cli.help_frame.help_option", lang)
        return option

    return get_help_option


class LocalizedGroup(TyperGroup):
    """The root command: its tree's help in the interface language."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        localize(self, language())


__all__ = ["LocalizedGroup", "help_keys", "localize", "walk"]
