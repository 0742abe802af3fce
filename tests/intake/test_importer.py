"""Importing batches into the registry, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from batches import (
    ANGGOTA_HEADER,
    GOOD_ANGGOTA,
    GOOD_KELUARGA,
    KELUARGA_HEADER,
    good_batch,
    write_csv,
)
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from terpadu.files import InputFileError
from terpadu.intake import import_batch
from terpadu.intake import importer as importer_module
from terpadu.intake import load as load_module
from terpadu.store import Batch, Family, Membership, Person, QuarantineEntry, ValueChange
from terpadu.store.integrity import check_integrity

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def registry_stays_sound(engine: Engine) -> Iterator[None]:
    """After every import test, every reference in the registry points somewhere."""
    yield
    assert check_integrity(engine) == []


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_clean_batch_lands_whole(engine: Engine, tmp_path: Path) -> None:
    report = import_batch(engine, *good_batch(tmp_path), today=TODAY)
    assert [f.rows_landed for f in report.files] == [2, 4]
    assert report.rows_rejected == 0
    assert (report.families_new, report.persons_new, report.persons_without_nik) == (2, 4, 1)
    assert count(engine, Family) == 2
    assert count(engine, Person) == 4
    assert count(engine, Membership) == 4
    with engine.connect() as conn:
        kode = conn.execute(
            text("SELECT kode_wilayah FROM family WHERE source_key = 'K2'")
        ).scalar()
        flagged = conn.execute(
            text("SELECT needs_civil_registration FROM person WHERE id_anggota = 'A3'")
        ).scalar()
    assert kode == "3604052002"  # dotted code stored undotted
    assert flagged == 1  # blank NIK: registered, flagged for civil registration


def test_damaged_batch_accounts_for_every_row(engine: Engine, tmp_path: Path) -> None:
    keluarga = write_csv(
        tmp_path / "k.csv",
        KELUARGA_HEADER,
        [
            *GOOD_KELUARGA,
            "K3,'3604051507870003,3604052001,x,1,1,Milik sendiri,30,tanah",  # apostrophe: repaired
            "K4,3.60405E+15,3604052001,x,1,1,1,30,8",  # digits lost: rejected
            "K5,3604051507870005,9999999999,x,1,1,1,30,8",  # unknown desa
            "K1,3604051507870006,3604052001,dup,1,1,1,30,8",  # duplicate ID_KELUARGA
            "K6,3604051507870007,3604052001,x,1,1,1,-4,8",  # floor area must be > 0
        ],
    )
    anggota = write_csv(
        tmp_path / "a.csv",
        ANGGOTA_HEADER,
        [
            *GOOD_ANGGOTA,
            "A5,K3,3.604051507870011E+15,Eka,L,15-07-1987,1",  # scientific, 16 digits: repaired
            "A6,K3,3604051507870012.0,Dwi,P,1987-07-15,2",  # trailing .0: repaired; sex mismatch warns
            "A7,K3,36040515078700,Tri,1,1987-07-15,3",  # 14 digits
            "A8,K4,3604051507870013,Catur,1,1987-07-15,1",  # family rejected
            "A9,K99,3604051507870014,Panca,1,1987-07-15,1",  # family nowhere
            "A10,K3,3604051507870015,Sad,9,1987-07-15,3",  # unknown sex code
            "A11,K3,3604053202870016,Sapta,1,1987-02-32,3",  # impossible NIK date and birth date
            "A12,K3,,,1,2001-01-01,3",  # name missing
        ],
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    k, a = report.files
    assert (k.rows_read, k.rows_landed, k.rows_rejected, k.rows_repaired) == (7, 3, 4, 1)
    assert (a.rows_read, a.rows_landed, a.rows_rejected, a.rows_repaired) == (12, 6, 6, 2)
    for f in report.files:
        assert f.rows_landed + f.rows_rejected == f.rows_read

    errors = report.issues.filter(pl.col("severity") == "error")
    found = {(r["file"], r["__row"], r["column"], r["code"]) for r in errors.iter_rows(named=True)}
    assert ("k.csv", 5, "NO_KK", "number_digits_lost") in found
    assert ("k.csv", 6, "KODE_WILAYAH", "region_unknown") in found
    assert ("k.csv", 7, "ID_KELUARGA", "duplicate_key") in found
    assert ("k.csv", 8, "LUAS_LANTAI", "number_out_of_range") in found
    assert ("a.csv", 8, "NIK", "nik_length") in found
    assert ("a.csv", 9, "ID_KELUARGA", "family_rejected") in found
    assert ("a.csv", 10, "ID_KELUARGA", "family_not_found") in found
    assert ("a.csv", 11, "JENIS_KELAMIN", "code_unknown") in found
    assert ("a.csv", 12, "NIK", "nik_date_invalid") in found
    assert ("a.csv", 13, "NAMA", "required") in found
    warnings = report.issues.filter(pl.col("severity") == "warning")
    assert "nik_sex_mismatch" in warnings["code"].to_list()
    assert all(m for m in report.issues["message"].to_list())

    with engine.connect() as conn:
        niks = dict(conn.execute(text("SELECT id_anggota, nik FROM person")).all())
        no_kk = conn.execute(text("SELECT no_kk FROM family WHERE source_key = 'K3'")).scalar()
        quarantined = conn.execute(
            select(func.count())
            .select_from(QuarantineEntry)
            .where(QuarantineEntry.severity == "error")
        ).scalar_one()
        raw = conn.execute(
            select(QuarantineEntry.raw).where(QuarantineEntry.code == "nik_length")
        ).scalar_one()
    assert niks["A5"] == "3604051507870011"  # exact repair, not a guess
    assert niks["A6"] == "3604051507870012"
    assert no_kk == "3604051507870003"
    assert quarantined == errors.height
    assert raw["NAMA"] == "Tri"  # the whole row is kept for correction


def test_same_batch_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    paths = good_batch(tmp_path)
    first = import_batch(engine, *paths, today=TODAY)
    second = import_batch(engine, *paths, today=TODAY)
    assert not first.already_imported and second.already_imported
    assert second.batch_id == first.batch_id
    assert (count(engine, Family), count(engine, Person), count(engine, Batch)) == (2, 4, 1)


def test_files_sent_again_are_recognised_before_they_are_read(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = good_batch(tmp_path)
    first = import_batch(engine, *paths, source="desa-a", today=TODAY)

    def unread(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a batch imported before was read again")

    monkeypatch.setattr(importer_module, "read_table", unread)
    again = import_batch(engine, *paths, source="desa-a", today=TODAY)
    assert again.already_imported and again.batch_id == first.batch_id
    assert [(f.role, f.file_format, f.rows_read) for f in again.files] == [
        ("keluarga", "csv", 0),
        ("anggota", "csv", 0),
    ]
    monkeypatch.undo()
    # The same files from another source are that source's first batch.
    other = import_batch(engine, *paths, source="desa-b", today=TODAY)
    assert not other.already_imported and other.batch_id != first.batch_id


def test_swapped_files_are_named_as_such(engine: Engine, tmp_path: Path) -> None:
    keluarga, anggota = good_batch(tmp_path)
    with pytest.raises(
        InputFileError, match=r"KODE_WILAYAH .*berkas anggota: apakah berkasnya tertukar"
    ):
        import_batch(engine, anggota, keluarga, today=TODAY)
    assert count(engine, Batch) == 0


def test_a_missing_file_is_named(engine: Engine, tmp_path: Path) -> None:
    keluarga, _ = good_batch(tmp_path)
    with pytest.raises(InputFileError, match=r"tidak_ada\.csv: berkas tidak ditemukan"):
        import_batch(engine, keluarga, tmp_path / "tidak_ada.csv", today=TODAY)
    assert count(engine, Batch) == 0


def test_same_rows_in_a_new_file_change_nothing(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=TODAY)
    again = tmp_path / "again"
    again.mkdir()
    keluarga = write_csv(again / "k.csv", KELUARGA_HEADER, GOOD_KELUARGA, sep=";")
    anggota = write_csv(again / "a.csv", ANGGOTA_HEADER, GOOD_ANGGOTA, sep=";")
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    assert (report.families_new, report.families_changed) == (0, 0)
    assert (report.persons_new, report.persons_changed) == (0, 0)
    assert count(engine, ValueChange) == 0
    assert count(engine, Membership) == 4


def test_changed_values_are_updated_with_provenance(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=TODAY)
    later = tmp_path / "later"
    later.mkdir()
    keluarga = write_csv(
        later / "k.csv",
        KELUARGA_HEADER,
        [
            GOOD_KELUARGA[0].replace("36.5,8", "48,2"),  # floor area and floor changed
            GOOD_KELUARGA[1],
        ],
    )
    anggota = write_csv(
        later / "a.csv",
        ANGGOTA_HEADER,
        [
            GOOD_ANGGOTA[0],
            GOOD_ANGGOTA[1],
            "A3,K2,,Budi,1,2010-01-01,3",  # Budi moved to family K2
            GOOD_ANGGOTA[3],
        ],
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    assert report.families_changed == 1
    with engine.connect() as conn:
        changes = conn.execute(
            select(
                ValueChange.field,
                ValueChange.old_value,
                ValueChange.new_value,
                ValueChange.row_number,
            )
            .where(ValueChange.entity == "family")
            .order_by(ValueChange.field)
        ).all()
        floor, version = conn.execute(
            text("SELECT luas_lantai, version FROM family WHERE source_key = 'K1'")
        ).one()
        memberships = conn.execute(
            text(
                "SELECT f.source_key, m.left_at IS NULL FROM membership m "
                "JOIN person p ON p.id = m.person_id JOIN family f ON f.id = m.family_id "
                "WHERE p.id_anggota = 'A3' ORDER BY m.id"
            )
        ).all()
    assert [(c[0], c[1], c[2], c[3]) for c in changes] == [
        ("jenis_lantai", "8", "2", 2),
        ("luas_lantai", "36.5", "48.0", 2),
    ]
    assert (floor, version) == (48.0, 2)
    assert [(m[0], bool(m[1])) for m in memberships] == [("K1", False), ("K2", True)]


def test_members_may_join_a_family_already_in_the_registry(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=TODAY)
    later = tmp_path / "later"
    later.mkdir()
    keluarga = write_csv(later / "k.csv", KELUARGA_HEADER, [])
    anggota = write_csv(
        later / "a.csv", ANGGOTA_HEADER, ["A20,K2,3604054107950020,Wati,2,1995-07-01,2"]
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    assert report.files[1].rows_landed == 1


def test_other_sources_do_not_share_family_keys(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), source="desa-a", today=TODAY)
    report = import_batch(engine, *good_batch(tmp_path), source="desa-b", today=TODAY)
    assert report.families_new == 2
    assert count(engine, Family) == 4


def test_interrupted_import_leaves_registry_as_it_was(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("terpadu.intake.importer.place_members", crash)
    with pytest.raises(KeyboardInterrupt):
        import_batch(engine, *good_batch(tmp_path), today=TODAY)
    assert (count(engine, Family), count(engine, Person), count(engine, Batch)) == (0, 0, 0)
    monkeypatch.setattr("terpadu.intake.importer.place_members", load_module.place_members)
    report = import_batch(engine, *good_batch(tmp_path), today=TODAY)
    assert report.families_new == 2  # and it can simply be run again


def test_xlsx_and_parquet_batches(engine: Engine, tmp_path: Path) -> None:
    keluarga = pl.read_csv(good_batch(tmp_path)[0], infer_schema=False)
    anggota = pl.read_csv(tmp_path / "anggota.csv", infer_schema=False)
    keluarga.write_excel(tmp_path / "k.xlsx")
    anggota.write_parquet(tmp_path / "a.parquet")
    report = import_batch(engine, tmp_path / "k.xlsx", tmp_path / "a.parquet", today=TODAY)
    assert [f.rows_landed for f in report.files] == [2, 4]
    assert [f.file_format for f in report.files] == ["xlsx", "parquet"]


def test_unknown_columns_are_kept(engine: Engine, tmp_path: Path) -> None:
    keluarga = write_csv(
        tmp_path / "k.csv",
        KELUARGA_HEADER + ",CATATAN_DESA",
        [GOOD_KELUARGA[0] + ",rumah panggung"],
    )
    anggota = write_csv(tmp_path / "a.csv", ANGGOTA_HEADER, GOOD_ANGGOTA[:1])
    import_batch(engine, keluarga, anggota, today=TODAY)
    with engine.connect() as conn:
        extra = conn.execute(select(Family.extra)).scalar_one()
    assert extra == {"CATATAN_DESA": "rumah panggung"}


EXCEL_KELUARGA = (
    "ID Keluarga;No. KK;Kode-Wilayah;Alamat;RT;RW;Status Bangunan;Luas Lantai;Jenis Lantai;"
    "Daya Listrik;Aset Kulkas;Catatan Desa\r\n"
    'K1;\'3604051507870001;36.04.05.2001;"Kp. Baru; Gg. 2";001;002;Milik sendiri;36,5;'
    "Keramik;900 VA;Ya;rumah di pojok\r\n"
    "K2;3.60405E+15;3604052002;Kp. Lama;003;001;2;20;6;1.300;Tidak;\r\n"
    'K3;3604052001100002.0;3604052001;"Jl. Mawar\r\nNo 5";1;1;1;45.5;2;450;1;\r\n'
    ";;;;;;;;;;;\r\n"
    "K4;3604 0520 0110 0003;3604052001;;;;;;;;;\r\n"
)
EXCEL_ANGGOTA = (
    "ID_ANGGOTA;ID_KELUARGA;NIK;Nama;Jenis Kelamin;Tgl. Lahir;Hub. Keluarga;Status Kawin\n"
    "A1;K1;3604051507870001;H. Ahmad bin Salim, S.Pd.;Laki-laki;15-07-1987;Kepala Keluarga;"
    "Kawin\n"
    "A2;K1;3604054107870002;Siti Aminah;P;01/07/1987;Istri;2\n"
    "A3;K1;;Budi;L;32000;Anak;belum kawin\n"
    "A4;K3;3604050203900003;José Susilo;1;02-03-90;1;2\n"
    "A5;K4;3.604050203900004E+15;Dewi;2;1990-03-02 00:00:00;2;2\n"
    "A6;K9;3604050203900005;Tanpa Keluarga;1;1990-03-02;1;2\n"
)


def test_a_batch_as_indonesian_excel_saves_it(engine: Engine, tmp_path: Path) -> None:
    """Semicolons, BOM and CRLF, Windows-1252, decimal commas, labels for codes, every date
    form in one column, Excel-damaged numbers, a quoted line break and a blank row."""
    keluarga = tmp_path / "keluarga.csv"
    keluarga.write_bytes(("\ufeff" + EXCEL_KELUARGA).encode("utf-8"))
    anggota = tmp_path / "anggota.csv"
    anggota.write_bytes(EXCEL_ANGGOTA.encode("cp1252"))
    report = import_batch(engine, keluarga, anggota, source="desa", today=TODAY)
    k, a = report.files
    assert (k.rows_read, k.rows_landed, k.rows_rejected) == (4, 3, 1)  # K2: NO_KK digits lost
    assert (a.rows_read, a.rows_landed, a.rows_rejected) == (6, 5, 1)  # A6: no family K9
    with engine.connect() as conn:
        families = {
            r.source_key: r
            for r in conn.execute(
                text(
                    "SELECT source_key, no_kk, alamat, rt, status_bangunan, luas_lantai, "
                    "jenis_lantai, daya_listrik, aset_kulkas FROM family"
                )
            )
        }
        persons = {
            r.source_key: r
            for r in conn.execute(
                text(
                    "SELECT source_key, nik, nama, jenis_kelamin, tgl_lahir, hub_keluarga FROM person"
                )
            )
        }
    k1 = families["K1"]
    assert (k1.no_kk, k1.alamat, k1.rt, k1.status_bangunan) == (
        "3604051507870001",
        "Kp. Baru; Gg. 2",
        "001",
        1,
    )
    assert (k1.luas_lantai, k1.jenis_lantai, k1.daya_listrik, k1.aset_kulkas) == (36.5, 2, 900, 1)
    assert families["K3"].no_kk == "3604052001100002"
    assert families["K3"].alamat == "Jl. Mawar No 5"
    assert families["K4"].no_kk == "3604052001100003"
    assert persons["A4"].nama == "José Susilo"
    assert persons["A5"].nik == "3604050203900004"
    births = {key: str(row.tgl_lahir)[:10] for key, row in persons.items()}
    assert births == {
        "A1": "1987-07-15",
        "A2": "1987-07-01",
        "A3": "1987-08-11",
        "A4": "1990-03-02",
        "A5": "1990-03-02",
    }
    assert (persons["A1"].jenis_kelamin, persons["A1"].hub_keluarga) == (1, 1)


def test_a_row_with_shifted_values_is_rejected_and_the_rest_lands(
    engine: Engine, tmp_path: Path
) -> None:
    """An unquoted comma in an address shifts the row's values: that row (and its members)
    is rejected with the row as received; the file's other rows land."""
    keluarga = tmp_path / "keluarga.csv"
    keluarga.write_text(
        f"{KELUARGA_HEADER}\n"
        "K1,3604051507870001,3604052001,Jl. Mawar, No 5,001,002,1,36.5,8\n"
        "K2,3604052001100002,3604052001,Kp. Lama,003,001,2,20,6\n"
    )
    anggota = write_csv(
        tmp_path / "anggota.csv",
        ANGGOTA_HEADER,
        [
            "A1,K1,3604051507870001,Ahmad,1,1987-07-15,1",
            "A4,K2,3604050203900003,Joko,1,1990-03-02,1",
        ],
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    k, a = report.files
    assert (k.rows_read, k.rows_landed, k.rows_rejected) == (2, 1, 1)
    assert (a.rows_read, a.rows_landed, a.rows_rejected) == (2, 1, 1)
    with engine.connect() as conn:
        codes = {
            (r.row_number, r.code)
            for r in conn.execute(text("SELECT row_number, code FROM quarantine"))
        }
    assert (2, "row_too_many_fields") in codes
    assert (2, "family_rejected") in codes


def test_placeholders_for_no_nik_land_as_blank_with_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    """ "-", "0", "belum ada"… in NIK or NO_KK mean there is none: the family and its members
    land, the persons flagged for civil registration, and the reading is reported."""
    keluarga = write_csv(
        tmp_path / "k.csv", "ID_KELUARGA,NO_KK,KODE_WILAYAH", ["Q1,-,3604052001", "Q2,0,3604052001"]
    )
    nik = ["-", "0", "tidak ada", "Belum  Ada", "0000000000000000", "#N/A", "-3604"]
    anggota = write_csv(
        tmp_path / "a.csv",
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA",
        [f"QA{i},Q1,{value},Orang {i}" for i, value in enumerate(nik)],
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    k, a = report.files
    assert (k.rows_landed, a.rows_landed, a.rows_rejected) == (2, 6, 1)  # "-3604" is no placeholder
    assert report.persons_without_nik == 6
    codes = report.issues.group_by("code").len().sort("code").rows()
    # A lone dash is an empty cell in every column (no warning); words and zeros are warned.
    assert codes == [("kk_placeholder", 1), ("nik_not_digits", 1), ("nik_placeholder", 5)]


def test_large_batch_path_rebuilds_indexes(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path (indexes dropped, rows loaded, indexes rebuilt) lands the same data."""
    monkeypatch.setattr("terpadu.store.indexes.REBUILD_MIN_ROWS", 1)
    report = import_batch(engine, *good_batch(tmp_path), today=TODAY)
    assert (report.families_new, report.persons_new) == (2, 4)
    inspector = inspect(engine)
    names = {ix["name"] for ix in inspector.get_indexes("person")}
    assert {"uq_person_source_key", "ix_person_nik"} <= names
    # The keys come back too (PostgreSQL drops them for the load), and the foreign keys
    # that reference them.
    for table in ("family", "person", "membership", "quarantine"):
        assert inspector.get_pk_constraint(table)["constrained_columns"] == ["id"]
    referenced = {fk["referred_table"] for fk in inspector.get_foreign_keys("proposal")}
    assert {"family", "person"} <= referenced
    # The primary key is enforced again: a copy of a person under the same id is refused.
    columns = [c["name"] for c in inspector.get_columns("person")]
    copied = ", ".join("source_key || '-b'" if c == "source_key" else c for c in columns)
    with engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(
            text(
                f"INSERT INTO person ({', '.join(columns)}) SELECT {copied} FROM person "
                "WHERE nik = '3604050203900003'"
            )
        )
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT nama FROM person WHERE nik = '3604050203900003'")
        ).scalar()
    assert found == "Joko Susilo"


def test_large_batch_keeps_references_to_earlier_persons(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proposal about an earlier person stays valid when a later batch takes the bulk
    path (PostgreSQL drops and re-checks the foreign keys that lean on the primary key)."""
    monkeypatch.setattr("terpadu.store.indexes.REBUILD_MIN_ROWS", 1)
    import_batch(engine, *good_batch(tmp_path), source="desa-a", today=TODAY)
    with engine.begin() as conn:
        person_id, family_id = conn.execute(
            text("SELECT person_id, family_id FROM membership ORDER BY id LIMIT 1")
        ).one()
        conn.execute(
            text(
                "INSERT INTO proposal (kind, state, stage, family_id, person_id, "
                "kode_wilayah, payload, created_by, created_role, created_at, updated_at, "
                "state_since, version) VALUES ('correct', 'draft', 0, :f, :p, "
                "'3604052001', '{}', 'tester', 'operator_desa', :now, :now, :now, 1)"
            ),
            {"f": family_id, "p": person_id, "now": dt.datetime.now(dt.UTC)},
        )
    second = tmp_path / "second"
    second.mkdir()
    report = import_batch(engine, *good_batch(second), source="desa-b", today=TODAY)
    assert report.persons_new == 4
    with engine.connect() as conn:
        kept = conn.execute(
            text("SELECT p.nama FROM proposal r JOIN person p ON p.id = r.person_id")
        ).scalar_one()
    assert kept == "Ahmad bin Salim"
    referenced = {fk["referred_table"] for fk in inspect(engine).get_foreign_keys("proposal")}
    assert {"family", "person"} <= referenced


def _column_defaults(engine: Engine, table: str) -> dict[str, object]:
    from sqlalchemy import inspect

    return {c["name"]: c.get("default") for c in inspect(engine).get_columns(table)}


def test_large_batch_constants_land_and_defaults_come_back(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the bulk path sends per-batch constants as column defaults for the COPY:
    every row still gets them, and the tables keep the defaults they had."""
    monkeypatch.setattr("terpadu.store.indexes.REBUILD_MIN_ROWS", 1)
    monkeypatch.setattr("terpadu.store.bulk.CONSTANT_DEFAULT_MIN_ROWS", 1)
    before = {t: _column_defaults(engine, t) for t in ("family", "person", "membership")}
    report = import_batch(engine, *good_batch(tmp_path), today=TODAY)
    assert {t: _column_defaults(engine, t) for t in before} == before
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.source_id, p.batch_id, p.file_id, p.status, p.version, p.created_at, "
                "m.joined_batch_id, m.joined_at FROM person p "
                "JOIN membership m ON m.person_id = p.id"
            )
        ).all()
    assert len(rows) == 4
    assert {(r.batch_id, r.status, r.version, r.joined_batch_id) for r in rows} == {
        (report.batch_id, "aktif", 1, report.batch_id)
    }
    assert all(r.created_at is not None and r.joined_at is not None for r in rows)
    assert len({r.source_id for r in rows}) == 1 and len({r.file_id for r in rows}) == 1


def test_progress_is_reported_once_per_stage(engine: Engine, tmp_path: Path) -> None:
    from terpadu.intake import PROGRESS_STEPS

    stages: list[str] = []
    import_batch(engine, *good_batch(tmp_path), today=TODAY, progress=stages.append)
    assert len(stages) == PROGRESS_STEPS
