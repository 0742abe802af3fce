from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from terpadu.identity.repair import repair_identity_frame
from terpadu.intake.readers import ROW, InputFileError, header_row, read_table


def test_semicolon_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes("\ufeffID_KELUARGA;NAMA\nK1;Ahmad\nK2;Siti\n".encode())
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.encoding == "utf-8-sig"
    assert table.frame.columns == [ROW, "ID_KELUARGA", "NAMA"]
    assert table.frame[ROW].to_list() == [2, 3]


def test_windows_1252_csv(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes("ID;NAMA\n1;Andr\xe9 \x93Ucok\x94\n".encode("latin-1"))
    table = read_table(path)
    assert table.encoding == "windows-1252"
    assert table.frame["NAMA"].to_list() == ["André “Ucok”"]


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


def test_csv_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "DATA ANGGOTA DESA KRAMATWATU;;;\nPetugas: Budi;;;\n;;;\n"
        "ID_ANGGOTA;ID_KELUARGA;NIK;NAMA\nA1;K1;3604051507870001;Ahmad\n\nA2;K1;;Siti\n"
    )
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.frame.columns == [ROW, "ID_ANGGOTA", "ID_KELUARGA", "NIK", "NAMA"]
    # Row numbers stay the spreadsheet's: the header is row 4.
    assert table.frame[ROW].to_list() == [5, 7]
    assert table.frame["NAMA"].to_list() == ["Ahmad", "Siti"]


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


@pytest.mark.parametrize(
    ("rows", "header"),
    [
        ([["ID", "NAMA"], ["1", "Ahmad"]], 0),
        ([["DATA"], [], ["ID", "NAMA", "NIK"], ["1", "A", "2"]], 2),
        ([["Judul", "2026"], ["ID", "NAMA", "NIK", "KK", "RT"]], 1),
        ([[], ["NIK"], ["3604051507870001"]], 1),  # one column
        ([], 0),
    ],
)
def test_header_row(rows: list[list[str]], header: int) -> None:
    assert header_row(rows) == header


RAGGED = (
    "ID_KELUARGA,NO_KK,ALAMAT,RT\n"
    "K1,3604051507870001,Jl. Mawar, No 5,001\n"  # unquoted comma: values shift
    'K2,3604052001100002,"Jl. Melati, No 6",003\n'
    "K3,3604052001100003,Kp Baru,005,,\n"  # trailing separators: nothing is lost
    "K4,3604052001100004\n"  # short row: the rest is blank
)


def test_a_row_longer_than_the_header_refuses_the_file_by_default(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(RAGGED)
    with pytest.raises(InputFileError, match=r"baris 2 berisi 5 nilai, padahal judul hanya 4"):
        read_table(path)


def test_rows_longer_than_the_header_are_reported_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(RAGGED)
    table = read_table(path, report_long_rows=True)
    assert table.frame[ROW].to_list() == [2, 3, 4, 5]
    assert table.frame["ALAMAT"].to_list() == ["Jl. Mawar", "Jl. Melati, No 6", "Kp Baru", None]
    assert table.frame["RT"].to_list() == ["No 5", "003", "005", None]
    issues = table.row_issues.to_dicts()
    assert issues == [
        {
            ROW: 2,
            "column": "BARIS",
            "value": "K1,3604051507870001,Jl. Mawar, No 5,001",
            "severity": "error",
            "code": "row_too_many_fields",
        }
    ]


def test_utf16_text_from_excel(tmp_path: Path) -> None:
    """Excel's "Unicode Text" export: UTF-16 with a BOM, tab-separated."""
    path = tmp_path / "a.txt"
    path.write_bytes("ID_ANGGOTA\tNAMA\r\nA1\tJosé\r\n".encode("utf-16"))
    table = read_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.frame["NAMA"].to_list() == ["José"]


@pytest.mark.parametrize(("name", "content"), [("a.xls", b"x"), ("a.dat", b"\xd0\xcf\x11\xe0rest")])
def test_old_excel_files_are_refused_with_what_to_do(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=r"Excel 97-2003.*simpan sebagai .xlsx atau CSV"):
        read_table(path)


def test_a_column_without_header_is_named_by_its_place(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(",ID_ANGGOTA,NAMA\n0,A1,Ahmad\n")
    assert read_table(path).frame.columns == [ROW, "KOLOM_1", "ID_ANGGOTA", "NAMA"]


def test_a_sheet_is_only_for_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("ID,NAMA\n1,Ahmad\n")
    with pytest.raises(InputFileError, match="bukan XLSX"):
        read_table(path, "ANGGOTA")


def test_a_renamed_workbook_is_read_as_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["ID_ANGGOTA", "NAMA"])
    book.active.append(["A1", "Ahmad"])
    path = tmp_path / "anggota.csv"  # saved from Excel, then renamed
    book.save(path)
    table = read_table(path)
    assert table.file_format == "xlsx"
    assert table.frame["NAMA"].to_list() == ["Ahmad"]


def test_a_file_that_is_not_text_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(b"ID,NAMA\n" + bytes(range(256)) * 20)
    with pytest.raises(InputFileError, match=r"k\.csv: isi CSV rusak"):
        read_table(path)


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


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="tidak ditemukan"):
        read_table(tmp_path / "nope.csv")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(InputFileError, match="kosong"):
        read_table(path)


def test_blank_rows_are_not_data_and_row_numbers_stay(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text("ID_KELUARGA;NO_KK\nK1;1\n\nK2;2\n;\n")
    table = read_table(path)
    assert table.frame[ROW].to_list() == [2, 4]
    assert table.frame["ID_KELUARGA"].to_list() == ["K1", "K2"]
