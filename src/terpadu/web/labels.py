"""Registry fields in words: a field's name and a value as people read them.

Any page that lists fields (a proposal's content, a review pair, a person) uses these, so a
field is never shown by its column name (``luas_lantai``) nor a coded value by its number.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from terpadu.layouts import ANGGOTA_COLUMNS, KELUARGA_COLUMNS, Column
from terpadu.locale import code_label, fmt_date, fmt_decimal, fmt_number, has_text, text

FIELD_AREA = "verval.field"


def field_label(name: str, lang: str) -> str:
    """The field ``name`` in words (``luas_lantai`` -> "Luas lantai (m²)"); an unknown
    field is shown as it is rather than breaking the page."""
    key = f"{FIELD_AREA}.{name}"
    return text(key, lang) if has_text(key) else name


@cache
def _columns() -> dict[str, Column]:
    return {c.target: c for c in (*KELUARGA_COLUMNS, *ANGGOTA_COLUMNS)}


def field_value(name: str, value: Any, lang: str) -> str:
    """``value`` of the field ``name`` as people read it: a code by its name, a yes/no
    field in words, numbers and dates in the page's language. Masked values (text the
    disclosure wrote, e.g. a birth year alone) are shown as they are."""
    if value is None or value == "":
        return "-"
    column = _columns().get(name)
    kind = column.kind if column else None
    if kind == "code":
        return code_label(name, _as_int(value), lang)
    if kind == "flag":
        return code_label("flag", _as_int(value), lang)
    if kind in ("int", "power", "number"):
        number = _as_number(value)
        if number is None:
            return str(value)
        if kind == "number" and not float(number).is_integer():
            # As many decimals as the value has, up to two: 36,5 and 42,25, not 36,50.
            return fmt_decimal(number, lang, 1 if round(number, 1) == number else 2)
        return fmt_number(number, lang)
    if kind == "date" or isinstance(value, dt.date):
        shown = str(value)
        return fmt_date(value, lang) if len(shown) >= 10 else shown
    return str(value)


def _as_int(value: Any) -> Any:
    number = _as_number(value)
    return int(number) if number is not None and float(number).is_integer() else value


def _as_number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    try:
        return float(str(value))
    except ValueError:
        return None


__all__ = ["field_label", "field_value"]


def event_words(action: str, lang: str) -> str:
    """An audit event in words (``usulan.approve`` -> "Usulan disetujui"); an event the
    catalogue does not know yet is shown as it is."""
    key = f"pages.audit_event.{action}"
    return text(key, lang) if has_text(key) else action
