"""Working-day deadlines across weekends, month ends and the holiday file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from terpadu.services.calendar import WIB, HolidayFileError, WorkCalendar, load_holidays


def _wib(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=WIB)


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(WIB).date()


def test_a_deadline_skips_the_weekend_and_ends_the_day() -> None:
    calendar = WorkCalendar()
    due = calendar.deadline(_wib(2026, 11, 27, 15), 2)  # Friday afternoon, two days
    assert _day(due) == dt.date(2026, 11, 30)  # Friday counts, then Monday
    assert due.astimezone(WIB).time() == dt.time(23, 59, 59)
    # Received on a Saturday: counting starts on Monday.
    assert _day(calendar.deadline(_wib(2026, 11, 28), 1)) == dt.date(2026, 11, 30)


def test_a_deadline_runs_over_the_month_end_and_around_holidays() -> None:
    # 1 Dec 2026 (Tuesday) declared a holiday; 24-25 Dec Christmas leave and Christmas.
    calendar = WorkCalendar(
        frozenset({dt.date(2026, 12, 1), dt.date(2026, 12, 24), dt.date(2026, 12, 25)})
    )
    # Monday 30 Nov + 3 working days: 30 Nov, (1 Dec holiday), 2 Dec, 3 Dec.
    assert _day(calendar.deadline(_wib(2026, 11, 30), 3)) == dt.date(2026, 12, 3)
    # Wednesday 23 Dec + 2: 23 Dec, (24, 25 holidays, 26-27 weekend), 28 Dec.
    assert _day(calendar.deadline(_wib(2026, 12, 23), 2)) == dt.date(2026, 12, 28)


def test_lateness_counts_working_days_only() -> None:
    calendar = WorkCalendar(frozenset({dt.date(2026, 12, 1)}))
    due = calendar.deadline(_wib(2026, 11, 27), 1)  # end of Friday 27 Nov
    assert calendar.working_days_late(due, _wib(2026, 11, 27, 20)) == 0
    assert calendar.working_days_late(due, _wib(2026, 11, 29)) == 0  # the weekend
    assert calendar.working_days_late(due, _wib(2026, 11, 30)) == 1
    assert calendar.working_days_late(due, _wib(2026, 12, 2)) == 2  # 1 Dec is a holiday


def test_the_holiday_file_takes_both_date_forms_and_reports_every_bad_row(tmp_path: Path) -> None:
    good = tmp_path / "libur.csv"
    good.write_text("tanggal,keterangan\n2026-12-25,Natal\n24/12/2026,Cuti bersama\n\n", "utf-8")
    assert load_holidays(good) == {dt.date(2026, 12, 25), dt.date(2026, 12, 24)}
    bad = tmp_path / "rusak.csv"
    bad.write_text("tanggal,keterangan\n2026-12-25,Natal\n31/02/2026,x\nbesok,y\n", "utf-8")
    with pytest.raises(HolidayFileError) as caught:
        load_holidays(bad)
    message = str(caught.value)
    assert "baris 3" in message and "31/02/2026" in message and "baris 4" in message
    no_column = tmp_path / "tanpa.csv"
    no_column.write_text("hari\n2026-12-25\n", "utf-8")
    with pytest.raises(HolidayFileError, match="kolom 'tanggal'"):
        load_holidays(no_column)
