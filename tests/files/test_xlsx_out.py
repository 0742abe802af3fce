"""XLSX files people can work in: identifiers as text, frozen header, filter, widths."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from terpadu.files import TableFormatError, write_table
from terpadu.files.xlsx_out import TooManyRows, write_sheets, xlsx_bytes


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "NIK": ["3604054107870002", None],
            "NO_KK": [3604051507870001, 3604052001100002],  # held as numbers: still text
            "NAMA": ['=HYPERLINK("http://x","y")', "Budi"],
            "NOMINAL": [300_000, -5],
            "TGL_LAHIR": [dt.date(1987, 7, 1), None],
        }
    )


def test_identifiers_stay_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    out = write_table(_frame(), tmp_path / "x.xlsx", sheet="bnba")
    ws = load_workbook(out)["bnba"]
    assert [c.value for c in ws[1]] == ["NIK", "NO_KK", "NAMA", "NOMINAL", "TGL_LAHIR"]
    assert ws["A2"].value == "3604054107870002" and ws["A2"].data_type == "s"
    assert ws["B2"].value == "3604051507870001" and ws["B3"].value == "3604052001100002"
    assert ws["B2"].data_type == "s" and ws["B2"].number_format == "@"
    assert ws["C2"].value == '=HYPERLINK("http://x","y")' and ws["C2"].data_type == "s"
    assert ws["D2"].value == 300_000 and ws["D3"].value == -5
    assert ws["E2"].value == dt.datetime(1987, 7, 1) and ws["A3"].value is None
    # The header stays in view, every column can be filtered, columns fit their text.
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E3"
    assert ws.column_dimensions["A"].width >= 16


def test_several_sheets_in_one_workbook_as_bytes() -> None:
    data = xlsx_bytes(
        {"Ringkasan": _frame(), "Kosong": pl.DataFrame({"kode": []}, schema={"kode": pl.Utf8})}
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Ringkasan", "Kosong"]
    assert book["Kosong"]["A1"].value == "kode" and book["Kosong"].freeze_panes == "A2"


def test_too_many_rows_are_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("terpadu.files.xlsx_out.XLSX_MAX_ROWS", 1)
    with pytest.raises(TooManyRows, match="batas Excel"):
        write_sheets({"a": _frame()}, tmp_path / "a.xlsx")
    with pytest.raises(TableFormatError, match=r"x\.xlsx: 2 baris melebihi batas Excel"):
        write_table(_frame(), tmp_path / "x.xlsx")
