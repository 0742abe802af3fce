"""Bulk inserts keep every value exactly: binary COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    select,
)

from terpadu.store.bulk import bulk_insert, bulk_transaction
from terpadu.store.pgcopy import binary_plan

UTC = dt.UTC


@pytest.fixture
def scratch(engine: Engine) -> Iterator[Table]:
    metadata = MetaData()
    table = Table(
        "bulk_scratch",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("small", SmallInteger),
        Column("whole", Integer),
        Column("ratio", Float),
        Column("day", Date),
        Column("at", DateTime(timezone=True)),
        Column("code", String(16)),
        Column("note", Text),
        Column("extra", JSON),
    )
    metadata.create_all(engine)
    yield table
    metadata.drop_all(engine)


FRAME = pl.DataFrame(
    {
        "id": [1, 2, 3, 4, 5],
        "small": [1, None, -32768, 32767, 0],
        "whole": [7, 2_147_483_647, None, -1, 0],
        "ratio": [36.5, None, -0.25, 1e-9, 0.0],
        "day": [dt.date(1934, 7, 8), dt.date(2000, 1, 1), None, dt.date(1999, 12, 31), None],
        "at": [
            dt.datetime(2026, 11, 23, 2, 44, 40, 663573),
            dt.datetime(2000, 1, 1),
            dt.datetime(1970, 1, 1, 0, 0, 1),
            dt.datetime(2026, 1, 1, 23, 59, 59, 999999),
            dt.datetime(1999, 12, 31, 23, 59, 59),
        ],
        "code": ["3601234567890123", None, "", "0000000000000001", "x'y\"z"],
        "note": ["Siti Nurhaliza, S.Pd.", "Ñoño ‘kutip’ — 日本", None, "a;b\nc", "   "],
        "extra": ['{"RT": "003"}', None, '{"a": [1, 2]}', "{}", None],
    },
    schema_overrides={"small": pl.Int64, "whole": pl.Int64, "at": pl.Datetime("us")},
)


def _read_back(engine: Engine, table: Table) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id)).all()]


def _as_utc(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def test_every_value_comes_back_as_it_was_sent(engine: Engine, scratch: Table) -> None:
    with bulk_transaction(engine) as conn:
        assert bulk_insert(conn, scratch.name, FRAME, chunk_rows=2) == FRAME.height
    got = [[_as_utc(v) for v in row] for row in _read_back(engine, scratch)]
    want = [
        [_as_utc(v) for v in row[:-1]] + [None if row[-1] is None else json.loads(row[-1])]
        for row in FRAME.iter_rows()
    ]
    assert got == want


def test_time_zone_aware_timestamps_are_stored_as_the_same_instant(
    engine: Engine, scratch: Table
) -> None:
    nine_in_jakarta = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    frame = pl.DataFrame({"id": [1], "at": [nine_in_jakarta]})
    assert frame.schema["at"] == pl.Datetime("us", "Asia/Jakarta")
    with bulk_transaction(engine) as conn:
        bulk_insert(conn, scratch.name, frame)
    with engine.connect() as conn:
        stored = conn.execute(select(scratch.c.at)).scalar_one()
    assert _as_utc(stored) == dt.datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_value_too_large_for_its_column_is_refused_not_wrapped(
    engine: Engine, scratch: Table
) -> None:
    too_big = pl.DataFrame({"id": [1], "small": [40_000]})
    with pytest.raises(ValueError, match="small"), bulk_transaction(engine) as conn:
        bulk_insert(conn, scratch.name, too_big)
    assert _read_back(engine, scratch) == []


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_columns_without_an_exact_binary_form_go_as_csv(engine: Engine, scratch: Table) -> None:
    as_text = pl.DataFrame({"id": [1, 2], "day": ["2020-02-29", None], "small": ["5", "6"]})
    with bulk_transaction(engine) as conn:
        bulk_insert(conn, scratch.name, as_text)
    with engine.connect() as conn:
        rows = conn.execute(select(scratch.c.day, scratch.c.small).order_by(scratch.c.id)).all()
    assert [tuple(r) for r in rows] == [(dt.date(2020, 2, 29), 5), (None, 6)]


def test_the_plan_sends_fixed_width_columns_first() -> None:
    plan = binary_plan(
        pl.DataFrame(
            {"name": ["a"], "code": [None], "id": [1]},
            schema={"name": pl.Utf8, "code": pl.Int16, "id": pl.Int64},
        ),
        {"name": "text", "code": "smallint", "id": "bigint"},
    )
    assert plan is not None
    assert [(f.name, f.solid) for f in plan] == [("code", False), ("id", True), ("name", False)]
    assert binary_plan(pl.DataFrame({"flag": [True]}), {"flag": "boolean"}) is None


def test_rows_of_numbers_only_come_back_as_sent(engine: Engine, scratch: Table) -> None:
    numbers = FRAME.select("id", "small", "whole", "ratio", "day")
    with bulk_transaction(engine) as conn:
        bulk_insert(conn, scratch.name, numbers, chunk_rows=3)
    got = [row[:5] for row in _read_back(engine, scratch)]
    assert got == [tuple(row) for row in numbers.iter_rows()]
