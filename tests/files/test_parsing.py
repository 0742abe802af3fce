import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terpadu.files.clean import _dates, single_spaced
from terpadu.files.parsing import (
    parse_code,
    parse_code_series,
    parse_date,
    parse_number,
    parse_number_series,
)
from terpadu.layouts import ANGGOTA_COLUMNS, KELUARGA_COLUMNS, Column, normalize_header

TODAY = dt.date(2026, 11, 22)


def _one(expr: pl.Expr, value: str | None) -> object:
    return pl.DataFrame({"v": [value]}, schema={"v": pl.Utf8}).select(expr).item()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1987-07-15", dt.date(1987, 7, 15)),
        ("15-07-1987", dt.date(1987, 7, 15)),
        ("15/07/1987", dt.date(1987, 7, 15)),
        ("5/7/1987", dt.date(1987, 7, 5)),
        ("15-07-87", dt.date(1987, 7, 15)),
        ("15-07-05", dt.date(2005, 7, 15)),
        ("31973", dt.date(1987, 7, 15)),  # Excel serial number
        ("31973.0", dt.date(1987, 7, 15)),
        ("1987-07-15 00:00:00", dt.date(1987, 7, 15)),
        ("15 Juli 1987", dt.date(1987, 7, 15)),
        ("15-Jul-87", dt.date(1987, 7, 15)),
        ("5 Agt 2001", dt.date(2001, 8, 5)),
        ("1 Pebruari 1990", dt.date(1990, 2, 1)),
        ("17 AGUSTUS 1945", dt.date(1945, 8, 17)),
        ("15 Sept. 1987", dt.date(1987, 9, 15)),
        ("31 Februari 1990", None),
        ("15 Foo 1987", None),
        ("30-02-1987", None),
        ("kemarin", None),
        (None, None),
    ],
)
def test_dates_in_every_accepted_form(text: str | None, expected: dt.date | None) -> None:
    assert _one(parse_date(pl.col("v"), TODAY), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("36,5", 36.5),
        ("36.5", 36.5),
        ("1.250,75", 1250.75),
        ("1,250.75", 1250.75),
        ("45 m2", 45.0),
        ("900 VA", 900.0),
        ("empat", None),
    ],
)
def test_numbers_written_the_indonesian_or_english_way(text: str, expected: float | None) -> None:
    assert _one(parse_number(pl.col("v")), text) == expected


def _column(name: str):  # type: ignore[no-untyped-def]
    return next(c for c in (*KELUARGA_COLUMNS, *ANGGOTA_COLUMNS) if c.name == name)


@pytest.mark.parametrize(
    ("column", "text", "code"),
    [
        ("JENIS_KELAMIN", "Laki-laki", 1),
        ("JENIS_KELAMIN", "L", 1),
        ("JENIS_KELAMIN", "p", 2),
        ("JENIS_KELAMIN", "2", 2),
        ("JENIS_KELAMIN", "2.0", 2),
        ("JENIS_KELAMIN", "9", None),
        ("JENIS_LANTAI", "Tanah", 8),
        ("JENIS_LANTAI", "keramik", 2),
        ("HUB_KELUARGA", "Kepala Keluarga", 1),
        ("HUB_KELUARGA", "istri", 2),
        ("ASET_KULKAS", "Ya", 1),
        ("ASET_KULKAS", "tidak", 0),
        ("PENDIDIKAN_TERTINGGI", "SMA/SMK", 3),
        ("BAHAN_BAKAR_MASAK", "Kayu bakar", 8),
    ],
)
def test_codes_by_number_or_label(column: str, text: str, code: int | None) -> None:
    assert _one(parse_code(pl.col("v"), _column(column).label_map()), text) == code


@pytest.mark.parametrize("header", ["No. KK", "NO_KK", "nokk", " no-kk ", "\ufeffNO KK"])
def test_headers_match_ignoring_case_spaces_dots_dashes(header: str) -> None:
    assert normalize_header(header) == "nokk"


cells = st.none() | st.text(
    alphabet=st.sampled_from("0123456789.,-+ eEmMvVaArRpP²\t\u00a0xyYaTtidkLl"), max_size=12
)
ALL_COLUMNS = [c for c in (*KELUARGA_COLUMNS, *ANGGOTA_COLUMNS) if c.kind in ("code", "flag")]


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, max_size=30), st.sampled_from(ALL_COLUMNS))
def test_column_code_reading_agrees_with_the_expression(
    values: list[str | None], column: Column
) -> None:
    text = pl.Series(values, dtype=pl.Utf8)
    labels = [label for spellings in column.codes.values() for label in spellings]
    text = pl.concat([text, pl.Series([*labels, "1", "01", "1.0", "+1", "001"], dtype=pl.Utf8)])
    expected = text.to_frame("v").select(parse_code(pl.col("v"), column.label_map())).to_series()
    assert parse_code_series(text, column.label_map()).to_list() == expected.to_list()


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, max_size=30))
def test_column_number_reading_agrees_with_the_expression(values: list[str | None]) -> None:
    text = pl.Series([*values, "77", "007", "+5", "-0", "1.250", "99999999999999999999"])
    expected = text.to_frame("v").select(parse_number(pl.col("v"))).to_series()
    assert parse_number_series(text).to_list() == expected.to_list()


DATE_FORMS = [
    "1987-07-15",
    "15-07-1987",
    "5/7/1987",
    "15-07-87",
    "05-07-26",
    "12-11-05",
    "31973",
    "31973.0",
    "1987-07-15 00:00:00",
    "15 Juli 1987",
    "5-Agt-01",
    "30-02-1987",
    "15.07.1987",
    "kemarin",
]


def test_a_column_mixing_every_date_form_is_read() -> None:
    """Excel files mix forms in one column (typed dates, serials, day-first text)."""
    text = pl.Series(DATE_FORMS, dtype=pl.Utf8)
    assert _dates(text, TODAY).to_list() == [
        _one(parse_date(pl.col("v"), TODAY), v) for v in DATE_FORMS
    ]


def test_a_two_digit_year_is_not_read_as_an_iso_year() -> None:
    """DD-MM-YY can also be read as YY-MM-DD: 05-07-26 is 5 July 2026, not 26 July 0005."""
    text = pl.Series(["05-07-26", "12-11-05", "0005-07-26"])
    assert _dates(text, TODAY).to_list() == [
        dt.date(2026, 7, 5),
        dt.date(2005, 11, 12),
        dt.date(5, 7, 26),
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.none() | st.sampled_from(DATE_FORMS), max_size=20))
def test_column_date_reading_agrees_with_one_cell_at_a_time(values: list[str | None]) -> None:
    text = pl.Series(values, dtype=pl.Utf8)
    expected = [_one(parse_date(pl.col("v"), TODAY), v) for v in values]
    assert _dates(text, TODAY).to_list() == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.none() | st.text(alphabet=st.sampled_from("ab .\t\n\u00a0\u2003"), max_size=8)))
def test_whitespace_runs_become_one_space(values: list[str | None]) -> None:
    text = pl.Series(values, dtype=pl.Utf8)
    assert single_spaced(text).to_list() == text.str.replace_all(r"\s+", " ").to_list()
    assert text.to_list() == values  # the caller's column is left as it was
