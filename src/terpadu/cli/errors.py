"""How the CLI reports the domain's errors: their words, then what to run next."""

from __future__ import annotations

from typing import NoReturn

from terpadu.cli.common import fail
from terpadu.i18n import cli_hint, error_words
from terpadu.settings import get_settings


def error_line(error: BaseException) -> str:
    """An error's message in the interface language, followed by the CLI's hint if it has one."""
    language = get_settings().language
    words = error_words(error, language)
    hint = cli_hint(error, language)
    return f"{words}; {hint}" if hint else words


def fail_with(error: BaseException, code: int = 1) -> NoReturn:
    """Report ``error`` in the operator's words (and the hint) and exit with ``code``."""
    fail(error_line(error), code)


__all__ = ["error_line", "fail_with"]
