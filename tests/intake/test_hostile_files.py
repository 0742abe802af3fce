"""Damaged and odd files: every row lands or is reported, and nothing earlier changes.

Each case imports a clean batch first, then a batch with one hostile file, on
SQLite and on PostgreSQL, and checks that rows read = landed + rejected, that
rows read are the data lines the file holds (counted here by hand, not by the
reader), that every good row landed, and that the earlier batch's rows are as
they were. A file refused as a whole is refused in words naming the file (and
the line, where there is one), and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
from batches import KELUARGA_HEADER, good_batch, write_csv
from sqlalchemy import Engine, func, select

from terpadu.files import InputFileError
from terpadu.intake import ImportReport, import_batch
from terpadu.store import Batch, Family, Membership, Person, QuarantineEntry
from terpadu.store.integrity import check_integrity

TODAY = dt.date(2026, 11, 22)
SOURCE = "desa"
ANGGOTA = "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA"
# Two new families of the hostile batch (the earlier batch holds K1 and K2).
FAMILIES = [
    "K10,3604051507870010,3604052001,Kp. Baru,001,002,1,36.5,8",
    "K11,3604052001100011,3604052002,Kp. Lama,003,001,2,20,6",
]


def member(number: int, name: str | None = None, family: str = "K10") -> str:
    return f"M{number:02d},{family},,{name or f'Anggota {number}'},1,1990-01-01,3"


# Sixteen members, as in the report that found a stray quote swallowing fourteen of them.
MEMBERS = [member(n, family="K10" if n <= 8 else "K11") for n in range(1, 17)]
KEYS = [f"M{n:02d}" for n in range(1, 17)]


@pytest.fixture(autouse=True)
def registry_stays_sound(engine: Engine) -> Iterator[None]:
    yield
    assert check_integrity(engine) == []


Snapshot = dict[str, dict[int, tuple[object, ...]]]


def snapshot(engine: Engine) -> Snapshot:
    """Every family, person and membership row, by table and id."""
    tables: Snapshot = {}
    with engine.connect() as conn:
        for model in (Family, Person, Membership):
            table = model.__table__
            rows = conn.execute(select(table)).all()
            tables[table.name] = {row.id: tuple(row) for row in rows}
    return tables


@dataclass
class Registry:
    engine: Engine
    folder: Path
    before: Snapshot = field(default_factory=dict)
    batches: int = 0

    def unchanged(self) -> None:
        """The earlier batch's rows are exactly as they were."""
        after = snapshot(self.engine)
        for table, rows in self.before.items():
            assert {key: after[table].get(key) for key in rows} == rows, table

    def person_names(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(Person.id_anggota, Person.nama)).all()
        return {key: name for key, name in rows if key}


@pytest.fixture
def registry(engine: Engine, tmp_path: Path) -> Registry:
    """A registry holding one clean batch from the same source."""
    base = tmp_path / "base"
    base.mkdir()
    import_batch(engine, *good_batch(base), source=SOURCE, today=TODAY)
    with engine.connect() as conn:
        batches = int(conn.execute(select(func.count()).select_from(Batch)).scalar_one())
    return Registry(engine, tmp_path, snapshot(engine), batches)


def keluarga_file(folder: Path) -> Path:
    return write_csv(folder / "keluarga.csv", KELUARGA_HEADER, FAMILIES)


def run(registry: Registry, anggota: bytes, keluarga: Path | None = None) -> ImportReport:
    """Import the hostile anggota file (beside a clean keluarga file) and check the sums."""
    path = registry.folder / "anggota.csv"
    path.write_bytes(anggota)
    report = import_batch(
        registry.engine,
        keluarga or keluarga_file(registry.folder),
        path,
        source=SOURCE,
        today=TODAY,
    )
    for report_file in report.files:
        assert report_file.rows_read == report_file.rows_landed + report_file.rows_rejected
    registry.unchanged()
    return report


