"""Reading CSV line by line: a stray quote costs one row, a quoted line break is kept."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terpadu.files.csv_lines import line_alone, read_records, split_line
from terpadu.files.readers import ROW, InputFileError, read_table

HEADER = "ID,NAMA,KODE"


def test_split_line_by_strict_rules() -> None:
    assert split_line('a,"b, c",d', ",") == ["a", "b, c", "d"]
    assert split_line('a,"say ""hi""",d', ",") == ["a", 'say "hi"', "d"]
    assert split_line('a,b "c",d', ",") == ["a", 'b "c"', "d"]  # a quote inside is a letter
    assert split_line('a,"b,d', ",") is None  # never closed
    assert split_line('a,"b" c,d', ",") is None  # text after a closing quote


def test_a_stray_quote_is_read_as_a_letter_only_when_the_line_then_fits() -> None:
    assert line_alone('a,"b,d', ",", 3) == (["a", '"b', "d"], True)
    assert line_alone('a,"b', ",", 3) is None
    assert line_alone("a,b,c", ",", 3) == (["a", "b", "c"], False)


def test_records_around_a_stray_quote() -> None:
    text = f'{HEADER}\n1,"Budi,01\n2,Siti,02\n3,Joko,03\n'
    records = read_records(text, ",", 0)
    assert records.fields == [["1", '"Budi', "01"], ["2", "Siti", "02"], ["3", "Joko", "03"]]
    assert records.first_lines == [2, 3, 4]
    assert records.issues == [(2, "warning", "unbalanced_quote_repaired", '1,"Budi,01')]


def test_a_quoted_line_break_stays_one_record_and_rows_count_records() -> None:
    text = f'{HEADER}\n1,"Jl. Mawar\nNo 5",01\n2,Siti,02\n'
    records = read_records(text, ",", 0)
    assert records.fields == [["1", "Jl. Mawar\nNo 5", "01"], ["2", "Siti", "02"]]
    assert records.first_lines == [2, 4]
    assert records.issues == []


def test_a_stray_quote_before_more_than_the_csv_module_holds_in_one_value(
    tmp_path: Path,
) -> None:
    """A quote never closed, 6,000 rows (about 150 kB) before the end of the file."""
    rows = [f"{n},Orang nomor {n:05d} dari desa,{n % 90 + 10}" for n in range(6000)]
    rows[1] = '1,"Orang nomor satu,11'
    path = tmp_path / "a.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    table = read_table(path, report_long_rows=True)
    assert table.frame.height == 6000
    assert table.frame["NAMA"][1] == '"Orang nomor satu'
    assert table.row_issues["code"].to_list() == ["unbalanced_quote_repaired"]


def test_a_caller_that_takes_no_partial_file_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "kuota.csv"
    path.write_text(f'{HEADER}\n1,"Budi\n2,Siti,02\n')
    with pytest.raises(InputFileError, match=r"kuota\.csv: baris 2: Tanda kutip"):
        read_table(path)


def test_title_rows_and_a_stray_quote_keep_the_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f'DATA DESA,,\n\n{HEADER}\n1,"Budi,01\n2,Siti,02\n')
    table = read_table(path, report_long_rows=True)
    assert table.frame[ROW].to_list() == [4, 5]
    assert table.row_issues[ROW].to_list() == [4]


def test_rows_after_a_quoted_line_break_keep_their_numbers_on_both_readings(
    tmp_path: Path,
) -> None:
    """Read by polars (only a quoted line break) and line by line (a stray quote too), the
    rows, a BOM joined in and the stray quote are placed on the same rows."""
    body = f'{HEADER}\n1,"Jl. Mawar\nNo 5",01\n2,Siti,02\n\ufeff3,Joko,03\n'
    clean = tmp_path / "clean.csv"
    clean.write_text(body)
    stray = tmp_path / "stray.csv"
    stray.write_text(body + '4,"Budi,04\n5,Eka,05\n')
    for path, rows in ((clean, [2, 3, 4]), (stray, [2, 3, 4, 5, 6])):
        table = read_table(path, report_long_rows=True)
        assert table.frame[ROW].to_list() == rows
        assert table.frame["ID"].to_list()[:3] == ["1", "2", "3"]  # no BOM in the key
        assert table.cell_repairs.select(ROW, "header", "code").rows() == [
            (4, "ID", "invisible_char_removed")
        ]
    assert table.row_issues.select(ROW, "code").rows() == [(5, "unbalanced_quote_repaired")]


