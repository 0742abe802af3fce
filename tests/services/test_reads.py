"""The complaint inbox and search: region ranges, deadline order, totals, name search."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from terpadu.services import ComplaintError, WorkCalendar, reads
from terpadu.services.calendar import WIB
from terpadu.services.reads import complaint_id, list_complaints, search_complaints
from terpadu.store.models.services import Complaint

NOW = dt.datetime(2026, 12, 7, 10, tzinfo=WIB)  # a Monday
CALENDAR = WorkCalendar(frozenset({dt.date(2026, 12, 4)}))  # a Friday off


def _due(day: int) -> dt.datetime:
    """The end of 2026-12-``day`` (WIB), as deadlines fall."""
    return dt.datetime(2026, 12, day, 23, 59, 59, tzinfo=WIB).astimezone(dt.UTC)


def _add(
    session: Session,
    tracking: str,
    kode: str,
    name: str,
    *,
    state: str = "received",
    due_day: int | None = 10,
) -> None:
    session.add(
        Complaint(
            tracking=tracking,
            category="help",
            channel="walk_in",
            state=state,
            due_at=_due(due_day) if due_day is not None else None,
            kode_wilayah=kode,
            complainant_name=name,
            description="Mohon bantuan",
            created_by="op",
            created_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        )
    )


@pytest.fixture
def inbox(engine: Engine) -> Engine:
    """Complaints around the edges of region codes, with deadlines before and after NOW."""
    with Session(engine) as s, s.begin():
        _add(s, "ADU-3604-AAAAA1", "3604052001", "Siti Aminah", due_day=2)
        _add(s, "ADU-3604-AAAAA2", "3604052001", "Nursiti Amalia", state="checked", due_day=4)
        _add(s, "ADU-3604-AAAAA3", "3604052002", "Budi Santoso", due_day=9)
        _add(s, "ADU-3604-AAAAA4", "3604999999", "SITI RAHMA", state="closed", due_day=None)
        _add(s, "ADU-3609-AAAAA5", "3609010001", "Agus 100%_Benar", due_day=3)
        _add(s, "ADU-3610-AAAAA6", "3610010001", "Asep Saepudin", due_day=8)
        _add(s, "ADU-3605-AAAAA7", "3605010001", "Dewi Sartika", state="checked", due_day=1)
        _add(s, "ADU-3700-AAAAA8", "3700010001", "Siti Badriah", due_day=2)
        _add(s, "ADU-9999-AAAAA9", "9999010001", "Ahmad Dahlan", due_day=3)
    return engine


def _trackings(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.tracking for r in rows]


def test_a_region_is_its_code_prefix_and_nothing_beyond(inbox: Engine) -> None:
    def listed(region: str | None) -> list[str]:
        rows, total = list_complaints(inbox, region=region, now=NOW, calendar=CALENDAR)
        assert total == len(rows)
        return sorted(t[4:8] + t[-1] for t in _trackings(rows))

    assert listed("3604") == ["36041", "36042", "36043"]  # closed AAAAA4 left out
    assert listed("3609") == ["36095"]  # not 3610, which follows it
    assert listed("36") == ["36041", "36042", "36043", "36057", "36095", "36106"]
    assert listed("3604052001") == ["36041", "36042"]
    assert listed("99") == ["99999"]  # nothing above 99
    assert listed("999") == ["99999"]
    assert len(listed(None)) == 8


def test_the_inbox_is_in_deadline_order_with_days_late_and_pages(inbox: Engine) -> None:
    rows, total = list_complaints(inbox, region="36", now=NOW, calendar=CALENDAR, limit=2)
    assert total == 6
    # Late days are working days after the deadline: due Tuesday Dec 1, late Dec 2, 3
    # and Monday Dec 7 (Friday Dec 4 is off, the weekend too).
    assert [(r.tracking, r.days_late) for r in rows] == [
        ("ADU-3605-AAAAA7", 3),
        ("ADU-3604-AAAAA1", 2),
    ]
    rest, _ = list_complaints(inbox, region="36", now=NOW, calendar=CALENDAR, limit=10, offset=2)
    assert _trackings(rest) == [
        "ADU-3609-AAAAA5",
        "ADU-3604-AAAAA2",
        "ADU-3610-AAAAA6",
        "ADU-3604-AAAAA3",
    ]
    assert [r.days_late for r in rest] == [1, 1, 0, 0]
    assert all(r.days_late == CALENDAR.working_days_late(r.due_at, NOW) for r in rows + rest)


def test_totals_follow_the_filters(inbox: Engine) -> None:
    def total(**filters: object) -> int:
        return list_complaints(inbox, region="3604", now=NOW, calendar=CALENDAR, **filters)[1]

    assert total() == 3
    assert total(open_only=False) == 4
    assert total(state="checked") == 1
    assert total(state="closed") == 1
    assert total(overdue_only=True) == 2
    rows, count = list_complaints(
        inbox, region="3604", now=NOW, calendar=CALENDAR, open_only=False, offset=3
    )
    assert (count, _trackings(rows)) == (4, ["ADU-3604-AAAAA4"])  # no deadline: last
    assert rows[0].days_late == 0


def test_name_search_finds_any_part_of_the_name_in_any_case_within_the_region(
    inbox: Engine,
) -> None:
    def found(name: str, region: str | None = "36", **kw: object) -> list[str]:
        found = search_complaints(inbox, name, region=region, now=NOW, calendar=CALENDAR, **kw)
        assert (found.total, found.more) == (len(found.rows), False)
        return _trackings(found.rows)

    assert found("siti") == ["ADU-3604-AAAAA1", "ADU-3604-AAAAA2", "ADU-3604-AAAAA4"]
    assert found("SITI", region=None)[-1] == "ADU-3604-AAAAA4"
    assert "ADU-3700-AAAAA8" in found("siti", region=None)
    assert found("siti", region="3604052001") == ["ADU-3604-AAAAA1", "ADU-3604-AAAAA2"]
    assert found("  siti   am ") == ["ADU-3604-AAAAA1", "ADU-3604-AAAAA2"]
    assert found("siti", open_only=True) == ["ADU-3604-AAAAA1", "ADU-3604-AAAAA2"]
    assert found("saep") == ["ADU-3610-AAAAA6"]
    assert found("rahmat") == []
    # Pattern characters are letters: '%' and '_' match only themselves.
    assert found("100%_b") == ["ADU-3609-AAAAA5"]
    assert found("0%_") == ["ADU-3609-AAAAA5"]
    assert found("s_ti") == []


def test_one_or_two_letters_find_names_that_start_with_them(inbox: Engine) -> None:
    def found(name: str) -> list[str]:
        return _trackings(search_complaints(inbox, name, region=None, now=NOW).rows)

    assert found("A") == ["ADU-3609-AAAAA5", "ADU-9999-AAAAA9", "ADU-3610-AAAAA6"]
    assert found("si") == ["ADU-3604-AAAAA1", "ADU-3700-AAAAA8", "ADU-3604-AAAAA4"]
    assert found("sit") == [
        "ADU-3604-AAAAA1",
        "ADU-3700-AAAAA8",
        "ADU-3604-AAAAA2",
        "ADU-3604-AAAAA4",
    ]
    assert found("%") == []


def test_name_search_pages_with_its_total(inbox: Engine) -> None:
    first = search_complaints(inbox, "siti", region=None, now=NOW, calendar=CALENDAR, limit=3)
    rest = search_complaints(
        inbox, "siti", region=None, now=NOW, calendar=CALENDAR, limit=10, offset=3
    )
    assert first.total == rest.total == 4
    assert len(first.rows) == 3 and _trackings(rest.rows) == ["ADU-3604-AAAAA4"]


def test_name_search_counts_up_to_its_limit_and_says_there_are_more(
    inbox: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reads, "SEARCH_COUNT_MAX", 3)
    common = search_complaints(inbox, "siti", region=None, now=NOW, limit=2)
    assert (common.total, common.more, len(common.rows)) == (3, True, 2)
    exact = search_complaints(inbox, "siti", region="36", now=NOW)
    assert (exact.total, exact.more, len(exact.rows)) == (3, False, 3)


def test_an_empty_name_is_an_error_not_the_whole_inbox(inbox: Engine) -> None:
    with pytest.raises(ComplaintError, match="nama pelapor"):
        search_complaints(inbox, "   ", region="3604", now=NOW)


def test_a_tracking_code_is_found_only_within_the_region(inbox: Engine) -> None:
    with Session(inbox) as s:
        expected = s.query(Complaint.id).filter_by(tracking="ADU-3604-AAAAA3").scalar()
    assert complaint_id(inbox, " adu-3604-aaaaa3 ", region="3604") == expected
    assert complaint_id(inbox, "ADU-3604-AAAAA3", region=None) == expected
    with pytest.raises(ComplaintError, match="tidak ditemukan"):
        complaint_id(inbox, "ADU-3604-AAAAA3", region="3605")
    with pytest.raises(ComplaintError, match="tidak ditemukan"):
        complaint_id(inbox, "ADU-3604-ZZZZZZ", region=None)