def refused(registry: Registry, anggota: bytes, match: str) -> None:
    """The file is refused in words naming it, and nothing changes."""
    path = registry.folder / "anggota.csv"
    path.write_bytes(anggota)
    with pytest.raises(InputFileError, match=match) as refusal:
        import_batch(
            registry.engine, keluarga_file(registry.folder), path, source=SOURCE, today=TODAY
        )
    assert "anggota.csv" in str(refusal.value)
    assert "Traceback" not in str(refusal.value)
    registry.unchanged()
    with registry.engine.connect() as conn:
        batches = int(conn.execute(select(func.count()).select_from(Batch)).scalar_one())
    assert batches == registry.batches


def lines(*rows: str, header: str = ANGGOTA, end: str = "\n") -> bytes:
    return (end.join([header, *rows]) + end).encode()


def members_file(report: ImportReport) -> tuple[int, int, int]:
    anggota = report.files[1]
    return anggota.rows_read, anggota.rows_landed, anggota.rows_rejected


def issues(report: ImportReport, severity: str) -> set[tuple[int, str, str]]:
    found = report.issues.filter(
        (pl.col("severity") == severity) & (pl.col("file") == "anggota.csv")
    )
    return {(r["__row"], r["column"], r["code"]) for r in found.iter_rows(named=True)}


def with_line(index: int, text: str) -> list[str]:
    rows = list(MEMBERS)
    rows[index] = text
    return rows


# --- stray quotes ----------------------------------------------------------------------


def test_a_quote_opening_a_name_swallows_nothing(registry: Registry) -> None:
    """The report's case: ``"Budi Santoso`` took the 14 members after it into one name."""
    report = run(registry, lines(*with_line(1, member(2, '"Budi Santoso'))))
    assert members_file(report) == (16, 16, 0)
    assert issues(report, "warning") >= {(3, "BARIS", "unbalanced_quote_repaired")}
    names = registry.person_names()
    assert set(KEYS) <= set(names)
    assert names["M02"] == '"Budi Santoso'  # the stray quote kept as the letter it was
    assert names["M03"] == "Anggota 3"


def test_a_quote_in_the_middle_or_at_the_end_of_a_value_is_a_letter(
    registry: Registry,
) -> None:
    rows = with_line(4, member(5, 'Budi "Gendut" Santoso'))
    rows[6] = member(7, 'Joko Susilo"')
    report = run(registry, lines(*rows))
    assert members_file(report) == (16, 16, 0)
    names = registry.person_names()
    assert (names["M05"], names["M07"]) == ('Budi "Gendut" Santoso', 'Joko Susilo"')


def test_a_stray_quote_in_a_row_that_cannot_be_split_rejects_that_row_alone(
    registry: Registry,
) -> None:
    report = run(registry, lines(*with_line(3, 'M04,K10,,"Budi,1990-01-01,3')))
    assert members_file(report) == (16, 15, 1)
    assert (5, "BARIS", "unbalanced_quote") in issues(report, "error")
    assert set(registry.person_names()) >= set(KEYS) - {"M04"}
    with registry.engine.connect() as conn:
        raw = conn.execute(
            select(QuarantineEntry.raw).where(QuarantineEntry.code == "unbalanced_quote")
        ).scalar_one()
    assert raw["ID_ANGGOTA"] == "M04"  # the row as received, kept for correction


def test_a_stray_quote_on_the_last_line(registry: Registry) -> None:
    report = run(registry, lines(*with_line(15, member(16, '"Budi Santoso'))))
    assert members_file(report) == (16, 16, 0)
    assert (17, "BARIS", "unbalanced_quote_repaired") in issues(report, "warning")


def test_two_stray_quotes_that_pair_up_across_lines_are_both_repaired(
    registry: Registry,
) -> None:
    rows = with_line(2, member(3, '"Budi Santoso'))
    rows[5] = member(6, 'Siti" Aminah')
    report = run(registry, lines(*rows))
    assert members_file(report) == (16, 16, 0)
    assert set(registry.person_names()) >= set(KEYS)


