"""Hostile input files are refused before they are parsed, naming the file, place and limit.

Each file is a small version of one that took gigabytes (a header of a million columns, a
100 MB line, a quote swallowing the file, a zip bomb), checked against small limits.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from terpadu.files import InputLimits, InputTooLarge, read_table
from terpadu.i18n import error_words
from terpadu.settings import Settings

SMALL = InputLimits(
    max_bytes=4 << 20,
    max_columns=20,
    max_header_chars=30,
    max_cell_chars=100,
    max_rows=50,
    max_line_bytes=4096,
    xlsx_max_inflated_bytes=8 << 20,
    xlsx_max_ratio=100,
    xlsx_max_sheets=3,
    xlsx_max_shared_strings_bytes=64 << 10,
)


def refused(path: Path, code: str, limits: InputLimits = SMALL) -> InputTooLarge:
    with pytest.raises(InputTooLarge) as caught:
        read_table(path, limits=limits)
    assert caught.value.code == code
    assert str(path) in str(caught.value)
    return caught.value


def test_defaults_come_from_the_settings() -> None:
    limits = InputLimits.from_settings(Settings(input_max_columns=7, xlsx_max_sheets=2))
    assert (limits.max_columns, limits.xlsx_max_sheets) == (7, 2)
    assert InputLimits.from_settings(Settings()) == InputLimits()


# -- CSV ----------------------------------------------------------------------------------
def test_a_header_of_many_columns_is_refused_naming_the_count(tmp_path: Path) -> None:
    path = tmp_path / "lebar.csv"
    path.write_text(",".join(f"K{i}" for i in range(1000)) + "\n" + "1," * 999 + "1\n")
    error = refused(path, "input_too_many_columns")
    assert error.data["found"] == 1000 and error.data["row"] == 1
    assert "1000 kolom" in str(error) and "batas 20 kolom" in str(error)
    assert "1000 columns" in error_words(error, "en")


def test_a_first_line_longer_than_the_head_is_counted_to_its_end(tmp_path: Path) -> None:
    # Over 2 MiB of header: the width is counted as a stream, not guessed from the head.
    path = tmp_path / "sejuta.csv"
    path.write_bytes(b"a," * 1_200_000 + b"a\n1\n")
    limits = InputLimits(max_columns=500, max_line_bytes=1 << 20)  # a 2 MiB head
    error = refused(path, "input_too_many_columns", limits)
    assert error.data["found"] == 1_200_001


def test_quoted_separators_in_a_header_are_not_columns(tmp_path: Path) -> None:
    path = tmp_path / "kutip.csv"
    path.write_text('ID,"' + "a," * 40 + '"\n1,x\n')
    assert read_table(path, limits=InputLimits(max_columns=20)).frame.height == 1


def test_a_long_header_is_refused_naming_its_column(tmp_path: Path) -> None:
    path = tmp_path / "judul.csv"
    path.write_text("ID," + "N" * 31 + "\n1,x\n")
    error = refused(path, "input_header_too_long")
    assert (error.data["column"], error.data["found"]) == (2, 31)


def test_a_long_cell_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sel.csv"
    path.write_text("ID,NAMA\n1,Ahmad\n2," + "x" * 101 + "\n")
    error = refused(path, "input_cell_too_long")
    assert (error.data["row"], error.data["column"], error.data["found"]) == (3, "NAMA", 101)
    assert "baris 3, kolom NAMA" in str(error)


def test_a_line_without_line_break_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "satu-baris.csv"
    path.write_bytes(b"ID,NAMA\n1," + b"x" * 10_000)
    error = refused(path, "input_line_too_long")
    assert error.data["row"] == 2


def test_one_huge_cell_as_the_whole_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sel-raksasa.csv"
    path.write_bytes(b"x" * (9 << 20))
    refused(path, "input_line_too_long", InputLimits())


def _swallowing(path: Path) -> Path:
    """Short lines, each far under the line limit, inside one closed quote of 190 chars."""
    path.write_text('ID,NAMA\n1,"' + ("x" * 18 + "\n") * 10 + '"\n2,Budi\n3,Siti\n')
    return path


def test_a_quoted_value_swallowing_lines_is_refused_by_a_strict_caller(tmp_path: Path) -> None:
    path = _swallowing(tmp_path / "kutip-panjang.csv")
    error = refused(path, "input_cell_too_long", InputLimits(max_cell_chars=100))
    assert error.data["row"] == 2 and error.data["column"] == "NAMA"


def test_a_long_cell_costs_its_row_and_the_good_rows_stay(tmp_path: Path) -> None:
    path = _swallowing(tmp_path / "kutip-panjang.csv")
    table = read_table(path, limits=InputLimits(max_cell_chars=100), report_long_rows=True)
    assert table.frame.height == 3  # the long row is kept for the report, the others land
    issue = table.row_issues.filter(pl.col("code") == "cell_too_long").row(0, named=True)
    assert (issue["__row"], issue["column"], issue["severity"]) == (2, "NAMA", "error")
    assert issue["value"].startswith("190 karakter, batas 100: xxx")
    assert table.frame["NAMA"].str.len_chars().max() == 100  # cut: nothing after holds it whole
    assert table.frame.filter(pl.col("ID") == "3")["NAMA"].to_list() == ["Siti"]


def test_an_unclosed_quote_costs_its_rows_not_the_memory(tmp_path: Path) -> None:
    path = tmp_path / "kutip-terbuka.csv"
    path.write_text('ID,NAMA\n1,"Ahmad\n' + "".join(f"{i},Nama {i}\n" for i in range(2, 40)))
    table = read_table(path, limits=SMALL, report_long_rows=True)
    assert table.frame.height == 39  # every row read; the stray quote repaired with a warning


def test_too_many_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "panjang.csv"
    path.write_text("ID,NAMA\n" + "".join(f"{i},x\n" for i in range(51)))
    refused(path, "input_too_many_rows")


def test_a_file_at_every_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "pas.csv"
    header = ["H" * 30] + [f"K{i}" for i in range(19)]
    rows = [",".join([str(i), "x" * 100] + ["1"] * 18) for i in range(50)]
    path.write_text(",".join(header) + "\n" + "\n".join(rows) + "\n")
    table = read_table(path, limits=SMALL)
    assert table.frame.height == 50 and table.frame.width == 21


def test_bare_cr_lines_are_lines(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"ID,NAMA\r" + b"".join(b"%d,Nama\r" % i for i in range(1000)))
    assert read_table(path, limits=InputLimits(max_line_bytes=64)).frame.height == 1000


def test_the_file_size_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    path.write_text("ID,NAMA\n" + "1,x\n" * 100)
    error = refused(path, "input_too_big", InputLimits(max_bytes=100))
    assert "100 byte" in str(error)


# -- XLSX ---------------------------------------------------------------------------------
def _workbook(path: Path, rows: list[list[object]], sheets: int = 1) -> Path:
    book = Workbook()
    for index in range(sheets):
        sheet = book.active if index == 0 else book.create_sheet(f"S{index}")
        assert sheet is not None
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_zip_bomb_is_refused_from_the_directory(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bom.xlsx", [["ID", "NAMA"], [1, "Ahmad"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet9.xml", b"<x/>" + b" " * (4 << 20))
    error = refused(path, "xlsx_ratio_too_high")
    assert error.data["member"] == "xl/worksheets/sheet9.xml"


def test_an_xlsx_unpacking_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "besar.xlsx", [["ID", "NAMA"], [1, "Ahmad"]])
    refused(path, "xlsx_inflated_too_big", InputLimits(xlsx_max_inflated_bytes=1000))


def test_many_sheets_are_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "lembar.xlsx", [["ID", "NAMA"], [1, "Ahmad"]], sheets=4)
    error = refused(path, "xlsx_too_many_sheets")
    assert error.data["found"] == 4


def test_a_large_shared_strings_table_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "teks.xlsx", [["ID", "NAMA"], [1, "Ahmad"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (65 << 10) + b"</sst>")
    refused(path, "xlsx_shared_strings_too_big")


def _lie_about_sizes(path: Path, member: str, size: int) -> None:
    """Rewrite ``member``'s unpacked size in the zip's local and central headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + offset : at + offset + 4] = struct.pack("<I", size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_directory_that_lies_about_a_size_is_caught_while_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bohong.xlsx"
    _workbook(path, [["ID", "NAMA"], *[[i, "Ahmad bin Abdullah"] for i in range(2000)]])
    _lie_about_sizes(path, "xl/worksheets/sheet1.xml", 100)
    error = refused(path, "xlsx_member_mismatch")
    assert error.data["member"] == "xl/worksheets/sheet1.xml"


def test_a_long_xlsx_cell_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sel.xlsx", [["ID", "NAMA"], [1, "Ahmad"], [2, "x" * 101]])
    error = refused(path, "input_cell_too_long")
    assert (error.data["row"], error.data["column"]) == (3, "NAMA")


def test_xlsx_rows_and_columns_are_capped(tmp_path: Path) -> None:
    wide = _workbook(tmp_path / "lebar.xlsx", [[f"K{i}" for i in range(21)], [1] * 21])
    refused(wide, "input_too_many_columns")
    long = _workbook(tmp_path / "panjang.xlsx", [["ID", "NAMA"], *[[i, "x"] for i in range(51)]])
    refused(long, "input_too_many_rows")


def test_blank_styled_cells_after_the_header_are_no_columns(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "NAMA"])
    sheet.append([1, "Ahmad"])
    sheet.cell(row=1, column=300).number_format = "@"  # styled, no value
    book.save(tmp_path / "gaya.xlsx")
    table = read_table(tmp_path / "gaya.xlsx", limits=SMALL)
    assert table.frame.height == 1 and table.headers[:2] == ("ID", "NAMA")


