"""PPKS case management: open → assessed → planned → in service → reviewed → closed.

A case is a person's course of social-welfare services (rehabilitasi sosial): a registry
person, or someone not yet registered (name, NIK, address: matched to the registry by NIK
when it is known there), possibly opened from a complaint. The front office (SLRT,
Puskesos) or the kab/kota opens it and names a caseworker (a ``pekerja_sosial`` account
covering the case's region); the caseworker assesses, plans, records the ATENSI services
given and reviews the case on a working-day clock until it closes with a reason.

Who may do what: the front office and the kab/kota/province open cases and read those of
their region; a caseworker reads and works on the cases assigned to them; the kab/kota
and province supervise (they may take any step in their region). A case changes nothing
in the registry: a correction it finds is a proposal (:func:`propose_correction`), which
changes a family only once approved. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.access import (
    ADMIN_PROVINSI,
    PEKERJA_SOSIAL,
    PETUGAS_SLRT,
    VERIFIKATOR_KAB,
    Actor,
    PermissionDenied,
    covers,
)
from terpadu.accounts.users import find_user
from terpadu.audit import record_event
from terpadu.audit.log import as_utc
from terpadu.locale import text
from terpadu.services.calendar import WorkCalendar, calendar_from
from terpadu.services.case_codes import (
    ASSESSED,
    CLOSED,
    IN_SERVICE,
    LIVING,
    NEXT,
    OPENED,
    PLANNED,
    REVIEWED,
    RISK_LEVELS,
    CaseError,
    CaseStateError,
    atensi_codes,
    check_categories,
    check_code,
    closure_reasons,
)
from terpadu.settings import Settings
from terpadu.store.models.cases import (
    CaseAssessment,
    CaseCategory,
    CasePlan,
    CaseReview,
    CaseService,
    CaseStep,
    PlannedService,
    PpksCase,
)
from terpadu.store.models.registry import Family, Membership, Person
from terpadu.store.models.services import Complaint
from terpadu.store.models.social import Institution
from terpadu.verval import create_proposal

#: Open cases and read those of their region: the front office and the kab/kota/province.
OPENERS: Final = (PETUGAS_SLRT, VERIFIKATOR_KAB, ADMIN_PROVINSI)
#: Take any step on a case of their region (supervision); a caseworker only on their own.
SUPERVISORS: Final = (VERIFIKATOR_KAB, ADMIN_PROVINSI)
#: Working days from a plan or review to the next review when none is named (about a month);
#: the default of ``TERPADU_CASE_REVIEW_DAYS``.
REVIEW_WORKING_DAYS: Final = 20


@dataclass(frozen=True)
class CaseClock:
    """The office calendar, the review interval, and the moment a step is taken."""

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    review_days: int = REVIEW_WORKING_DAYS
    now: dt.datetime | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> CaseClock:
        """The clock the faces hand in: holiday file and review interval from ``settings``."""
        return cls(
            calendar=calendar_from(settings.holidays_file),
            review_days=settings.case_review_days,
        )

    @property
    def when(self) -> dt.datetime:
        # Stored in UTC: SQLite keeps a moment's clock digits without its zone.
        return as_utc(self.now) if self.now is not None else dt.datetime.now(dt.UTC)

    def review_due(self, when: dt.datetime, day: dt.date | None) -> dt.datetime:
        """The end of ``day`` (or of its next working day), else ``review_days`` from ``when``."""
        if day is None:
            return self.calendar.deadline(when, self.review_days)
        start = dt.datetime.combine(day, dt.time(8), tzinfo=self.calendar.zone)
        return self.calendar.deadline(start, 1)


def may_read(actor: Actor, case: PpksCase) -> bool:
    """Whether ``actor`` may see ``case``: its region's openers, or its own caseworker."""
    if actor.role == PEKERJA_SOSIAL:
        return case.caseworker == actor.username and actor.covers(case.kode_wilayah)
    return actor.role in OPENERS and actor.covers(case.kode_wilayah)