def test_a_quoted_line_break_is_one_row(registry: Registry) -> None:
    """An address typed with Alt+Enter, quoted and closed, is one row, not a stray quote."""
    families = [
        'K10,3604051507870010,3604052001,"Jl. Mawar\nNo 5, RT 1",001,002,1,36.5,8',
        FAMILIES[1],
    ]
    keluarga = registry.folder / "keluarga.csv"
    keluarga.write_bytes(lines(*families, header=KELUARGA_HEADER))
    report = run(registry, lines(*MEMBERS), keluarga)
    assert (report.files[0].rows_read, report.files[0].rows_landed) == (2, 2)
    assert members_file(report) == (16, 16, 0)
    with registry.engine.connect() as conn:
        address = conn.execute(select(Family.alamat).where(Family.source_key == "K10")).scalar_one()
    assert address == "Jl. Mawar No 5, RT 1"


# --- line breaks and encodings ---------------------------------------------------------


def test_crlf_line_breaks(registry: Registry) -> None:
    report = run(registry, lines(*MEMBERS, end="\r\n"))
    assert members_file(report) == (16, 16, 0)


def test_bare_cr_line_breaks_are_read_and_named(registry: Registry) -> None:
    report = run(registry, lines(*MEMBERS, end="\r"))
    assert members_file(report) == (16, 16, 0)
    assert (1, "BERKAS", "line_endings_cr") in issues(report, "warning")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_and_named(registry: Registry, codec: str) -> None:
    text = "\r\n".join([ANGGOTA, *with_line(0, member(1, "José"))]) + "\r\n"
    report = run(registry, text.encode(codec))
    assert members_file(report) == (16, 16, 0)
    assert report.files[1].encoding == codec
    assert (1, "BERKAS", "encoding_guessed") in issues(report, "warning")
    assert registry.person_names()["M01"] == "José"


def test_a_few_windows_1252_lines_in_a_utf8_file_are_read_and_named(
    registry: Registry,
) -> None:
    head = lines(*with_line(0, member(1, "José")))
    tail = (member(17, "André") + "\n").encode("cp1252")
    report = run(registry, head + tail)
    assert members_file(report) == (17, 17, 0)
    assert (18, "BARIS", "encoding_mixed") in issues(report, "warning")
    names = registry.person_names()
    assert (names["M01"], names["M17"]) == ("José", "André")


def test_binary_garbage_is_refused_naming_the_line(registry: Registry) -> None:
    garbage = lines(*MEMBERS[:3]) + bytes(range(256)) * 8
    refused(registry, garbage, r"anggota\.csv: baris 5 tidak dapat dibaca sebagai teks")


def test_an_empty_file_is_refused(registry: Registry) -> None:
    refused(registry, b"", r"anggota\.csv: berkas kosong")


def test_a_file_of_only_a_bom_is_refused(registry: Registry) -> None:
    refused(registry, b"\xef\xbb\xbf", r"anggota\.csv: berkas kosong, hanya berisi tanda BOM")


def test_a_header_only_file_reads_no_rows(registry: Registry) -> None:
    report = run(registry, (ANGGOTA + "\n").encode())
    assert members_file(report) == (0, 0, 0)


# --- invisible and control characters --------------------------------------------------


def test_a_bom_inside_the_file_does_not_become_part_of_the_key(registry: Registry) -> None:
    report = run(registry, lines(*with_line(4, "\ufeff" + member(5))))
    assert members_file(report) == (16, 16, 0)
    assert (6, "ID_ANGGOTA", "invisible_char_removed") in issues(report, "warning")
    assert set(registry.person_names()) == {"A1", "A2", "A3", "A4", *KEYS}
    assert report.files[1].rows_repaired == 1


def test_exports_joined_end_to_end_skip_the_repeated_header(registry: Registry) -> None:
    joined = lines(*MEMBERS[:8]) + b"\xef\xbb\xbf" + lines(*MEMBERS[8:], end="\r\n")
    report = run(registry, b"\xef\xbb\xbf" + joined)
    assert members_file(report) == (16, 16, 0)  # the second header is no data row
    assert (10, "BARIS", "header_repeated") in issues(report, "warning")
    assert set(registry.person_names()) >= set(KEYS)


