"""Periods: a month, a quarter or a year, and the error for anything else."""

from __future__ import annotations

import datetime as dt

import pytest

from terpadu.periods import InvalidPeriod, parse_period


def _utc(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("given", "label", "start", "end"),
    [
        ("2026-11", "2026-11", _utc(2026, 11), _utc(2026, 12)),
        ("2026-12", "2026-12", _utc(2026, 12), _utc(2027, 1)),
        (" 2026-q4 ", "2026-Q4", _utc(2026, 10), _utc(2027, 1)),
        ("2025-Q1", "2025-Q1", _utc(2025, 1), _utc(2025, 4)),
        ("2026", "2026", _utc(2026, 1), _utc(2027, 1)),
    ],
)
def test_parse_period(given: str, label: str, start: dt.datetime, end: dt.datetime) -> None:
    assert parse_period(given) == (label, start, end)


@pytest.mark.parametrize("given", ["2026-13", "2026-Q5", "26", "2026/11", "", "November 2026"])
def test_invalid_period_carries_its_code_and_value(given: str) -> None:
    with pytest.raises(InvalidPeriod) as caught:
        parse_period(given)
    assert caught.value.code == "invalid_period"
    assert caught.value.value == given
    assert isinstance(caught.value, ValueError)
    assert f"Periode '{given}' tidak sah" in str(caught.value)
