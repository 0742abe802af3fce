"""The residents list sent beside the institutions: registry persons admitted, discharges
recorded, each bad row's reason, the same list sent again, another office's institution."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import KAB, OUTSIDER_KAB, load_registry

from terpadu.audit import verify_chain
from terpadu.services.institutions import import_institutions, list_residents
from terpadu.services.residents_list import import_residents
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.social import Resident

TODAY = dt.date(2026, 12, 6)
HOMES = (
    "NO_REGISTRASI,NAMA_LEMBAGA,BENTUK,JENIS,PEMILIK,DAYA_TAMPUNG,KODE_WILAYAH\n"
    "LKS-001,Panti Asuhan Al Ikhlas,panti,anak,masyarakat,40,3604052001\n"
    "LKS-002,PSTW Serang,panti,lansia,pemda,100,3604052002\n"
)
HEADER = "NO_REGISTRASI,NIK,TGL_MASUK,ALASAN_MASUK,TGL_KELUAR,ALASAN_KELUAR"
GOOD = [
    "LKS-002,3604051507870001,2026-01-10,Rujukan SLRT,,",
    "LKS-001,3604054107870002,2025-03-01,,2026-06-30,Kembali ke keluarga",
]


def _setup(engine: Engine, folder: Path) -> dict[str, int]:
    ids = load_registry(engine, folder)
    homes = folder / "lembaga.csv"
    homes.write_text(HOMES, encoding="utf-8")
    assert import_institutions(engine, KAB, homes, today=TODAY).rows_rejected == 0
    return ids


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_registry_persons_admitted_and_each_bad_row_reported(
    engine: Engine, tmp_path: Path
) -> None:
    ids = _setup(engine, tmp_path)
    bad = [
        "LKS-009,3604050203900003,2026-01-10,,,",
        "LKS-001,3604055505880007,2026-01-10,,,",
        "LKS-001,3604050203900003,2026-05-10,,2026-01-10,",
        "LKS-001,3604051507870001,2026-02-10,,,",
    ]
    report = import_residents(
        engine, KAB, _write(tmp_path / "penghuni.csv", [*GOOD, *bad]), today=TODAY
    )
    assert (report.rows_read, report.rows_landed, report.new) == (6, 2, 2)
    errors = report.issues.filter(report.issues["severity"] == "error")
    found = {(r["__row"], r["column"], r["code"]) for r in errors.iter_rows(named=True)}
    assert found == {
        (4, "NO_REGISTRASI", "institution_unknown"),
        (5, "NIK", "resident_not_registered"),
        (6, "TGL_KELUAR", "discharge_before_admission"),
        (6, "NIK", "duplicate_key"),  # one row per person: row 4 named them first
        (7, "NIK", "duplicate_key"),
    }
    with Session(engine) as s:
        stays = {r.person_id: r for r in s.scalars(select(Resident))}
    assert stays[ids["A1"]].discharged_on is None
    assert stays[ids["A1"]].admission_reason == "Rujukan SLRT"
    assert stays[ids["A2"]].discharged_on == dt.date(2026, 6, 30)
    assert stays[ids["A2"]].admission_reason == "Dari daftar penghuni lembaga"
    assert verify_chain(engine).ok


def test_the_list_sent_again_adds_nothing_and_records_a_discharge(
    engine: Engine, tmp_path: Path
) -> None:
    ids = _setup(engine, tmp_path)
    path = _write(tmp_path / "penghuni.csv", GOOD)
    import_residents(engine, KAB, path, today=TODAY)
    with Session(engine) as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    again = import_residents(engine, KAB, path, today=TODAY)
    assert (again.rows_landed, again.new, again.updated) == (2, 0, 0)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
    left = [GOOD[0].replace(",,", ",2026-11-30,Meninggal dunia"), GOOD[1]]
    later = import_residents(engine, KAB, _write(tmp_path / "p2.csv", left), today=TODAY)
    assert (later.new, later.updated) == (0, 1)
    with Session(engine) as s:
        home = s.scalar(select(Resident.institution_id).where(Resident.person_id == ids["A1"]))
    assert home is not None
    assert list_residents(engine, home) == []  # the stay is closed
    # A person staying in one home cannot be listed as staying in another.
    moved = ["LKS-001,3604050203900003,2026-02-01,,,", "LKS-002,3604050203900003,2026-03-01,,,"]
    import_residents(engine, KAB, _write(tmp_path / "p3.csv", moved[:1]), today=TODAY)
    refused = import_residents(engine, KAB, _write(tmp_path / "p4.csv", moved[1:]), today=TODAY)
    assert refused.issues["code"].to_list() == ["resident_elsewhere"]


def test_another_offices_institution_is_refused(engine: Engine, tmp_path: Path) -> None:
    _setup(engine, tmp_path)
    report = import_residents(
        engine, OUTSIDER_KAB, _write(tmp_path / "penghuni.csv", GOOD), today=TODAY
    )
    assert report.rows_landed == 0
    assert set(report.issues["code"].to_list()) == {"institution_elsewhere"}
