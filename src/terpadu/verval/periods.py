"""Periods of editions and indicators: a month ``2026-11``, a quarter ``2026-Q4`` or a year."""

from __future__ import annotations

import datetime as dt
import re

from terpadu.verval.errors import InvalidProposal

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(period: str) -> tuple[str, dt.datetime, dt.datetime]:
    """(normalised period, start, end) in UTC, end exclusive."""
    text = period.strip()
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        label = f"{year:04d}-{month:02d}"
    elif match := _QUARTER.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        label = f"{year:04d}-Q{quarter}"
    elif match := _YEAR.match(text):
        year = int(match.group(1))
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        label = f"{year:04d}"
    else:
        raise InvalidProposal(
            f"Periode '{period}' tidak sah; tulis bulan (2026-11), triwulan (2026-Q4) atau tahun."
        )
    return label, _midnight(start), _midnight(end)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


__all__ = ["parse_period"]