def test_a_lying_dimension_does_not_pad_rows(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "dimensi.xlsx", [["ID", "NAMA"], [1, "Ahmad"]])
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet
    )
    assert members["xl/worksheets/sheet1.xml"] != sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    table = read_table(path, limits=SMALL)
    assert table.frame.height == 1 and table.frame.width == 3


# -- Parquet ------------------------------------------------------------------------------
def test_parquet_columns_and_rows_are_capped_from_the_footer(tmp_path: Path) -> None:
    wide = tmp_path / "lebar.parquet"
    pl.DataFrame({f"K{i}": [1] for i in range(21)}).write_parquet(wide)
    refused(wide, "input_too_many_columns")
    long = tmp_path / "panjang.parquet"
    pl.DataFrame({"ID": list(range(51))}).write_parquet(long)
    refused(long, "input_too_many_rows")
    cell = tmp_path / "sel.parquet"
    pl.DataFrame({"ID": ["1", "2"], "NAMA": ["Ahmad", "x" * 101]}).write_parquet(cell)
    assert refused(cell, "input_cell_too_long").data["row"] == 3


def test_refusing_a_huge_line_costs_a_few_blocks_not_the_file(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "garis.csv"
    with path.open("wb") as handle:
        handle.write(b"ID,NAMA\n1,")
        for _ in range(64):
            handle.write(b"x" * (1 << 20))
    tracemalloc.start()
    try:
        refused(path, "input_line_too_long", InputLimits())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20  # the head and one block, for a 64 MiB file
