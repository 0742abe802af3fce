"""One institution or worker at a time: registered, changed, accredited, certified, assigned;
refused in words outside the actor's role or region, every change audited."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import load_registry

from terpadu.access import Actor, PermissionDenied
from terpadu.audit import verify_chain
from terpadu.services.institutions import InstitutionError, list_institutions
from terpadu.services.social_records import (
    InstitutionForm,
    WorkerForm,
    admit_in_region,
    assign_regions,
    certify_worker,
    institution_detail,
    record_accreditation,
    save_institution,
    save_worker,
    worker_detail,
)
from terpadu.services.workforce import WorkforceError
from terpadu.store.models.audit import AuditEvent

TODAY = dt.date(2026, 12, 6)
KAB = Actor("verif_serang", "verifikator_kab", "3604")
PROVINCE = Actor("admin_banten", "admin_provinsi", "36")
OTHER_KAB = Actor("verif_bogor", "verifikator_kab", "3201")
OPERATOR = Actor("op_kramatwatu", "operator_desa", "3604052001")
PANTI = InstitutionForm(
    "LKS-010", "Panti Asuhan Al Ikhlas", "panti", "children", "community", "3604052001",
    legal_status="Yayasan AHU-010", capacity=40, staff_count=6,
)  # fmt: skip


def _events(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [
            (e.action, e.actor)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if e.action.startswith(("institution.", "worker."))
        ]


def test_an_institution_registered_changed_and_accredited(engine: Engine) -> None:
    ident = save_institution(engine, KAB, PANTI)
    changed = InstitutionForm(**{**PANTI.__dict__, "capacity": 60, "kode_wilayah": "360405"})
    save_institution(engine, KAB, changed, institution_id=ident)
    record_accreditation(
        engine, KAB, ident, grade="B", accredited_on=dt.date(2025, 3, 1),
        expires=dt.date(2030, 3, 1), today=TODAY,
    )  # fmt: skip
    shown = institution_detail(engine, ident, region="3604")
    assert (shown.capacity, shown.kode_wilayah, shown.accreditation) == (60, "360405", "B")
    assert shown.accreditation_expires == dt.date(2030, 3, 1)
    assert _events(engine) == [
        ("institution.create", "verif_serang"),
        ("institution.update", "verif_serang"),
        ("institution.accredit", "verif_serang"),
    ]
    assert verify_chain(engine).ok
    with pytest.raises(InstitutionError, match="tidak ditemukan"):
        institution_detail(engine, ident, region="3201")


def test_bad_values_are_refused_naming_each_problem(engine: Engine) -> None:
    bad = InstitutionForm(" ", "", "asrama", "children", "swasta", "9999", capacity=-1)
    with pytest.raises(InstitutionError) as refused:
        save_institution(engine, KAB, bad)
    words = str(refused.value)
    for part in ("nomor registrasi kosong", "nama lembaga kosong", "bentuk 'asrama'",
                 "pemilik 'swasta'", "tidak boleh negatif", "kode wilayah '9999'"):  # fmt: skip
        assert part in words, part
    ident = save_institution(engine, KAB, PANTI)
    with pytest.raises(InstitutionError, match="sudah dipakai"):
        save_institution(engine, KAB, InstitutionForm(**{**PANTI.__dict__, "name": "Lain"}))
    with pytest.raises(InstitutionError, match="harus sesudah"):
        record_accreditation(engine, KAB, ident, grade="A", accredited_on=dt.date(2025, 1, 1),
                             expires=dt.date(2025, 1, 1), today=TODAY)  # fmt: skip
    with pytest.raises(InstitutionError, match="di masa depan"):
        record_accreditation(engine, KAB, ident, grade="A", accredited_on=dt.date(2027, 1, 1),
                             expires=dt.date(2031, 1, 1), today=TODAY)  # fmt: skip
    with pytest.raises(InstitutionError, match="harus A, B atau C"):
        record_accreditation(engine, KAB, ident, grade="D", accredited_on=dt.date(2025, 1, 1),
                             expires=dt.date(2031, 1, 1), today=TODAY)  # fmt: skip
    assert [a for a, _ in _events(engine)] == ["institution.create"]


def test_role_and_region_are_checked(engine: Engine) -> None:
    with pytest.raises(PermissionDenied):
        save_institution(engine, OPERATOR, PANTI)
    with pytest.raises(PermissionDenied):
        save_institution(engine, OTHER_KAB, PANTI)
    ident = save_institution(engine, KAB, PANTI)
    with pytest.raises(InstitutionError, match="tidak ditemukan di wilayah Anda"):
        save_institution(
            engine, OTHER_KAB, InstitutionForm(**{**PANTI.__dict__, "kode_wilayah": "3201"}),
            institution_id=ident,
        )  # fmt: skip
    with pytest.raises(InstitutionError, match="tidak ditemukan"):
        record_accreditation(engine, OTHER_KAB, ident, grade="A",
                             accredited_on=dt.date(2025, 1, 1), expires=dt.date(2030, 1, 1))  # fmt: skip
    # The province admin may move it anywhere in the province, not out of it.
    with pytest.raises(PermissionDenied):
        save_institution(
            engine, PROVINCE, InstitutionForm(**{**PANTI.__dict__, "kode_wilayah": "3201"}),
            institution_id=ident,
        )  # fmt: skip


def test_a_resident_comes_from_the_actors_region(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    serang = save_institution(engine, KAB, PANTI)
    bogor = save_institution(
        engine, OTHER_KAB,
        InstitutionForm(**{**PANTI.__dict__, "registration_no": "B-1", "kode_wilayah": "3201"}),
    )  # fmt: skip
    with pytest.raises(InstitutionError, match="tidak ada di registri wilayah Anda"):
        admit_in_region(engine, OTHER_KAB, bogor, person_id=ids["A1"],
                        admitted_on=dt.date(2026, 1, 1), reason="x", today=TODAY)  # fmt: skip
    stay = admit_in_region(engine, KAB, serang, person_id=ids["A1"],
                           admitted_on=dt.date(2026, 1, 1), reason="terlantar", today=TODAY)  # fmt: skip
    assert stay > 0
    rows = list_institutions(engine, region="3604")
    assert [(r.registration_no, r.residents) for r in rows] == [("LKS-010", 1)]


def test_a_worker_added_certified_and_assigned(engine: Engine) -> None:
    form = WorkerForm("3604050101800011", "Rina", "tksk", "360405; 3604052001")
    ident = save_worker(engine, KAB, form)
    certify_worker(engine, KAB, ident, certified_on=dt.date(2026, 3, 1), today=TODAY)
    shown = worker_detail(engine, ident, region="3604")
    assert shown.certified and shown.certified_on == dt.date(2026, 3, 1)
    assert shown.regions == ["360405", "3604052001"]
    # The province puts her on a Pandeglang desk too; Serang's verifier then reassigns her
    # in Serang: the Pandeglang assignment (another office's) stays.
    assign_regions(engine, PROVINCE, ident, "360405; 3601")
    after = assign_regions(engine, KAB, ident, "360406")
    assert after == ["3601", "360406"]
    assert worker_detail(engine, ident, region="3601").regions == ["3601", "360406"]
    assert [a for a, _ in _events(engine)] == [
        "worker.create", "worker.certify", "worker.assign", "worker.assign",
    ]  # fmt: skip
    with pytest.raises(WorkforceError, match="tidak ditemukan"):
        worker_detail(engine, ident, region="3301")


def test_bad_worker_values_are_refused(engine: Engine) -> None:
    with pytest.raises(WorkforceError, match=r"NIK '12' harus 16 angka.*peran 'lurah'"):
        save_worker(engine, KAB, WorkerForm("12", "X", "lurah", "360405"))
    with pytest.raises(WorkforceError, match="harus berisi kode wilayah"):
        save_worker(engine, KAB, WorkerForm("3604050101800011", "X", "tksk", "99; 3604"))
    with pytest.raises(PermissionDenied):
        save_worker(engine, KAB, WorkerForm("3604050101800011", "X", "tksk", "3201"))
    ident = save_worker(engine, KAB, WorkerForm("3604050101800011", "X", "tksk", "360405"))
    with pytest.raises(WorkforceError, match="sudah terdaftar"):
        save_worker(engine, KAB, WorkerForm("3604050101800011", "Y", "psm", "360405"))
    with pytest.raises(WorkforceError, match="di masa depan"):
        certify_worker(engine, KAB, ident, certified_on=dt.date(2027, 1, 1), today=TODAY)
    with pytest.raises(WorkforceError, match="tidak ditemukan"):
        certify_worker(engine, OTHER_KAB, ident, certified_on=dt.date(2026, 1, 1), today=TODAY)
    assert [a for a, _ in _events(engine)] == ["worker.create"]
