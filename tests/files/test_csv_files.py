"""CSV files: encodings, separators, title rows, rows longer than the header."""

from pathlib import Path

import pytest

from terpadu.files.readers import ROW, InputFileError, read_table


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


def test_a_file_that_is_not_text_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(b"ID,NAMA\n" + bytes(range(256)) * 20)
    with pytest.raises(InputFileError, match=r"k\.csv: baris 2 tidak dapat dibaca sebagai teks"):
        read_table(path)
