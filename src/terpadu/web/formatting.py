"""Jinja filters and globals that write numbers, dates and codes in the page's language."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from terpadu.locale import (
    DEFAULT_LANGUAGE,
    code_label,
    fmt_date,
    fmt_decimal,
    fmt_money,
    fmt_number,
    fmt_percent,
    text,
)
from terpadu.web.labels import event_words


def _lang(context: Context) -> str:
    return str(context.get("lang") or DEFAULT_LANGUAGE)


def _numeric(value: Any) -> Any:
    """Numbers stay numbers; numeric text becomes one; anything else is shown as it is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    try:
        return float(str(value))
    except ValueError:
        return value


def install(env: Environment) -> None:
    """Add ``num``, ``dec``, ``money``, ``date``, ``pct``, ``code``, ``event`` and ``t`` to ``env``."""

    def number_filter(fmt: Any) -> Any:
        @pass_context
        def apply(context: Context, value: Any, *args: Any) -> str:
            number = _numeric(value)
            if number is None:
                return "-"
            if not isinstance(number, int | float):
                return str(number)
            return str(fmt(number, _lang(context), *args))

        return apply

    env.filters["num"] = number_filter(fmt_number)
    env.filters["dec"] = number_filter(fmt_decimal)
    env.filters["money"] = number_filter(fmt_money)
    env.filters["pct"] = number_filter(fmt_percent)

    @pass_context
    def date_filter(context: Context, value: Any) -> str:
        return fmt_date(value, _lang(context))

    @pass_context
    def code_filter(context: Context, value: Any, table: str) -> str:
        return code_label(table, value, _lang(context))

    @pass_context
    def words(context: Context, key: str, **values: object) -> str:
        return text(key, _lang(context), **values)

    @pass_context
    def event_filter(context: Context, action: str) -> str:
        return event_words(action, _lang(context))

    env.filters["date"] = date_filter
    env.filters["event"] = event_filter
    env.filters["code"] = code_filter
    env.globals["t"] = words