def test_a_header_repeated_in_another_order_refuses_the_file(registry: Registry) -> None:
    other = ",".join(reversed(ANGGOTA.split(",")))
    refused(
        registry,
        lines(*MEMBERS[:8], other, *MEMBERS[8:]),
        r"anggota\.csv: baris 10 mengulang judul kolom dengan urutan lain",
    )


def test_zero_width_characters_leave_keys_and_numbers(registry: Registry) -> None:
    rows = with_line(2, "M03,K10,3604051507870009\u200b,Budi,1,1987-07-15,1")
    rows[3] = "M\u200d04,K\u00a010,,Siti\u200b Aminah,2,1990-01-01,2"
    report = run(registry, lines(*rows))
    assert members_file(report) == (16, 16, 0)
    warned = issues(report, "warning")
    assert {
        (4, "NIK", "invisible_char_removed"),
        (5, "ID_ANGGOTA", "invisible_char_removed"),
        (5, "ID_KELUARGA", "invisible_char_removed"),
        (5, "NAMA", "invisible_char_removed"),
    } <= warned
    with registry.engine.connect() as conn:
        nik = conn.execute(select(Person.nik).where(Person.id_anggota == "M03")).scalar_one()
    assert nik == "3604051507870009"
    assert registry.person_names()["M04"] == "Siti Aminah"


def test_nul_bytes_are_stripped_from_text_and_refused_in_keys(registry: Registry) -> None:
    """A NUL once failed a whole batch on PostgreSQL with a raw traceback."""
    rows = with_line(5, member(6, "Bu\x00di"))
    rows[6] = "M07\x00,K10,,Tujuh,1,1990-01-01,3"
    rows[7] = member(8, "Del\x7fapan\x85")
    report = run(registry, lines(*rows))
    assert members_file(report) == (16, 15, 1)
    assert {(7, "NAMA", "control_char_removed"), (9, "NAMA", "control_char_removed")} <= issues(
        report, "warning"
    )
    assert (8, "ID_ANGGOTA", "control_char_in_key") in issues(report, "error")
    names = registry.person_names()
    assert (names["M06"], names["M08"]) == ("Budi", "Delapan")
    assert "M07" not in names
    with registry.engine.connect() as conn:
        values = conn.execute(select(QuarantineEntry.value)).scalars().all()
    assert all("\x00" not in (value or "") for value in values)
    assert "M07<U+0000>" in values  # the value as received, made visible


def test_no_nul_reaches_the_registry_from_parquet(registry: Registry) -> None:
    frame = pl.DataFrame(
        {
            "ID_ANGGOTA": ["M01", "M02", "M03"],
            "ID_KELUARGA": ["K10", "K10", "K10"],
            "NAMA": ["Bu\x00di", "Siti\u200b", "Joko"],
            "CATATAN": ["ok", "a\x00b", None],
        }
    )
    path = registry.folder / "anggota.parquet"
    frame.write_parquet(path)
    report = import_batch(
        registry.engine, keluarga_file(registry.folder), path, source=SOURCE, today=TODAY
    )
    assert (report.files[1].rows_read, report.files[1].rows_landed) == (3, 3)
    registry.unchanged()
    with registry.engine.connect() as conn:
        rows = conn.execute(select(Person.id_anggota, Person.nama, Person.extra)).all()
    found = {key: (name, extra) for key, name, extra in rows}
    assert found["M01"][0] == "Budi" and found["M02"][0] == "Siti"
    assert found["M02"][1] == {"CATATAN": "ab"}


