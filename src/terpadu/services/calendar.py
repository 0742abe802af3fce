"""Working days for service-level clocks: weekends and a configurable holiday calendar.

A step's deadline is counted in working days, as an office counts them: Saturday and
Sunday do not count, nor the days of the holiday file (national holidays and cuti
bersama change every year by joint ministerial decree, so they are data, not code).
A deadline falls at the end of its last working day (23:59:59 in the office's time
zone), so a complaint received on a Friday afternoon with two days has until Tuesday
evening.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from terpadu.errors import TerpaduError

#: Western Indonesia Time: kab/kota offices in other zones set their own (``zone``).
WIB = ZoneInfo("Asia/Jakarta")
WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())


class HolidayFileError(TerpaduError, ValueError):
    """The holiday file cannot be used; the message names the file, row and reason."""

    code = "holiday_file"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days an office works, in its time zone."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    weekend: frozenset[int] = WEEKEND
    zone: ZoneInfo = WIB

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def deadline(self, start: dt.datetime, working_days: int) -> dt.datetime:
        """The end of the ``working_days``-th working day counted from ``start``'s day.

        The day of ``start`` counts as the first when it is a working day (a complaint
        received at 08:00 with one day is due that evening); otherwise counting begins at
        the next working day. The answer is in UTC.
        """
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        day = self.next_working_day(_aware(start).astimezone(self.zone).date())
        for _ in range(working_days - 1):
            day = self.next_working_day(day + dt.timedelta(days=1))
        end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=self.zone)
        return end.astimezone(dt.UTC)

    def working_days_late(self, due: dt.datetime, now: dt.datetime) -> int:
        """Whole working days from a deadline to ``now`` (0 when not yet late)."""
        due, now = _aware(due), _aware(now)
        if now <= due:
            return 0
        day = due.astimezone(self.zone).date() + dt.timedelta(days=1)
        today = now.astimezone(self.zone).date()
        late = 0
        while day <= today:
            late += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return late


def office_today(zone: ZoneInfo = WIB) -> dt.date:
    """Today where the office works (in WIB unless told another zone)."""
    return dt.datetime.now(zone).date()


def _aware(moment: dt.datetime) -> dt.datetime:
    """Moments without a zone are UTC (SQLite hands stored moments back that way)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _parse_day(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def load_holidays(path: Path) -> frozenset[dt.date]:
    """The holidays of a CSV file with a ``tanggal`` column (YYYY-MM-DD or DD/MM/YYYY) and an
    optional ``keterangan``; every bad row is reported together, nothing half-read."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise HolidayFileError(
            f"{path}: berkas hari libur tidak dapat dibaca ({error})."
        ) from error
    if rows and "tanggal" not in rows[0]:
        raise HolidayFileError(f"{path}: kolom 'tanggal' tidak ada.")
    days: set[dt.date] = set()
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):
        value = (row.get("tanggal") or "").strip()
        if not value:
            continue
        try:
            days.add(_parse_day(value))
        except ValueError:
            problems.append(
                f"{path}: baris {number}, kolom tanggal: '{value}' bukan tanggal "
                "(tulis 2026-12-25 atau 25/12/2026)."
            )
    if problems:
        raise HolidayFileError("\n".join(problems))
    return frozenset(days)


def calendar_from(path: Path | None) -> WorkCalendar:
    """The office calendar: weekends, plus the holidays of ``path`` when one is configured."""
    return WorkCalendar(load_holidays(path)) if path is not None else WorkCalendar()