def require_read(actor: Actor, case: PpksCase) -> None:
    if not may_read(actor, case):
        # The same words whether the case exists elsewhere or not: nothing leaks.
        raise CaseError(f"Kasus {case.number} tidak ditemukan di wilayah kerja Anda.")


def _require_work(actor: Actor, case: PpksCase) -> None:
    require_read(actor, case)
    if actor.role == PEKERJA_SOSIAL or actor.role in SUPERVISORS:
        return
    raise PermissionDenied(
        f"Langkah kasus diambil oleh pekerja sosial kasus ({case.caseworker}) atau "
        "verifikator kabupaten/kota dan admin provinsi."
    )


def _check_caseworker(engine: Engine, username: str, kode_wilayah: str) -> str:
    user = find_user(engine, username)
    if user is None or user.role != PEKERJA_SOSIAL:
        raise CaseError(f"'{username}' bukan akun pekerja sosial yang aktif.")
    if not covers(user.region, kode_wilayah):
        raise CaseError(
            f"Pekerja sosial {username} bertugas di wilayah {user.region}, bukan di {kode_wilayah}."
        )
    return user.username


def _snapshot(case: PpksCase, categories: list[str]) -> dict[str, Any]:
    # Category codes and states only: the case's words (needs, risks) stay out of the log.
    return {
        "number": case.number,
        "state": case.state,
        "categories": categories,
        "person_id": case.person_id,
        "caseworker": case.caseworker,
        "closure_reason": case.closure_reason,
    }


def _categories(session: Session, case_id: int) -> list[str]:
    return list(
        session.scalars(
            select(CaseCategory.code).where(CaseCategory.case_id == case_id).order_by("code")
        )
    )


@dataclass(frozen=True)
class Subject:
    """Who a case is for: a registry person, or a name (NIK, address) not yet registered."""

    person_id: int | None = None
    name: str | None = None
    nik: str | None = None
    address: str | None = None
    kode_wilayah: str | None = None


def _person_region(session: Session, person_id: int) -> str | None:
    """The region of the person's current family (else their latest)."""
    return session.scalar(
        select(Family.kode_wilayah)
        .join(Membership, Membership.family_id == Family.id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.left_at.is_not(None), Membership.joined_at.desc(), Membership.id)
        .limit(1)
    )


def _resolve(session: Session, actor: Actor, subject: Subject) -> tuple[Person | None, str]:
    """The registry person (given, or found by NIK in the actor's region) and the region."""
    person = None
    if subject.person_id is not None:
        person = session.get(Person, subject.person_id)
        if person is None:
            raise CaseError(f"Orang {subject.person_id} tidak ditemukan di DTKS.")
    elif subject.nik:
        # Matched like complaints: the NIK a registry person holds in the actor's region.
        for candidate in session.scalars(select(Person).where(Person.nik == subject.nik)):
            if actor.covers(_person_region(session, candidate.id)):
                person = candidate
                break
    region = _person_region(session, person.id) if person is not None else None
    region = region or subject.kode_wilayah
    if not region:
        raise CaseError("Sebutkan kode wilayah desa orang yang belum terdaftar di DTKS.")
    actor.require_region(region)
    return person, region