def test_zero_width_in_an_xlsx_key(registry: Registry) -> None:
    frame = pl.DataFrame(
        {
            "ID_ANGGOTA": ["M01\u200b", "M02"],
            "ID_KELUARGA": ["K10", "\ufeffK10"],
            "NAMA": ["Satu", "Dua"],
        }
    )
    path = registry.folder / "anggota.xlsx"
    frame.write_excel(path)
    report = import_batch(
        registry.engine, keluarga_file(registry.folder), path, source=SOURCE, today=TODAY
    )
    assert (report.files[1].rows_read, report.files[1].rows_landed) == (2, 2)
    registry.unchanged()
    assert {"M01", "M02"} <= set(registry.person_names())


# --- headers and rows of the wrong width -----------------------------------------------


def test_a_column_given_twice_with_the_same_values_is_used_once(registry: Registry) -> None:
    report = run(
        registry,
        lines(*(row + "," + row.split(",")[3] for row in MEMBERS), header=ANGGOTA + ",NAMA"),
    )
    assert members_file(report) == (16, 16, 0)
    assert (1, "NAMA", "column_duplicated") in issues(report, "warning")
    with registry.engine.connect() as conn:
        extras = conn.execute(select(Person.extra).where(Person.id_anggota == "M01")).scalar()
    assert not extras  # not kept as an unknown column "NAMA_duplicated_0"


def test_a_column_given_twice_with_other_values_refuses_the_file(registry: Registry) -> None:
    rows = [row + ",Orang Lain" for row in MEMBERS]
    refused(
        registry,
        lines(*rows, header=ANGGOTA + ",Nama Lengkap"),
        r"anggota\.csv: kolom NAMA ada dua kali \(kolom ke-4 \(D\) 'NAMA' dan kolom ke-8 \(H\) "
        r"'Nama Lengkap'\) dan isinya berbeda di 16 baris \(pertama baris 2\)",
    )


def test_a_second_region_column_that_differs_refuses_the_keluarga_file(
    registry: Registry,
) -> None:
    keluarga = registry.folder / "keluarga.csv"
    keluarga.write_bytes(
        lines(
            FAMILIES[0] + ",3604052002",
            FAMILIES[1] + ",3604052002",
            header=KELUARGA_HEADER + ",KODE_WILAYAH",
        )
    )
    anggota = registry.folder / "anggota.csv"
    anggota.write_bytes(lines(*MEMBERS))
    with pytest.raises(InputFileError, match=r"keluarga\.csv: kolom KODE_WILAYAH ada dua kali"):
        import_batch(registry.engine, keluarga, anggota, source=SOURCE, today=TODAY)
    registry.unchanged()


def test_a_truncated_last_row_is_rejected_not_landed_blank(registry: Registry) -> None:
    cut = (ANGGOTA + "\n" + "\n".join(MEMBERS) + "\nM17,K11,,Tuju").encode()
    report = run(registry, cut)
    assert members_file(report) == (17, 16, 1)
    assert (18, "BARIS", "row_too_few_fields") in issues(report, "error")
    assert "M17" not in registry.person_names()


def test_a_last_row_without_a_line_break_but_whole_lands(registry: Registry) -> None:
    report = run(registry, lines(*MEMBERS)[:-1])
    assert members_file(report) == (16, 16, 0)


def test_short_rows_before_the_last_keep_blank_optional_values(registry: Registry) -> None:
    """A tool that leaves off empty trailing cells: the missing values are blank."""
    rows = with_line(0, "M01,K10,,Satu")
    report = run(registry, lines(*rows))
    assert members_file(report) == (16, 16, 0)


def test_an_xlsx_column_given_twice_with_other_values_refuses_the_file(
    registry: Registry,
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID_ANGGOTA", "ID_KELUARGA", "NAMA", "NAMA"])
    sheet.append(["M01", "K10", "Satu", "Satu"])
    sheet.append(["M02", "K10", "Dua", "Tiga"])
    path = registry.folder / "anggota.xlsx"
    book.save(path)
    with pytest.raises(InputFileError, match=r"anggota\.xlsx: kolom NAMA ada dua kali .*baris 3"):
        import_batch(
            registry.engine, keluarga_file(registry.folder), path, source=SOURCE, today=TODAY
        )
    registry.unchanged()
