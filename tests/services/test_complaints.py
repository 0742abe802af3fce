"""Complaints through the service flow: deadlines, referrals, and a proposal that changes the
registry only once approved."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import CONFIG, DESA, KAB, OPERATOR, OUTSIDER_KAB, PROV, load_registry

from terpadu.access import PermissionDenied
from terpadu.audit import verify_chain
from terpadu.services import (
    Clock,
    ComplaintError,
    ServiceLevels,
    WorkCalendar,
    answer_referral,
    check_registry,
    close,
    decide,
    overdue,
    propose,
    receive,
    record_visit,
    refer,
)
from terpadu.services.calendar import WIB
from terpadu.store.models import Family
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.services import Complaint, ComplaintStep, Referral
from terpadu.verval.decisions import approve, submit, verify

HOLIDAYS = WorkCalendar(frozenset({dt.date(2026, 12, 1)}))


def _at(month: int, day: int, hour: int = 9) -> Clock:
    return Clock(calendar=HOLIDAYS, now=dt.datetime(2026, month, day, hour, tzinfo=WIB))


def _receive(engine: Engine, category: str = "wrong_data", day: int = 27) -> int:
    receipt = receive(
        engine,
        OPERATOR,
        category=category,
        channel="walk_in",
        kode_wilayah=DESA,
        complainant_name="Siti Aminah",
        description="Alamat keluarga salah tulis",
        calendar=HOLIDAYS,
        now=dt.datetime(2026, 11, day, 9, tzinfo=WIB),
    )
    assert receipt.tracking.startswith("ADU-3604-") and len(receipt.tracking) == 15
    return receipt.complaint_id


def test_a_wrong_data_complaint_becomes_a_correction_that_waits_for_approval(
    engine: Engine, tmp_path: Path
) -> None:
    ids = load_registry(engine, tmp_path)
    complaint_id = _receive(engine)
    check_registry(engine, OPERATOR, complaint_id, family_id=ids["K1"], clock=_at(11, 27, 10))
    proposal_id = propose(
        engine, OPERATOR, complaint_id, values={"alamat": "Kp. Baru Indah"}, clock=_at(11, 30)
    )
    with Session(engine) as s:
        complaint = s.get(Complaint, complaint_id)
        assert complaint is not None
        assert (complaint.state, complaint.outcome, complaint.proposal_id) == (
            "decided",
            "proposal",
            proposal_id,
        )
        assert s.get(Family, ids["K1"]).alamat == "Kp. Baru"  # type: ignore[union-attr]
    submit(engine, OPERATOR, proposal_id, config=CONFIG)
    verify(engine, KAB, proposal_id, config=CONFIG)
    with Session(engine) as s:
        assert s.get(Family, ids["K1"]).alamat == "Kp. Baru"  # type: ignore[union-attr]
    approve(engine, PROV, proposal_id, config=CONFIG)
    with Session(engine) as s:
        assert s.get(Family, ids["K1"]).alamat == "Kp. Baru Indah"  # type: ignore[union-attr]
    close(engine, OPERATOR, complaint_id, told_how="SMS ke pelapor", clock=_at(12, 2))
    with Session(engine) as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "complaint")
            .order_by(AuditEvent.id)
        ).all()
        steps = s.scalars(
            select(ComplaintStep.to_state)
            .where(ComplaintStep.complaint_id == complaint_id)
            .order_by(ComplaintStep.id)
        ).all()
    assert actions == [
        "complaint.receive",
        "complaint.check",
        "complaint.decide",
        "complaint.close",
    ]
    assert steps == ["received", "checked", "decided", "closed"]
    assert verify_chain(engine).ok


def test_an_exclusion_needs_the_home_visit_and_becomes_a_new_family_draft(
    engine: Engine, tmp_path: Path
) -> None:
    load_registry(engine, tmp_path)
    complaint_id = _receive(engine, "exclusion")
    check_registry(engine, OPERATOR, complaint_id, family_id=None, clock=_at(11, 27, 10))
    with pytest.raises(ComplaintError, match="kunjungan rumah"):
        decide(engine, OPERATOR, complaint_id, outcome="not_eligible", clock=_at(11, 27, 11))
    record_visit(engine, OPERATOR, complaint_id, note="Rumah bambu, 5 jiwa", clock=_at(11, 30))
    with Session(engine) as s:
        families_before = len(s.scalars(select(Family.id)).all())
    decide(engine, OPERATOR, complaint_id, outcome="not_eligible", clock=_at(11, 30, 11))
    with Session(engine) as s:
        assert len(s.scalars(select(Family.id)).all()) == families_before


def test_overdue_lists_complaints_past_their_working_day_deadline(
    engine: Engine, tmp_path: Path
) -> None:
    load_registry(engine, tmp_path)
    late = _receive(engine, day=27)  # Friday: due end of Friday (1 working day)
    on_time = _receive(engine, day=30)  # Monday: due end of Monday
    levels = ServiceLevels.parse("received=1,checked=2")
    assert levels.days["checked"] == 2
    # Wednesday 2 Dec: Monday 30 Nov and (1 Dec is a holiday) 2 Dec count for the first.
    found = overdue(engine, now=dt.datetime(2026, 12, 2, 9, tzinfo=WIB), calendar=HOLIDAYS)
    assert [(o.complaint_id, o.days_late) for o in found] == [(late, 2), (on_time, 1)]
    assert overdue(engine, now=dt.datetime(2026, 11, 27, 20, tzinfo=WIB), calendar=HOLIDAYS) == []
    assert overdue(engine, now=dt.datetime(2026, 12, 2, tzinfo=WIB), region="3201") == []
    # Taking the step late records by how much.
    check_registry(engine, OPERATOR, late, family_id=None, clock=_at(12, 2))
    with Session(engine) as s:
        step = s.scalars(
            select(ComplaintStep).where(
                ComplaintStep.complaint_id == late, ComplaintStep.to_state == "checked"
            )
        ).one()
        assert step.days_late == 2


def test_referrals_are_answered_and_steps_follow_the_flow(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path)
    complaint_id = _receive(engine, "help")
    with pytest.raises(ComplaintError, match="tidak dapat diambil"):
        close(engine, OPERATOR, complaint_id, told_how="telepon", clock=_at(11, 27))
    check_registry(engine, OPERATOR, complaint_id, family_id=None, clock=_at(11, 27, 10))
    first = refer(
        engine,
        KAB,
        complaint_id,
        service="health",
        institution="BPJS Kesehatan Serang",
        clock=_at(11, 27, 11),
    )
    second = refer(
        engine,
        KAB,
        complaint_id,
        service="civil_registry",
        institution="Disdukcapil Serang",
        clock=_at(11, 27, 12),
    )
    answer_referral(engine, KAB, first, answer="Didaftarkan PBI-JK")
    answer_referral(engine, KAB, second, answer="Tidak hadir", refused=True)
    with Session(engine) as s:
        rows = s.scalars(select(Referral).order_by(Referral.id)).all()
        assert [(r.service, r.status) for r in rows] == [
            ("health", "answered"),
            ("civil_registry", "refused"),
        ]
        assert s.get(Complaint, complaint_id).state == "referred"  # type: ignore[union-attr]
    with pytest.raises(ComplaintError, match="diberi tahu"):
        close(engine, KAB, complaint_id, told_how=" ", clock=_at(12, 3))
    close(engine, KAB, complaint_id, told_how="Surat ke pelapor", clock=_at(12, 3))


def test_staff_act_only_in_their_region_and_bad_codes_are_named(
    engine: Engine, tmp_path: Path
) -> None:
    load_registry(engine, tmp_path)
    complaint_id = _receive(engine)
    with pytest.raises(PermissionDenied):
        check_registry(engine, OUTSIDER_KAB, complaint_id, family_id=None)
    with pytest.raises(ComplaintError, match="Saluran pengaduan 'merpati'"):
        receive(
            engine,
            OPERATOR,
            category="help",
            channel="merpati",
            kode_wilayah=DESA,
            complainant_name="A",
            description="B",
        )
    with pytest.raises(ComplaintError, match="received=1"):
        ServiceLevels.parse("received=0")
