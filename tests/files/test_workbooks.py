"""XLSX and Parquet files: exact numbers and dates, sheets, title rows."""

from pathlib import Path

import polars as pl
from openpyxl import Workbook

from terpadu.files.readers import ROW, read_table
from terpadu.identity.repair import repair_identity_frame


def test_xlsx_keeps_long_numbers_and_dates_exact(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "a.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["NIK", "TGL_LAHIR", "NAMA"])
    sheet.append([3604051507870001, dt.datetime(1987, 7, 15), "Ahmad"])
    sheet.append(["'3604054107870002", "01-07-1987", "Siti"])
    sheet.append([None, None, None])  # trailing blank row is spreadsheet noise
    book.save(path)
    table = read_table(path)
    assert table.frame["NIK"].to_list() == ["3604051507870001", "'3604054107870002"]
    assert table.frame["TGL_LAHIR"].to_list() == ["1987-07-15", "01-07-1987"]
    assert table.frame[ROW].to_list() == [2, 3]


def test_xlsx_numbers_excel_may_have_rounded_are_not_trusted(tmp_path: Path) -> None:
    """Excel keeps 15 digits: a NIK typed into a number cell is saved ending in 0. Such
    numbers come out the way Excel shows them, so the identity check reports lost digits;
    a 16-digit number ending otherwise was written exactly by a program and is kept."""
    path = tmp_path / "a.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["NIK", "LUAS"])
    sheet.append([3604051507870000, 36.5])
    sheet.append([3.60405e15, 20.0])
    sheet.append([3604051507870001.0, 1e3])
    sheet.append([1000000000000000, 0])
    book.save(path)
    table = read_table(path)
    assert table.frame["NIK"].to_list() == [
        "3.60405150787E+15",
        "3.60405E+15",
        "3604051507870001",
        "1E+15",
    ]
    assert table.frame["LUAS"].to_list() == ["36.5", "20", "1000", "0"]
    repaired = repair_identity_frame(table.frame["NIK"])
    assert repaired["error_code"].to_list() == ["number_digits_lost"] * 2 + [
        None,
        "number_digits_lost",
    ]


def test_xlsx_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "k.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["DATA KELUARGA DESA KRAMATWATU TAHUN 2026"])
    sheet.append([])
    sheet.append(["Kecamatan", "Kramatwatu"])
    sheet.append(["ID_KELUARGA", "NO_KK", "KODE_WILAYAH", "ALAMAT", "RT"])
    sheet.append(["K1", "3604051507870001", "3604052001", "Kp. Baru", "001"])
    book.save(path)
    table = read_table(path)
    assert table.frame.columns == [ROW, "ID_KELUARGA", "NO_KK", "KODE_WILAYAH", "ALAMAT", "RT"]
    assert table.frame[ROW].to_list() == [5]


def test_a_renamed_workbook_is_read_as_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["ID_ANGGOTA", "NAMA"])
    book.active.append(["A1", "Ahmad"])
    path = tmp_path / "anggota.csv"  # saved from Excel, then renamed
    book.save(path)
    table = read_table(path)
    assert table.file_format == "xlsx"
    assert table.frame["NAMA"].to_list() == ["Ahmad"]


def test_parquet_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pl.DataFrame({"NIK": ["3604051507870001"], "JENIS_KELAMIN": [1]}).write_parquet(path)
    table = read_table(path)
    assert table.frame["JENIS_KELAMIN"].to_list() == ["1"]


def test_parquet_float_numbers_follow_the_spreadsheet_rule(tmp_path: Path) -> None:
    """A NIK column of floats came through a spreadsheet: the 15-digit rule of XLSX holds."""
    path = tmp_path / "a.parquet"
    nik = [3604051507870001.0, 3604051507870000.0, None]
    frame = {"NIK": nik, "LUAS": [36.5, 20.0, None], "KK": [3604051507870000, 1, None]}
    pl.DataFrame({**frame, "NAMA": ["Ahmad", "Siti", "Budi"]}).write_parquet(path)
    table = read_table(path)
    assert table.frame["NIK"].to_list() == ["3604051507870001", "3.60405150787E+15", None]
    assert table.frame["LUAS"].to_list() == ["36.5", "20.0", None]
    assert table.frame["KK"].to_list() == ["3604051507870000", "1", None]  # integers are exact