def test_a_quoted_line_break_whose_lines_look_like_rows_is_read_as_stray_quotes(
    tmp_path: Path,
) -> None:
    """The documented limit: a quoted value whose lines each split into the header's width
    reads as two rows, the first named as having a stray quote, rather than one row
    swallowing another."""
    path = tmp_path / "a.csv"
    path.write_text(f'{HEADER}\n1,"Jl. Mawar, No 5\n2, RT 1",01\n')
    table = read_table(path, report_long_rows=True)
    assert table.frame["NAMA"].to_list() == ['"Jl. Mawar', 'RT 1"']
    assert table.row_issues.select(ROW, "code").rows() == [(2, "unbalanced_quote_repaired")]


def test_a_last_row_with_a_quoted_line_break_and_no_final_line_break_is_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f'{HEADER}\n1,Siti,01\n2,"Jl. Mawar\nNo 5",02')
    table = read_table(path, report_long_rows=True)
    assert table.frame["NAMA"].to_list() == ["Siti", "Jl. Mawar\nNo 5"]
    assert table.row_issues.height == 0
    path.write_text(f'{HEADER}\n1,Siti,01\n2,"Jl. Mawar\nNo 5"')
    table = read_table(path, report_long_rows=True)
    assert table.row_issues.select(ROW, "code").rows() == [(3, "row_too_few_fields")]


def test_a_stray_quote_before_a_blank_line_at_the_end_is_repaired() -> None:
    records = read_records(f'{HEADER}\n1,Siti,01\n2,"Budi,02\n\n', ",", 0)
    assert records.fields[:2] == [["1", "Siti", "01"], ["2", '"Budi', "02"]]
    assert [code for _, _, code, _ in records.issues] == ["unbalanced_quote_repaired"]


WORDS = ["Budi", "Siti", "Aminah", "Joko", "Susilo", "Dewi", "Eka", "Putri", "Kp.", "Baru"]


@st.composite
def damaged_file(draw: st.DrawFn) -> tuple[str, list[list[str]], set[int]]:
    """(CSV text, the values each row holds, rows whose line has a stray opening quote).

    Rows of seven values; some get a stray quote at the start, inside or at the end of a
    value, some a properly quoted value with a line break (an address).
    """
    rows: list[list[str]] = []
    lines: list[str] = []
    repaired: set[int] = set()
    for number in range(draw(st.integers(1, 25))):
        values = [
            f"M{number}",
            f"K{number % 3}",
            "",
            " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))),
            draw(st.sampled_from(["1", "2"])),
            "1990-01-01",
            "3",
        ]
        cells = list(values)
        damage = draw(st.sampled_from(["none", "none", "start", "inside", "end", "break"]))
        column = draw(st.integers(0, 6))
        if damage in ("inside", "end") and not values[column]:
            damage = "start"  # a quote alone in a value opens it
        if damage == "start":
            values[column] = cells[column] = '"' + values[column]
            repaired.add(number + 2)
        elif damage == "inside":
            values[column] = cells[column] = values[column][:1] + '"' + values[column][1:]
        elif damage == "end":
            values[column] = cells[column] = values[column] + '"'
        elif damage == "break":
            values[3] = "Jl. Mawar\n" + values[3]
            cells[3] = '"' + values[3] + '"'
        rows.append(values)
        lines.append(",".join(cells))
    return "\n".join(["ID,KEL,NIK,NAMA,JK,LAHIR,HUB", *lines]) + "\n", rows, repaired


@settings(max_examples=150, deadline=None)
@given(damaged_file())
def test_stray_quotes_cost_no_row_and_quoted_line_breaks_stay_whole(
    case: tuple[str, list[list[str]], set[int]],
) -> None:
    text, rows, repaired = case
    records = read_records(text, ",", 0)
    assert records.fields == rows
    assert {row for row, _, code, _ in records.issues} == repaired
    assert {code for _, _, code, _ in records.issues} <= {"unbalanced_quote_repaired"}


@settings(max_examples=100, deadline=None)
@given(damaged_file())
def test_the_same_holds_whichever_reader_polars_or_line_by_line_reads_the_file(
    case: tuple[str, list[list[str]], set[int]],
) -> None:
    text, rows, repaired = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.csv"
        path.write_text(text)
        table = read_table(path, report_long_rows=True)
    expected = [[value or None for value in values] for values in rows]
    assert [list(row[1:]) for row in table.frame.rows()] == expected
    assert table.frame[ROW].to_list() == list(range(2, len(rows) + 2))
    assert set(table.row_issues[ROW].to_list()) == repaired
