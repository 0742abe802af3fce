"""The CLI's labels and the domain errors' words, from the locale catalogue.

Operator-facing messages from intake stay in Bahasa Indonesia (they quote the
operator's own data); every other word comes from :mod:`terpadu.locale`.
"""

from __future__ import annotations

from typing import Any

from terpadu.locale import DEFAULT_LANGUAGE, section

#: Labels of the CLI's summaries (``locale/messages/core.yaml``).
LABELS: dict[str, dict[str, str]] = section("core")

#: Messages of the domain's errors keyed by their code (``locale/messages/errors.yaml``);
#: they say what is wrong, never which command or page to use: that is the face's hint.
ERRORS: dict[str, dict[str, str]] = section("errors")

#: What the CLI suggests after an error's words (``locale/messages/hints.yaml``).
CLI_HINTS: dict[str, dict[str, str]] = section("hints")


def catalogued_error(code: str, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The catalogue's message for ``code`` filled with ``data``; the code itself if unknown."""
    entry = ERRORS.get(code)
    if entry is None:
        return code
    return entry.get(language, entry["id"]).format(**data)


def error_words(error: BaseException, language: str = DEFAULT_LANGUAGE) -> str:
    """An error's message in ``language`` (the face passes its settings' or page's language).

    Errors with a catalogued code speak the language asked for; free-text messages
    given at the raise site (they quote the operator's data) stay as they are.
    """
    code, data = getattr(error, "code", None), getattr(error, "data", None)
    if not isinstance(code, str) or not isinstance(data, dict) or code not in ERRORS:
        return str(error)
    data_in = getattr(error, "data_in", None)  # a domain error may word its data per language

    def filled(lang: str) -> dict[str, Any]:
        return data_in(lang) if callable(data_in) else data

    if str(error) != catalogued_error(code, filled(DEFAULT_LANGUAGE)):
        return str(error)
    return catalogued_error(code, filled(language), language)


def cli_hint(error: BaseException, language: str = DEFAULT_LANGUAGE) -> str | None:
    """What the CLI suggests doing after ``error``, if anything."""
    entry = CLI_HINTS.get(str(getattr(error, "code", "")))
    if entry is None:
        return None
    return entry.get(language, entry["id"])


def t(key: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The label ``key`` in ``language``, filled with ``values``."""
    entry = LABELS[key]
    return entry.get(language, entry["id"]).format(**values)
