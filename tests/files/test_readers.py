"""Picking the reader: formats, missing and empty files, blank rows, column names."""

from pathlib import Path

import pytest

from terpadu.files.readers import ROW, InputFileError, read_table


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


def test_a_lone_dash_is_an_empty_cell(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "ID_ANGGOTA,NAMA,TGL_LAHIR,JENIS_KELAMIN\nA1,Ahmad, - ,--\n-,-,-,-\nA2,Jean-Luc,\u2014,L\n"
    )
    table = read_table(path)
    assert table.frame.rows() == [(2, "A1", "Ahmad", None, None), (4, "A2", "Jean-Luc", None, "L")]