def open_case(
    engine: Engine,
    actor: Actor,
    subject: Subject,
    *,
    categories: list[str],
    caseworker: str,
    complaint_id: int | None = None,
    note: str | None = None,
    clock: CaseClock | None = None,
) -> int:
    """Open a case for ``subject`` with its PPKS categories and caseworker; the case's id."""
    actor.require_role(*OPENERS, doing="membuka kasus")
    codes = check_categories(categories)
    when = (clock or CaseClock()).when
    with Session(engine) as session, session.begin():
        complaint = session.get(Complaint, complaint_id) if complaint_id is not None else None
        if complaint_id is not None and (
            complaint is None or not actor.covers(complaint.kode_wilayah)
        ):
            raise CaseError(f"Pengaduan {complaint_id} tidak ditemukan di wilayah kerja Anda.")
        if complaint is not None and subject.person_id is None and complaint.person_id:
            subject = Subject(person_id=complaint.person_id)
        elif complaint is not None and not (subject.name or subject.person_id):
            subject = Subject(
                name=complaint.subject_name or complaint.complainant_name,
                nik=complaint.subject_nik,
                kode_wilayah=complaint.kode_wilayah,
            )
        person, region = _resolve(session, actor, subject)
        name = person.nama if person is not None else (subject.name or "").strip()
        if not name:
            raise CaseError("Nama orang yang dilayani wajib diisi.")
        case = PpksCase(
            number=f"TMP-{secrets.token_hex(8)}",
            kode_wilayah=region,
            person_id=person.id if person is not None else None,
            subject_name=name,
            subject_nik=(person.nik if person is not None else None) or subject.nik,
            subject_address=subject.address,
            complaint_id=complaint_id,
            caseworker=_check_caseworker(engine, caseworker, region),
            state=OPENED,
            state_since=when,
            opened_by=actor.username,
            opened_at=when,
        )
        session.add(case)
        session.flush()
        case.number = f"KAS-{region[:4]}-{case.id:06d}"
        session.add_all(CaseCategory(case_id=case.id, code=code) for code in codes)
        session.add(
            CaseStep(
                case_id=case.id,
                from_state=None,
                to_state=OPENED,
                actor=actor.username,
                role=actor.role,
                note=note,
                at=when,
            )
        )
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="case.open",
            entity="ppks_case",
            entity_id=case.id,
            region=region,
            before=None,
            after=_snapshot(case, codes),
            at=when,
        )
        return case.id


class _Step:
    """One step of one case inside one transaction, audited."""

    def __init__(self, session: Session, actor: Actor, case_id: int, clock: CaseClock) -> None:
        case = session.get(PpksCase, case_id)
        if case is None:
            raise CaseError(f"Kasus {case_id} tidak ditemukan.")
        _require_work(actor, case)
        self.session, self.actor, self.case, self.clock = session, actor, case, clock
        self.when = clock.when
        self.categories = _categories(session, case.id)
        self.before = _snapshot(case, self.categories)

    def move(self, to_state: str, note: str | None, action: str, **extra: Any) -> None:
        case = self.case
        if to_state not in NEXT[case.state]:
            raise CaseStateError(
                f"Kasus {case.number} berstatus '{text(f'cases.state.{case.state}')}'; langkah "
                f"'{text(f'cases.state.{to_state}')}' tidak dapat diambil sekarang."
            )
        self.session.add(
            CaseStep(
                case_id=case.id,
                from_state=case.state,
                to_state=to_state,
                actor=self.actor.username,
                role=self.actor.role,
                note=note,
                at=self.when,
                proposal_id=extra.pop("proposal_id", None),
            )
        )
        if case.state != to_state:
            case.state, case.state_since = to_state, self.when
        if to_state == CLOSED:
            case.closed_at, case.review_due = self.when, None
        self.session.flush()
        record_event(
            self.session.connection(),
            actor=self.actor,
            action=f"case.{action}",
            entity="ppks_case",
            entity_id=case.id,
            region=case.kode_wilayah,
            before=self.before,
            after=_snapshot(case, self.categories) | extra,
            at=self.when,
        )


@contextmanager
def _step(engine: Engine, actor: Actor, case_id: int, clock: CaseClock | None) -> Iterator[_Step]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield _Step(session, actor, case_id, clock or CaseClock())


