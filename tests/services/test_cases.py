"""PPKS cases through their course: each step, who may take it, region scope, the audit
trail, overdue reviews on the working-day clock, and a person's history."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import CONFIG, DESA, KAB, OPERATOR, OUTSIDER_KAB, PROV, load_registry

from terpadu.access import Actor, PermissionDenied
from terpadu.accounts.users import create_user
from terpadu.audit import verify_chain
from terpadu.services import WorkCalendar, check_registry, receive
from terpadu.services.calendar import WIB
from terpadu.services.case_codes import CaseError, atensi_codes, ppks_codes
from terpadu.services.case_reads import (
    case_detail,
    case_id,
    list_cases,
    overdue_reviews,
    person_history,
)
from terpadu.services.cases import (
    CaseClock,
    PlannedItem,
    Subject,
    assess,
    close_case,
    give_service,
    open_case,
    plan,
    propose_correction,
    reassign,
    review,
)
from terpadu.store.models import Person
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.cases import CaseStep, PpksCase
from terpadu.verval.decisions import approve, submit, verify

SLRT = Actor("slrt_serang", "petugas_slrt", "3604")
PEKSOS = Actor("peksos_rina", "pekerja_sosial", "3604")
PEKSOS_2 = Actor("peksos_dedi", "pekerja_sosial", "3604")
PASSWORD = "kata-sandi-uji-1"
# 1 December 2026 is a holiday in this office's calendar (a Tuesday).
HOLIDAYS = WorkCalendar(frozenset({dt.date(2026, 12, 1)}))


def _at(month: int, day: int, hour: int = 9) -> CaseClock:
    return CaseClock(calendar=HOLIDAYS, now=dt.datetime(2026, month, day, hour, tzinfo=WIB))


@pytest.fixture
def registry(engine: Engine, tmp_path: Path) -> dict[str, int]:
    ids = load_registry(engine, tmp_path)
    for actor in (PEKSOS, PEKSOS_2):
        create_user(engine, actor.username, PASSWORD, role=actor.role, region=actor.region)
    create_user(engine, "peksos_bogor", PASSWORD, role="pekerja_sosial", region="3201")
    return ids


def _open(engine: Engine, **subject: object) -> int:
    return open_case(
        engine,
        SLRT,
        Subject(**subject),  # type: ignore[arg-type]
        categories=["9", "24"],
        caseworker=PEKSOS.username,
        clock=_at(11, 23),
    )


def test_the_code_tables_hold_the_26_ppks_and_7_atensi_in_order() -> None:
    assert ppks_codes() == tuple(f"{n:02d}" for n in range(1, 27))
    assert atensi_codes()[0] == "hidup_layak" and len(atensi_codes()) == 7


def test_a_case_runs_its_course_audited_and_leaves_the_registry_alone(
    engine: Engine, registry: dict[str, int]
) -> None:
    # Siti Aminah's NIK finds her in the registry: the case is hers, in her desa.
    ident = _open(engine, nik="3604054107870002", name="Siti A.")
    with Session(engine) as s:
        case = s.get(PpksCase, ident)
        assert case is not None
        assert (case.person_id, case.subject_name, case.kode_wilayah, case.number) == (
            registry["A2"],
            "Siti Aminah",
            DESA,
            f"KAS-3604-{ident:06d}",
        )
    assess(
        engine,
        PEKSOS,
        ident,
        needs="Kursi roda",
        risks="Jatuh",
        living="with_family",
        risk_level="medium",
        clock=_at(11, 24),
    )
    plan(
        engine,
        PEKSOS,
        ident,
        goals="Mandiri bergerak",
        services=[PlannedItem("aksesibilitas", dt.date(2026, 11, 25), dt.date(2026, 12, 31))],
        clock=_at(11, 24),
    )
    give_service(
        engine,
        PEKSOS,
        ident,
        atensi="aksesibilitas",
        given_on=dt.date(2026, 11, 25),
        provider="Dinsos Serang",
        clock=_at(11, 25),
    )
    review(engine, PEKSOS, ident, progress="Sudah memakai kursi roda", clock=_at(12, 10))
    close_case(engine, PEKSOS, ident, reason="goals_met", clock=_at(12, 11))

    detail = case_detail(engine, PEKSOS, ident, now=dt.datetime(2026, 12, 11, tzinfo=WIB))
    assert detail.row.state == "closed" and detail.row.categories == ["09", "24"]
    assert detail.assessments[0]["fields"] == {"living": "with_family", "risk_level": "medium"}
    assert detail.plans[0]["services"][0]["atensi"] == "aksesibilitas"
    assert detail.services[0]["provider"] == "Dinsos Serang"
    assert detail.reviews[0]["reviewed_on"] == dt.date(2026, 12, 10)
    assert [s["to_state"] for s in detail.steps] == [
        "opened",
        "assessed",
        "planned",
        "in_service",
        "reviewed",
        "closed",
    ]
    with Session(engine) as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "ppks_case")
            .order_by(AuditEvent.id)
        ).all()
        assert s.get(Person, registry["A2"]).nama == "Siti Aminah"  # type: ignore[union-attr]
    assert actions == [
        "case.open",
        "case.assess",
        "case.plan",
        "case.service",
        "case.review",
        "case.close",
    ]
    assert verify_chain(engine).ok


def test_steps_out_of_order_and_unknown_codes_are_refused_in_words(
    engine: Engine, registry: dict[str, int]
) -> None:
    ident = _open(engine, person_id=registry["A1"])
    with pytest.raises(CaseError, match="berstatus 'Dibuka'; langkah 'Dalam layanan'"):
        give_service(
            engine,
            PEKSOS,
            ident,
            atensi="terapi",
            given_on=dt.date(2026, 11, 23),
            clock=_at(11, 23),
        )
    with pytest.raises(CaseError, match="Layanan ATENSI 'pijat' tidak dikenal"):
        give_service(engine, PEKSOS, ident, atensi="pijat", given_on=dt.date(2026, 11, 23))
    with pytest.raises(CaseError, match="Kategori PPKS '27' tidak dikenal"):
        open_case(
            engine,
            SLRT,
            Subject(person_id=registry["A1"]),
            categories=["27"],
            caseworker=PEKSOS.username,
        )
    with pytest.raises(CaseError, match="Alasan penutupan 'bosan' tidak dikenal"):
        close_case(engine, PEKSOS, ident, reason="bosan")
    with pytest.raises(CaseError, match="bukan akun pekerja sosial"):
        open_case(
            engine,
            SLRT,
            Subject(person_id=registry["A1"]),
            categories=["24"],
            caseworker="slrt_serang",
        )
    with pytest.raises(CaseError, match="bertugas di wilayah 3201"):
        open_case(
            engine,
            SLRT,
            Subject(person_id=registry["A1"]),
            categories=["24"],
            caseworker="peksos_bogor",
        )


def test_a_case_is_read_and_worked_only_within_its_scope(
    engine: Engine, registry: dict[str, int]
) -> None:
    mine = _open(engine, person_id=registry["A1"])
    theirs = open_case(
        engine,
        KAB,
        Subject(name="Pak Udin", kode_wilayah=DESA),
        categories=["11"],
        caseworker=PEKSOS_2.username,
        clock=_at(11, 23),
    )
    now = dt.datetime(2026, 11, 24, tzinfo=WIB)
    # A caseworker sees and works on their own cases only; another's is "not found".
    assert [r.id for r in list_cases(engine, PEKSOS, now=now)[0]] == [mine]
    with pytest.raises(CaseError, match="tidak ditemukan di wilayah kerja Anda"):
        assess(engine, PEKSOS, theirs, needs="x")
    # The front office reads its region's cases but does not assess.
    assert {r.id for r in list_cases(engine, SLRT, now=now)[0]} == {mine, theirs}
    with pytest.raises(PermissionDenied):
        assess(engine, SLRT, mine, needs="x")
    # Outside the region nothing is seen or opened.
    assert list_cases(engine, OUTSIDER_KAB, now=now) == ([], 0)
    with pytest.raises(CaseError, match="tidak ditemukan"):
        case_id(engine, OUTSIDER_KAB, f"KAS-3604-{mine:06d}")
    with pytest.raises(PermissionDenied):
        open_case(
            engine,
            OUTSIDER_KAB,
            Subject(name="X", kode_wilayah=DESA),
            categories=["11"],
            caseworker=PEKSOS.username,
        )
    # A village operator neither opens nor reads cases.
    with pytest.raises(PermissionDenied):
        list_cases(engine, OPERATOR, now=now)
    # Handing the case over moves it to the other caseworker's list.
    reassign(engine, SLRT, mine, caseworker=PEKSOS_2.username)
    assert list_cases(engine, PEKSOS, now=now) == ([], 0)
    assert {r.id for r in list_cases(engine, PEKSOS_2, now=now)[0]} == {mine, theirs}


def test_overdue_reviews_count_working_days_across_the_month_and_a_holiday(
    engine: Engine, registry: dict[str, int]
) -> None:
    late = _open(engine, person_id=registry["A1"])
    on_time = _open(engine, person_id=registry["A4"])
    for ident, day in ((late, dt.date(2026, 11, 30)), (on_time, dt.date(2026, 12, 4))):
        assess(engine, PEKSOS, ident, needs="Makan", clock=_at(11, 24))
        plan(
            engine,
            PEKSOS,
            ident,
            goals="Cukup makan",
            next_review=day,
            clock=_at(11, 24),
            services=[PlannedItem("hidup_layak", dt.date(2026, 11, 25))],
        )
    # Due at the end of Monday 30 November; on Thursday 3 December, 1 December a holiday:
    # 2 and 3 December are the working days late.
    now = dt.datetime(2026, 12, 3, 10, tzinfo=WIB)
    found = overdue_reviews(engine, PEKSOS, now=now, calendar=HOLIDAYS)
    assert [(r.id, r.days_late) for r in found] == [(late, 2)]
    rows, total = list_cases(engine, PEKSOS, now=now, calendar=HOLIDAYS)
    assert total == 2 and rows[0].id == late  # overdue first in the inbox
    # A review sets the next one 20 working days on by default (3 December the first).
    review(engine, PEKSOS, late, progress="Membaik", clock=_at(12, 3))
    detail = case_detail(engine, PEKSOS, late, now=now)
    assert detail.row.review_due is not None
    assert detail.row.review_due.astimezone(WIB).date() == dt.date(2026, 12, 30)
    assert overdue_reviews(engine, PEKSOS, now=now, calendar=HOLIDAYS) == []


def test_a_case_from_a_complaint_and_the_persons_history(
    engine: Engine, registry: dict[str, int]
) -> None:
    receipt = receive(
        engine,
        OPERATOR,
        category="help",
        channel="walk_in",
        kode_wilayah=DESA,
        complainant_name="Ketua RT",
        description="Lansia tinggal sendiri",
        now=dt.datetime(2026, 11, 20, 9, tzinfo=WIB),
    )
    check_registry(
        engine, OPERATOR, receipt.complaint_id, family_id=registry["K1"], person_id=registry["A1"]
    )
    ident = open_case(
        engine,
        SLRT,
        Subject(),
        categories=["08"],
        caseworker=PEKSOS.username,
        complaint_id=receipt.complaint_id,
        clock=_at(11, 23),
    )
    detail = case_detail(engine, SLRT, ident, now=dt.datetime(2026, 11, 23, tzinfo=WIB))
    assert detail.complaint_tracking == receipt.tracking
    assert detail.row.person_id == registry["A1"]
    history = person_history(engine, SLRT, person_id=registry["A1"])
    assert [(h.kind, h.reference) for h in history] == [
        ("case", detail.row.number),
        ("complaint", receipt.tracking),
    ]
    # The caseworker's history holds their case, not the front office's complaints.
    assert [h.kind for h in person_history(engine, PEKSOS, nik="3604051507870001")] == ["case"]
    assert person_history(engine, OUTSIDER_KAB, person_id=registry["A1"]) == []


def test_a_correction_from_a_case_changes_the_registry_only_once_approved(
    engine: Engine, registry: dict[str, int]
) -> None:
    ident = _open(engine, person_id=registry["A3"])
    with pytest.raises(PermissionDenied):
        propose_correction(engine, PEKSOS, ident, values={"nama": "Budi Santoso"})
    proposal = propose_correction(engine, OPERATOR, ident, values={"nama": "Budi Santoso"})
    with Session(engine) as s:
        assert s.get(Person, registry["A3"]).nama == "Budi"  # type: ignore[union-attr]
        step = s.scalars(select(CaseStep).where(CaseStep.proposal_id == proposal)).one()
        assert (step.from_state, step.to_state) == ("opened", "opened")
    submit(engine, OPERATOR, proposal, config=CONFIG)
    verify(engine, KAB, proposal, config=CONFIG)
    approve(engine, PROV, proposal, config=CONFIG)
    with Session(engine) as s:
        assert s.get(Person, registry["A3"]).nama == "Budi Santoso"  # type: ignore[union-attr]


def test_the_review_interval_is_the_setting_handed_in(
    engine: Engine, registry: dict[str, int], tmp_path: Path
) -> None:
    from terpadu.settings import Settings

    holidays = tmp_path / "libur.csv"
    holidays.write_text("tanggal,keterangan\n2026-12-01,Libur kantor\n", "utf-8")
    clock = CaseClock.from_settings(Settings(case_review_days=5, holidays_file=holidays))
    assert clock.review_days == 5 and dt.date(2026, 12, 1) in clock.calendar.holidays
    assert CaseClock.from_settings(Settings()).review_days == 20
    ident = _open(engine, person_id=registry["A1"])
    assess(engine, PEKSOS, ident, needs="Makan", clock=_at(11, 24))
    # Planned on Thursday 26 November, no date named: 5 working days on, over the weekend
    # and the 1 December holiday, fall due at the end of Thursday 3 December.
    when = dt.datetime(2026, 11, 26, 9, tzinfo=WIB)
    plan(
        engine,
        PEKSOS,
        ident,
        goals="Cukup makan",
        clock=CaseClock(clock.calendar, clock.review_days, when),
        services=[PlannedItem("hidup_layak", dt.date(2026, 11, 26))],
    )
    due = case_detail(engine, PEKSOS, ident, now=when).row.review_due
    assert due is not None and due.astimezone(WIB).date() == dt.date(2026, 12, 3)
