"""Age in completed years: the one SQL expression welfare and targeting share, checked on
DuckDB (and Spark) against the calendar rule, birthdays on 29 February included."""

import datetime as dt
import random

import pyarrow as pa
import pytest

from terpadu.engine import BatchEngine, DuckDBEngine
from terpadu.engine.dialects import age_sql

# (birth date, reference date, completed years), worked out by hand.
CASES = [
    (dt.date(2000, 2, 29), dt.date(2025, 2, 28), 24),  # common year: not yet on 28 February
    (dt.date(2000, 2, 29), dt.date(2025, 3, 1), 25),  # … reached on 1 March
    (dt.date(2000, 2, 29), dt.date(2024, 2, 28), 23),
    (dt.date(2000, 2, 29), dt.date(2024, 2, 29), 24),  # leap year: on the day itself
    (dt.date(2010, 11, 23), dt.date(2026, 11, 22), 15),  # the day before the birthday
    (dt.date(2010, 11, 22), dt.date(2026, 11, 22), 16),  # the birthday
    (dt.date(2010, 11, 21), dt.date(2026, 11, 22), 16),
    (dt.date(1999, 12, 31), dt.date(2027, 1, 1), 27),
    (dt.date(2027, 1, 1), dt.date(2027, 1, 1), 0),
    (dt.date(2026, 12, 31), dt.date(2026, 11, 22), -1),  # a birth date after the reference
]
REFERENCES = sorted({on for _, on, _ in CASES})


def _completed_years(birth: dt.date, on: dt.date) -> int:
    """The calendar rule: a year is completed on the birthday (1 March for 29 February)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _births() -> list[dt.date | None]:
    rng = random.Random(18)
    start = dt.date(1920, 1, 1).toordinal()
    end = dt.date(2027, 1, 1).toordinal()
    drawn = [dt.date.fromordinal(rng.randrange(start, end)) for _ in range(400)]
    return [*sorted({b for b, _, _ in CASES} | set(drawn)), None]


def _ages(engine: BatchEngine, births: list[dt.date | None], on: dt.date) -> list[int | None]:
    engine.register_arrow("births", pa.table({"i": range(len(births)), "b": births}))
    result = engine.sql(f"SELECT i, {age_sql('b', on)} AS umur FROM births ORDER BY i")
    return [None if a is None else int(a) for a in result.column("umur").to_pylist()]


def _check(engine: BatchEngine) -> None:
    births = _births()
    for on in REFERENCES:
        ages = dict(zip(births, _ages(engine, births, on), strict=True))
        for birth, when, years in CASES:
            if when == on:
                assert ages[birth] == years, (birth, on)
        assert ages[None] is None
        for birth in births:
            if birth is not None and birth <= on:
                assert ages[birth] == _completed_years(birth, on), (birth, on)


def test_age_in_completed_years_on_duckdb() -> None:
    engine = DuckDBEngine()
    try:
        _check(engine)
    finally:
        engine.close()


@pytest.mark.spark
def test_age_in_completed_years_on_spark() -> None:
    pytest.importorskip("pyspark")
    from terpadu.engine import SparkEngine

    engine = SparkEngine()
    try:
        _check(engine)
    finally:
        engine.close()