def assess(
    engine: Engine,
    actor: Actor,
    case_id: int,
    *,
    needs: str,
    risks: str | None = None,
    strengths: str | None = None,
    living: str | None = None,
    risk_level: str | None = None,
    fields: dict[str, Any] | None = None,
    clock: CaseClock | None = None,
) -> int:
    """Record an assessment (the first, or a reassessment after a review); its id."""
    if not needs.strip():
        raise CaseError("Tuliskan kebutuhan orang yang dilayani (asesmen).")
    structured = dict(fields or {})
    if living:
        structured["living"] = check_code(living, LIVING, "Tempat tinggal")
    if risk_level:
        structured["risk_level"] = check_code(risk_level, RISK_LEVELS, "Tingkat risiko")
    with _step(engine, actor, case_id, clock) as step:
        row = CaseAssessment(
            case_id=case_id,
            needs=needs.strip(),
            risks=risks,
            strengths=strengths,
            fields=structured,
            assessed_by=actor.username,
            assessed_at=step.when,
        )
        step.session.add(row)
        step.move(ASSESSED, None, "assess")
        return row.id


@dataclass(frozen=True)
class PlannedItem:
    """A service the plan foresees: its ATENSI code and dates."""

    atensi: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: str | None = None


def plan(
    engine: Engine,
    actor: Actor,
    case_id: int,
    *,
    goals: str,
    services: list[PlannedItem],
    next_review: dt.date | None = None,
    clock: CaseClock | None = None,
) -> int:
    """Record the case plan (goals and planned services); the first review falls due."""
    if not goals.strip():
        raise CaseError("Tuliskan tujuan rencana intervensi.")
    if not services:
        raise CaseError("Rencana intervensi memerlukan sedikitnya satu layanan.")
    for item in services:
        check_code(item.atensi, atensi_codes(), "Layanan ATENSI")
        if item.ends_on is not None and item.ends_on < item.starts_on:
            raise CaseError(
                f"Layanan {item.atensi}: tanggal selesai {item.ends_on} sebelum mulai "
                f"{item.starts_on}."
            )
    with _step(engine, actor, case_id, clock) as step:
        row = CasePlan(
            case_id=case_id, goals=goals.strip(), made_by=actor.username, made_at=step.when
        )
        step.session.add(row)
        step.session.flush()
        step.session.add_all(
            PlannedService(
                plan_id=row.id,
                atensi=i.atensi.strip(),
                starts_on=i.starts_on,
                ends_on=i.ends_on,
                note=i.note,
            )
            for i in services
        )
        step.case.review_due = step.clock.review_due(step.when, next_review)
        step.move(PLANNED, None, "plan")
        return row.id


def give_service(
    engine: Engine,
    actor: Actor,
    case_id: int,
    *,
    atensi: str,
    given_on: dt.date,
    institution_id: int | None = None,
    provider: str | None = None,
    note: str | None = None,
    clock: CaseClock | None = None,
) -> int:
    """Record a service given (an institution of the list, or a provider in words); its id."""
    code = check_code(atensi, atensi_codes(), "Layanan ATENSI")
    with _step(engine, actor, case_id, clock) as step:
        if institution_id is not None:
            institution = step.session.get(Institution, institution_id)
            if institution is None or not actor.covers(institution.kode_wilayah):
                raise CaseError(f"Lembaga {institution_id} tidak ditemukan di wilayah kerja Anda.")
            provider = provider or institution.name
        if given_on > step.when.date():
            raise CaseError(f"Tanggal layanan {given_on} belum terjadi.")
        row = CaseService(
            case_id=case_id,
            atensi=code,
            given_on=given_on,
            institution_id=institution_id,
            provider=provider,
            note=note,
            recorded_by=actor.username,
            recorded_at=step.when,
        )
        step.session.add(row)
        step.move(IN_SERVICE, None, "service", atensi=code)
        return row.id


def review(
    engine: Engine,
    actor: Actor,
    case_id: int,
    *,
    progress: str,
    next_review: dt.date | None = None,
    clock: CaseClock | None = None,
) -> int:
    """Record a periodic review and when the next one falls due; its id."""
    if not progress.strip():
        raise CaseError("Tuliskan perkembangan yang dilihat pada evaluasi.")
    with _step(engine, actor, case_id, clock) as step:
        due = step.clock.review_due(step.when, next_review)
        row = CaseReview(
            case_id=case_id,
            reviewed_on=step.when.astimezone(step.clock.calendar.zone).date(),
            progress=progress.strip(),
            next_review=due,
            reviewed_by=actor.username,
            reviewed_at=step.when,
        )
        step.session.add(row)
        step.case.review_due = due
        step.move(REVIEWED, None, "review")
        return row.id


