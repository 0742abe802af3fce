"""Institutions (LKS/panti): the list imported and re-imported, residents, occupancy and the
accreditation pipeline, region-scoped and audited."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import load_registry

from terpadu.access import Actor, PermissionDenied
from terpadu.audit import verify_chain
from terpadu.services.institutions import (
    InstitutionError,
    accreditation_pipeline,
    admit,
    discharge,
    import_institutions,
    institution_id,
    list_institutions,
    occupancy,
)
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.social import Institution

TODAY = dt.date(2026, 12, 6)
KAB = Actor("verif_serang", "verifikator_kab", "3604")
OTHER_KAB = Actor("verif_bogor", "verifikator_kab", "3201")
OPERATOR = Actor("op_kramatwatu", "operator_desa", "3604052001")
HEADER = (
    "NO_REGISTRASI,NAMA_LEMBAGA,BENTUK,JENIS,PEMILIK,STATUS_HUKUM,AKREDITASI,TGL_AKREDITASI,"
    "AKREDITASI_BERLAKU_SAMPAI,DAYA_TAMPUNG,JUMLAH_PEGAWAI,KODE_WILAYAH"
)
GOOD = [
    "LKS-001,Panti Asuhan Al Ikhlas,panti,anak,masyarakat,Yayasan AHU-001,A,2022-03-01,"
    "2027-03-01,2,8,3604052001",
    "LKS-002,PSTW Serang,panti,lansia,pemda,,B,2020-01-10,10/01/2025,100,20,36.04.05.2002",
    "LKS-003,LKS Bina Difabel,lks,disabilitas,masyarakat,,,,,20,3,3604052001",
    "LKS-004,Panti Rehabilitasi Napza,panti,napza,pemerintah,,C,2023-02-01,2027-01-31,30,5,"
    "3604062001",
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_good_rows_land_and_each_bad_row_is_reported_with_its_reason(
    engine: Engine, tmp_path: Path
) -> None:
    bad = [
        "LKS-005,Salah Pemilik,panti,anak,entah,,,,,10,1,3604052001",
        "LKS-001,Dobel,panti,anak,masyarakat,,,,,10,1,3604052001",
        "LKS-006,Luar Wilayah,panti,anak,masyarakat,,,,,10,1,3201011001",
        "LKS-007,Masa Berlaku,panti,anak,masyarakat,,C,2021-01-01,besok,10,1,3604052001",
        "LKS-008,Terbalik,panti,anak,masyarakat,,C,2021-01-01,2020-01-01,10,1,3604052001",
        "LKS-009,Kapasitas,panti,anak,masyarakat,,,,,-4,1,3604052001",
    ]
    report = import_institutions(
        engine, KAB, _write(tmp_path / "lembaga.csv", [*GOOD, *bad]), today=TODAY
    )
    assert (report.rows_read, report.rows_landed, report.rows_rejected) == (10, 4, 6)
    assert (report.new, report.updated) == (4, 0)
    errors = report.issues.filter(report.issues["severity"] == "error")
    found = {(r["__row"], r["column"], r["code"]) for r in errors.iter_rows(named=True)}
    assert found == {
        (6, "PEMILIK", "code_unknown"),
        (7, "NO_REGISTRASI", "duplicate_key"),
        (8, "KODE_WILAYAH", "region_outside"),
        (9, "AKREDITASI_BERLAKU_SAMPAI", "date_invalid"),
        (10, "AKREDITASI_BERLAKU_SAMPAI", "expiry_before_accreditation"),
        (11, "DAYA_TAMPUNG", "number_out_of_range"),
    }
    first = errors.row(0, named=True)
    assert first["file"] == "lembaga.csv" and first["value"] == "entah"
    assert "tidak dikenal untuk PEMILIK" in first["message"]
    outside = errors.filter(errors["code"] == "region_outside").row(0, named=True)
    assert "di luar wilayah kerja Anda" in outside["message"]
    rows = {r.registration_no: r for r in list_institutions(engine, region="3604")}
    assert set(rows) == {"LKS-001", "LKS-002", "LKS-003", "LKS-004"}
    assert (rows["LKS-002"].kind, rows["LKS-002"].owner) == ("elderly", "regional")
    assert rows["LKS-002"].accreditation_expires == dt.date(2025, 1, 10)
    assert (rows["LKS-003"].form, rows["LKS-003"].accreditation) == ("lks", None)
    assert rows["LKS-004"].kind == "rehabilitation"


def test_the_same_list_sent_again_updates_without_duplicates(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path / "lembaga.csv", GOOD)
    import_institutions(engine, KAB, path, today=TODAY)
    again = import_institutions(engine, KAB, path, today=TODAY)
    assert (again.rows_landed, again.new, again.updated) == (4, 0, 0)
    changed = [GOOD[0].replace(",2,8,", ",45,9,"), *GOOD[1:]]
    report = import_institutions(engine, KAB, _write(tmp_path / "baru.csv", changed), today=TODAY)
    assert (report.new, report.updated) == (0, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Institution)) == 4
        panti = session.scalars(
            select(Institution).where(Institution.registration_no == "LKS-001")
        ).one()
        assert (panti.capacity, panti.staff_count) == (45, 9)
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "institution")
        ).all()
    assert actions.count("institution.import") == 5  # four new, one changed
    assert verify_chain(engine).ok


def test_only_kab_and_province_staff_import(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_institutions(engine, OPERATOR, _write(tmp_path / "l.csv", GOOD), today=TODAY)
    report = import_institutions(engine, OTHER_KAB, _write(tmp_path / "l.csv", GOOD), today=TODAY)
    assert report.rows_landed == 0
    assert set(report.issues["code"].to_list()) == {"region_outside"}


def test_residents_admitted_and_discharged_count_against_capacity(
    engine: Engine, tmp_path: Path
) -> None:
    ids = load_registry(engine, tmp_path)
    import_institutions(engine, KAB, _write(tmp_path / "lembaga.csv", GOOD), today=TODAY)
    home = institution_id(engine, "LKS-001", region="3604")
    first = admit(
        engine,
        KAB,
        home,
        person_id=ids["A3"],
        admitted_on=dt.date(2026, 1, 5),
        reason="Anak terlantar",
        today=TODAY,
    )
    admit(
        engine,
        KAB,
        home,
        person_id=ids["A4"],
        admitted_on=dt.date(2026, 2, 1),
        reason="Rujukan SLRT",
        today=TODAY,
    )
    with pytest.raises(InstitutionError, match="masih tercatat sebagai penghuni"):
        admit(
            engine,
            KAB,
            home,
            person_id=ids["A3"],
            admitted_on=dt.date(2026, 3, 1),
            reason="lagi",
            today=TODAY,
        )
    with pytest.raises(InstitutionError, match="tidak ada di registri"):
        admit(
            engine,
            KAB,
            home,
            person_id=999_999,
            admitted_on=dt.date(2026, 3, 1),
            reason="x",
            today=TODAY,
        )
    rows = {(o.kode_wilayah, o.kind): o for o in occupancy(engine, region="3604")}
    children = rows[("3604", "children")]
    assert (children.institutions, children.capacity, children.residents) == (1, 2, 2)
    assert children.rate == 1.0
    assert rows[("3604", "elderly")].residents == 0
    with pytest.raises(InstitutionError, match="sebelum tanggal masuk"):
        discharge(engine, KAB, first, discharged_on=dt.date(2025, 12, 1), reason="Pulang")
    discharge(engine, KAB, first, discharged_on=dt.date(2026, 11, 1), reason="Kembali ke keluarga")
    with pytest.raises(InstitutionError, match="sudah pulang"):
        discharge(engine, KAB, first, discharged_on=dt.date(2026, 11, 2), reason="lagi")
    by_kecamatan = {(o.kode_wilayah, o.kind): o for o in occupancy(engine, region=None, digits=6)}
    assert by_kecamatan[("360405", "children")].residents == 1
    assert ("360406", "rehabilitation") in by_kecamatan
    # The stay can be taken up again once closed, and the person's history is kept.
    admit(
        engine,
        KAB,
        home,
        person_id=ids["A3"],
        admitted_on=dt.date(2026, 11, 20),
        reason="Kembali",
        today=TODAY,
    )
    with pytest.raises(PermissionDenied):
        admit(
            engine,
            OTHER_KAB,
            home,
            person_id=ids["A1"],
            admitted_on=dt.date(2026, 11, 20),
            reason="x",
            today=TODAY,
        )


def test_the_accreditation_pipeline(engine: Engine, tmp_path: Path) -> None:
    import_institutions(engine, KAB, _write(tmp_path / "lembaga.csv", GOOD), today=TODAY)
    pipeline = accreditation_pipeline(engine, region="3604", today=TODAY, within_days=60)
    assert [r.registration_no for r in pipeline.expired] == ["LKS-002"]
    assert [r.registration_no for r in pipeline.expiring] == ["LKS-004"]  # 2027-01-31
    assert [r.registration_no for r in pipeline.never] == ["LKS-003"]
    wider = accreditation_pipeline(engine, region="3604", today=TODAY, within_days=90)
    assert [r.registration_no for r in wider.expiring] == ["LKS-004", "LKS-001"]
    only_kecamatan = accreditation_pipeline(engine, region="360406", today=TODAY)
    assert [r.registration_no for r in only_kecamatan.expiring] == ["LKS-004"]
    assert only_kecamatan.expired == [] and only_kecamatan.never == []


def test_another_offices_institution_is_a_bad_row_not_a_change(
    engine: Engine, tmp_path: Path
) -> None:
    import_institutions(engine, KAB, _write(tmp_path / "serang.csv", GOOD), today=TODAY)
    bogor = [
        "LKS-001,Panti Lain,panti,anak,masyarakat,,,,,10,1,3201011001",
        "BGR-001,Panti Bogor,panti,lansia,masyarakat,,,,,10,1,3201011002",
    ]
    report = import_institutions(
        engine, OTHER_KAB, _write(tmp_path / "bogor.csv", bogor), today=TODAY
    )
    assert (report.rows_landed, report.new) == (1, 1)
    bad = report.issues.row(0, named=True)
    assert (bad["__row"], bad["code"]) == (2, "institution_elsewhere")
    assert "di luar wilayah kerja Anda" in bad["message"]
    kept = {r.registration_no: r.name for r in list_institutions(engine, region="3604")}
    assert kept["LKS-001"] == "Panti Asuhan Al Ikhlas"


def test_an_excel_list_with_a_title_row_lands_the_same(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DAFTAR LKS KABUPATEN SERANG 2026"])
    sheet.append(HEADER.split(","))
    for line in GOOD:
        cells: list[object] = list(line.split(","))
        cells[9] = int(str(cells[9]))  # capacity as a number cell
        sheet.append(cells)
    path = tmp_path / "lembaga.xlsx"
    book.save(path)
    report = import_institutions(engine, KAB, path, today=TODAY)
    assert (report.rows_read, report.rows_landed, report.rows_rejected) == (4, 4, 0)
    capacity = {r.registration_no: r.capacity for r in list_institutions(engine, region="3604")}
    assert capacity["LKS-002"] == 100
