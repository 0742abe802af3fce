"""The social workforce: the list imported and re-imported by NIK, Karang Taruna, caseloads
against norms and the regions short of staff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from terpadu.access import Actor, PermissionDenied
from terpadu.services import check_registry, receive
from terpadu.services.workforce import (
    CASELOAD_NORMS,
    WorkforceError,
    caseloads,
    import_workers,
    list_organisations,
    list_workers,
    parse_norms,
    short_of_staff,
)
from terpadu.store.models.cases import PpksCase
from terpadu.store.models.social import Worker, WorkerRegion
from terpadu.store.models.targeting import Enrolment, TargetingRun

TODAY = dt.date(2026, 12, 6)
KAB = Actor("verif_serang", "verifikator_kab", "3604")
OPERATOR = Actor("op_kramatwatu", "operator_desa", "3604052001")
HEADER = (
    "NIK,NAMA,PERAN,SERTIFIKASI,TGL_SERTIFIKASI,WILAYAH_TUGAS,NAMA_AKUN,NAMA_KARANG_TARUNA,JABATAN"
)
GOOD = [
    "3604051507870001,Ahmad Fauzi,TKSK,ya,2024-05-01,360405,op_kramatwatu,,",
    "3604054107900002,Siti Rahma,pendamping pkh,tidak,,3604052001;3604052002,,,",
    "3604051203850003,Budi Santoso,karang taruna,,,3604052001,,Karang Taruna Tunas Harapan,Ketua",
    "3604061203850004,Dewi Lestari,Sakti Peksos,ya,2023-01-10,3604,,,",
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_good_rows_land_and_each_bad_row_is_reported(engine: Engine, tmp_path: Path) -> None:
    bad = [
        "3604051203850005,Luar,psm,,,3201011001,,,",
        "12345,NIK Pendek,psm,,,360405,,,",
        "3604051507870001,Dobel,tksk,,,360405,,,",
        "3604051203850006,Tanpa Desa,karang taruna,,,360405,,KT Mekar,",
        "3604051203850007,Kode Jelek,tagana,,,36999,,,",
        "3604051203850008,Peran Salah,dokter,,,360405,,,",
        "tidak ada,Tanpa NIK,psm,,,360405,,,",
    ]
    report = import_workers(engine, KAB, _write(tmp_path / "sdm.csv", [*GOOD, *bad]), today=TODAY)
    assert (report.rows_read, report.rows_landed, report.new) == (11, 4, 4)
    errors = report.issues.filter(report.issues["severity"] == "error")
    found = {(r["__row"], r["column"], r["code"]) for r in errors.iter_rows(named=True)}
    assert found == {
        (6, "WILAYAH_TUGAS", "region_outside"),
        (7, "NIK", "nik_length"),
        (8, "NIK", "duplicate_key"),
        (9, "NAMA_KARANG_TARUNA", "organisation_without_region"),
        (10, "WILAYAH_TUGAS", "region_list_invalid"),
        (11, "PERAN", "code_unknown"),
        (12, "NIK", "required"),
    }
    assert all(m for m in report.issues["message"].to_list())
    workers = {w.nik: w for w in list_workers(engine, region="3604")}
    assert workers["3604054107900002"].regions == ["3604052001", "3604052002"]
    assert workers["3604051507870001"].certified_on == dt.date(2024, 5, 1)
    assert workers["3604061203850004"].role == "sakti_peksos"
    officer = workers["3604051203850003"]
    assert (officer.organisation, officer.position) == ("Karang Taruna Tunas Harapan", "Ketua")
    organisations = list_organisations(engine, region="360405")
    assert [(o.kode_wilayah, o.officers) for o in organisations] == [("3604052001", 1)]
    # A kab-wide worker is listed for a kecamatan; a kecamatan's worker not for another one.
    names = {w.name for w in list_workers(engine, region="360406")}
    assert names == {"Dewi Lestari"}


def test_the_same_list_sent_again_updates_by_nik(engine: Engine, tmp_path: Path) -> None:
    import_workers(engine, KAB, _write(tmp_path / "sdm.csv", GOOD), today=TODAY)
    again = import_workers(engine, KAB, _write(tmp_path / "sdm.csv", GOOD), today=TODAY)
    assert (again.rows_landed, again.new, again.updated) == (4, 0, 0)
    moved = [GOOD[0], GOOD[1].replace("3604052001;3604052002", "3604052003"), *GOOD[2:]]
    report = import_workers(engine, KAB, _write(tmp_path / "baru.csv", moved), today=TODAY)
    assert (report.new, report.updated) == (0, 1)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Worker)) == 4
        worker = session.scalars(select(Worker).where(Worker.nik == "3604054107900002")).one()
        codes = session.scalars(
            select(WorkerRegion.kode_wilayah).where(WorkerRegion.worker_id == worker.id)
        ).all()
    assert codes == ["3604052003"]


def test_only_kab_and_province_staff_import(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_workers(engine, OPERATOR, _write(tmp_path / "sdm.csv", GOOD), today=TODAY)


def _enrol(engine: Engine, families: dict[str, int], period: str = "2026-11") -> None:
    """A current PKH run enrolling ``n`` families in each desa."""
    with Session(engine) as session, session.begin():
        run = TargetingRun(
            program="pkh",
            program_version="1",
            program_sha256="x",
            program_config="",
            period=period,
            reference_date=TODAY,
            engine="duckdb",
            snapshot_sha256="x",
            enrolled_sha256="x",
        )
        session.add(run)
        session.flush()
        family = 1
        for desa, n in families.items():
            for _ in range(n):
                session.add(
                    Enrolment(
                        run_id=run.id,
                        program="pkh",
                        program_version="1",
                        period=period,
                        family_id=family,
                        kode_wilayah=desa,
                        kuota_wilayah=desa[:6],
                        peringkat=family,
                        nominal=750_000,
                    )
                )
                family += 1


def test_families_per_pkh_facilitator_and_the_regions_short_of_staff(
    engine: Engine, tmp_path: Path
) -> None:
    import_workers(engine, KAB, _write(tmp_path / "sdm.csv", GOOD), today=TODAY)
    _enrol(engine, {"3604052001": 4, "3604052002": 3, "3604062001": 2})
    rows = {
        r.kode_wilayah: r
        for r in caseloads(engine, "pendamping_pkh", region="3604", norms={"pendamping_pkh": 3})
    }
    assert (rows["360405"].load, rows["360405"].staff, rows["360405"].needed) == (7, 1, 3)
    assert rows["360405"].per_staff == 7.0
    assert (rows["360406"].load, rows["360406"].staff, rows["360406"].needed) == (2, 0, 1)
    short = short_of_staff(list(rows.values()))
    assert [(r.kode_wilayah, r.shortfall) for r in short] == [("360405", 2), ("360406", 1)]
    # With the default norm one facilitator is enough for seven families.
    default = caseloads(engine, "pendamping_pkh", region="3604")
    assert {r.kode_wilayah: r.needed for r in default} == {"360405": 1, "360406": 1}
    by_desa = {
        r.kode_wilayah: r.load
        for r in caseloads(engine, "pendamping_pkh", region="360405", digits=10)
    }
    assert by_desa == {"3604052001": 4, "3604052002": 3}


def test_open_complaints_per_tksk_and_a_kecamatan_without_one(
    engine: Engine, tmp_path: Path
) -> None:
    import_workers(engine, KAB, _write(tmp_path / "sdm.csv", GOOD), today=TODAY)
    for _ in range(3):
        receipt = receive(
            engine,
            OPERATOR,
            category="help",
            channel="walk_in",
            kode_wilayah="3604052001",
            complainant_name="Siti",
            description="Minta bantuan",
        )
    check_registry(engine, OPERATOR, receipt.complaint_id, family_id=None)
    rows = {r.kode_wilayah: r for r in caseloads(engine, "tksk", region="3604", norms={"tksk": 2})}
    assert (rows["360405"].load, rows["360405"].staff, rows["360405"].needed) == (3, 1, 2)
    # Every kecamatan of the kab/kota needs its TKSK, with complaints or not.
    assert rows["360406"].staff == 0 and rows["360406"].needed == 1
    assert len(rows) > 20
    tksk = next(w for w in list_workers(engine, region="3604", role="tksk"))
    assert tksk.open_complaints == 1  # the one assigned to the TKSK's account


def test_norms_are_read_from_a_setting_and_checked() -> None:
    assert parse_norms("pendamping_pkh=200") == {**CASELOAD_NORMS, "pendamping_pkh": 200}
    with pytest.raises(WorkforceError, match="tidak sah"):
        parse_norms("pendamping_pkh=nol")
    with pytest.raises(WorkforceError, match="tidak sah"):
        parse_norms("psm=10")


def test_caseloads_are_for_roles_with_a_norm(engine: Engine) -> None:
    with pytest.raises(WorkforceError, match="bukan 'psm'"):
        caseloads(engine, "psm", region="3604")


def test_another_offices_worker_is_a_bad_row_not_a_change(engine: Engine, tmp_path: Path) -> None:
    import_workers(engine, KAB, _write(tmp_path / "serang.csv", GOOD), today=TODAY)
    bogor = Actor("verif_bogor", "verifikator_kab", "3201")
    rows = [
        "3604051507870001,Ahmad Pindah,tksk,,,320101,,,",
        "3201011507870009,Rina,psm,,,320101,,,",
    ]
    report = import_workers(engine, bogor, _write(tmp_path / "bogor.csv", rows), today=TODAY)
    assert (report.rows_landed, report.new) == (1, 1)
    assert report.issues.select("__row", "code").rows() == [(2, "worker_elsewhere")]
    assert {w.name for w in list_workers(engine, region="360405", role="tksk")} == {"Ahmad Fauzi"}


def test_open_ppks_cases_per_sakti_peksos(engine: Engine, tmp_path: Path) -> None:
    import_workers(engine, KAB, _write(tmp_path / "sdm.csv", GOOD), today=TODAY)
    with Session(engine) as session:
        cases = [
            ("3604052001", "opened"),
            ("3604052001", "in_service"),
            ("3604052002", "planned"),
            ("3604062001", "closed"),
        ]
        for n, (desa, state) in enumerate(cases, start=1):
            session.add(
                PpksCase(
                    number=f"KAS-3604-{n:06d}",
                    kode_wilayah=desa,
                    subject_name=f"Orang {n}",
                    caseworker="peksos",
                    state=state,
                    opened_by="slrt",
                )
            )
        session.commit()
    norms = {"sakti_peksos": 2}
    rows = {
        r.kode_wilayah: r for r in caseloads(engine, "sakti_peksos", region="3604", norms=norms)
    }
    # Dewi (assigned to the whole kab/kota) counts in the kecamatan with cases; the closed
    # case is no work.
    assert (rows["360405"].load, rows["360405"].staff, rows["360405"].needed) == (3, 1, 2)
    assert "360406" not in rows
    assert [(r.kode_wilayah, r.shortfall) for r in short_of_staff(list(rows.values()))] == [
        ("360405", 1)
    ]
