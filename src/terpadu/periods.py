"""Periods of editions, indicators, rankings and programmes: a month ``2026-11``, a quarter
``2026-Q4`` or a year ``2026``.

A ground-floor module: verval, welfare and targeting all read periods, so none of them owns it.
"""

from __future__ import annotations

import datetime as dt
import re

from terpadu.errors import TerpaduError

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class InvalidPeriod(TerpaduError, ValueError):
    """A period that is neither a month, a quarter nor a year.

    ``code`` names the failure for the faces; ``value`` is the period as given;
    ``str(error)`` is the operator's message (Bahasa Indonesia).
    """

    code = "invalid_period"

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(value=value)


def parse_period(period: str) -> tuple[str, dt.datetime, dt.datetime]:
    """(normalised period, start, end) in UTC, end exclusive; :class:`InvalidPeriod` if
    ``period`` is none of the three forms."""
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
        raise InvalidPeriod(period)
    return label, _midnight(start), _midnight(end)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


__all__ = ["InvalidPeriod", "parse_period"]