def close_case(
    engine: Engine,
    actor: Actor,
    case_id: int,
    *,
    reason: str,
    note: str | None = None,
    clock: CaseClock | None = None,
) -> None:
    """Close the case with its reason (goals met, referred, moved, died, refused, …)."""
    code = check_code(reason, closure_reasons(), "Alasan penutupan")
    with _step(engine, actor, case_id, clock) as step:
        step.case.closure_reason, step.case.closure_note = code, note
        step.move(CLOSED, note, "close")


def reassign(
    engine: Engine, actor: Actor, case_id: int, *, caseworker: str, clock: CaseClock | None = None
) -> None:
    """Hand the case to another caseworker (the front office or a supervisor does)."""
    actor.require_role(*OPENERS, doing="memindahkan kasus ke pekerja sosial lain")
    with Session(engine) as session, session.begin():
        case = session.get(PpksCase, case_id)
        if case is None:
            raise CaseError(f"Kasus {case_id} tidak ditemukan.")
        require_read(actor, case)
        if case.state == CLOSED:
            raise CaseError(f"Kasus {case.number} sudah ditutup.")
        categories = _categories(session, case.id)
        before = _snapshot(case, categories)
        case.caseworker = _check_caseworker(engine, caseworker, case.kode_wilayah)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="case.reassign",
            entity="ppks_case",
            entity_id=case.id,
            region=case.kode_wilayah,
            before=before,
            after=_snapshot(case, categories),
            at=(clock or CaseClock()).when,
        )


def propose_correction(
    engine: Engine,
    actor: Actor,
    case_id: int,
    *,
    values: dict[str, Any],
    note: str | None = None,
    clock: CaseClock | None = None,
) -> int:
    """A correction of the case's person that the case found, as a proposal (usulan); its id.

    The village operator raises it (as verval requires) from the case of a registry person
    in their region; the registry changes only once the proposal is approved. The case
    records the proposal in its steps and stays where it is.
    """
    clock = clock or CaseClock()
    with Session(engine, expire_on_commit=False) as session, session.begin():
        case = session.get(PpksCase, case_id)
        if case is None or not actor.covers(case.kode_wilayah):
            raise CaseError(f"Kasus {case_id} tidak ditemukan di wilayah kerja Anda.")
        if case.person_id is None:
            raise CaseError(
                f"Kasus {case.number}: orangnya belum terdaftar di DTKS; usulkan keluarga baru."
            )
        family_id = session.scalar(
            select(Membership.family_id).where(
                Membership.person_id == case.person_id, Membership.left_at.is_(None)
            )
        )
        proposal_id = create_proposal(
            session.connection(),
            actor,
            "correct",
            family_id=family_id,
            person_id=case.person_id,
            values=values,
            note=note or f"Dari kasus {case.number}",
            now=clock.now,
        )
        categories = _categories(session, case.id)
        session.add(
            CaseStep(
                case_id=case.id,
                from_state=case.state,
                to_state=case.state,
                actor=actor.username,
                role=actor.role,
                note=note,
                at=clock.when,
                proposal_id=proposal_id,
            )
        )
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="case.propose",
            entity="ppks_case",
            entity_id=case.id,
            region=case.kode_wilayah,
            before=None,
            after=_snapshot(case, categories) | {"proposal_id": proposal_id},
            at=clock.when,
        )
        return proposal_id


__all__ = [
    "OPENERS",
    "REVIEW_WORKING_DAYS",
    "SUPERVISORS",
    "CaseClock",
    "CaseError",
    "PlannedItem",
    "Subject",
    "assess",
    "close_case",
    "give_service",
    "may_read",
    "open_case",
    "plan",
    "propose_correction",
    "reassign",
    "require_read",
    "review",
]
