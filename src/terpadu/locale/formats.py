"""Numbers, money, dates and percentages as each interface language writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal

from terpadu.locale.catalogue import DEFAULT_LANGUAGE

LOCALES: Final = {"id": "id_ID", "en": "en_GB"}
Number = int | float | Decimal

#: What a missing value looks like in a table cell.
MISSING: Final = "-"


def _locale(language: str) -> str:
    return LOCALES.get(language, LOCALES[DEFAULT_LANGUAGE])


def fmt_number(value: Number | None, language: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with grouping: 1.234.567 (id), 1,234,567 (en)."""
    if value is None:
        return MISSING
    return _babel_decimal(round(value), format="#,##0", locale=_locale(language))


def fmt_decimal(value: Number | None, language: str = DEFAULT_LANGUAGE, digits: int = 2) -> str:
    """A number with ``digits`` decimals: 13,69 (id), 13.69 (en)."""
    if value is None:
        return MISSING
    pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
    return _babel_decimal(value, format=pattern, locale=_locale(language))


def fmt_money(value: Number | None, language: str = DEFAULT_LANGUAGE) -> str:
    """Rupiah without decimals: Rp 313.616.725 (id), Rp 313,616,725 (en)."""
    if value is None:
        return MISSING
    return "Rp " + fmt_number(value, language)


def fmt_percent(value: Number | None, language: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A share (0.873) as a percentage: 87,3 % (id), 87.3% (en)."""
    if value is None:
        return MISSING
    number = fmt_decimal(float(value) * 100, language, digits)
    return f"{number} %" if language != "en" else f"{number}%"


def fmt_date(value: date | datetime | str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """A date as people read it: 6 Des 2026 (id), 6 Dec 2026 (en)."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        try:
            parsed = date.fromisoformat(value[:10])
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        value = value.date()
    return _babel_date(value, format="d MMM y", locale=_locale(language)).replace(".", "")
