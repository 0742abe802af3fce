"""Every interface word of the CLI and the web, in Bahasa Indonesia (default) and English.

The words live in YAML files under ``messages/``, one per area; a key ``x`` in
``verval.yaml`` is looked up as ``"verval.x"``. Numbers, money, dates and percentages
are written the way each language writes them (Babel's CLDR data), so a page never
shows "13.686" for a decimal beside "1.613" for a thousand.
"""

from __future__ import annotations

from terpadu.locale.catalogue import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MissingText,
    catalogue,
    code_label,
    has_text,
    section,
    text,
)
from terpadu.locale.formats import fmt_date, fmt_decimal, fmt_money, fmt_number, fmt_percent
from terpadu.locale.phrase import Count, Phrase

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Count",
    "MissingText",
    "Phrase",
    "catalogue",
    "code_label",
    "fmt_date",
    "fmt_decimal",
    "fmt_money",
    "fmt_number",
    "fmt_percent",
    "has_text",
    "section",
    "text",
]
