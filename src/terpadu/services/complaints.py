"""Complaints (pengaduan) through the SLRT/Puskesos service flow, each step on the clock.

received → checked (the registry looked up) → visited (home visit) → decided or referred
→ closed (the complainant told). Exclusion ("poor but not registered") and inclusion
("registered but not poor") complaints need the home visit before a decision, as verval
does. Every state has a deadline in working days (:class:`ServiceLevels`); a step taken
late records by how many working days. A complaint changes nothing in the registry:
its decision may be a proposal (usulan), which changes a family only once approved.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from terpadu.access import ADMIN_PROVINSI, OPERATOR_DESA, PETUGAS_SLRT, VERIFIKATOR_KAB, Actor
from terpadu.audit import record_event
from terpadu.audit.log import as_utc
from terpadu.errors import TerpaduError
from terpadu.locale import text
from terpadu.services.calendar import WorkCalendar
from terpadu.store.models.services import Complaint, ComplaintStep, Referral
from terpadu.verval import create_proposal

CATEGORIES: Final = ("exclusion", "inclusion", "wrong_data", "payment", "help", "other")
CHANNELS: Final = (
    "walk_in",
    "village",
    "facilitator",
    "phone",
    "letter",
    "citizen_web",
    "social_media",
)
RECEIVED, CHECKED, VISITED, DECIDED, REFERRED, CLOSED = (
    "received",
    "checked",
    "visited",
    "decided",
    "referred",
    "closed",
)
STATES: Final = (RECEIVED, CHECKED, VISITED, DECIDED, REFERRED, CLOSED)
NEXT: Final[dict[str, frozenset[str]]] = {
    RECEIVED: frozenset({CHECKED}),
    CHECKED: frozenset({VISITED, DECIDED, REFERRED}),
    VISITED: frozenset({DECIDED, REFERRED}),
    REFERRED: frozenset({DECIDED, CLOSED}),
    DECIDED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}
#: Complaints whose decision rests on the household's condition: a home visit comes first.
VISIT_FIRST: Final = frozenset({"exclusion", "inclusion"})
OUTCOMES: Final = ("proposal", "no_change", "payment_followed_up", "help_given", "not_eligible")
SERVICES: Final = ("health", "education", "civil_registry", "other_office", "institution")
#: Front office (kab/kota SLRT, village Puskesos), the village operator and the kab/kota
#: verifier; the province oversees.
STAFF: Final = (PETUGAS_SLRT, OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI)
# Letters and digits that cannot be mistaken for one another when read over the phone.
_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ComplaintError(TerpaduError, ValueError):
    """A complaint step that cannot be taken; the message says why, in Bahasa Indonesia."""

    code = "complaint"


@dataclass(frozen=True)
class ServiceLevels:
    """Working days a complaint may stay in each state before it is overdue."""

    days: dict[str, int] = field(
        default_factory=lambda: {RECEIVED: 1, CHECKED: 5, VISITED: 3, REFERRED: 10, DECIDED: 2}
    )

    def due(self, calendar: WorkCalendar, state: str, since: dt.datetime) -> dt.datetime | None:
        days = self.days.get(state)
        return None if days is None else calendar.deadline(since, days)

    @classmethod
    def parse(cls, text: str) -> ServiceLevels:
        """``received=1,checked=5,...`` (a setting) over the defaults; a bad part is an error."""
        days = dict(cls().days)
        for part in filter(None, (p.strip() for p in text.split(","))):
            state, _, value = part.partition("=")
            if state.strip() not in days or not value.strip().isdigit() or int(value) < 1:
                raise ComplaintError(
                    f"Batas waktu layanan '{part}' tidak sah; tulis misalnya received=1,checked=5 "
                    f"(keadaan: {', '.join(days)}; hari kerja 1 atau lebih)."
                )
            days[state.strip()] = int(value)
        return cls(days)


@dataclass(frozen=True)
class Receipt:
    """What the complainant takes home: the tracking code and when the next step is due."""

    complaint_id: int
    tracking: str
    received_at: dt.datetime
    due_at: dt.datetime | None


def _now(now: dt.datetime | None) -> dt.datetime:
    # Stored in UTC: SQLite keeps a moment's clock digits without its zone.
    return as_utc(now) if now is not None else dt.datetime.now(dt.UTC)


def _state_name(state: str) -> str:
    return text(f"services.state.{state}")


def _tracking(kode_wilayah: str) -> str:
    suffix = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(6))
    return f"ADU-{kode_wilayah[:4]}-{suffix}"


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ComplaintError(
            f"{what} '{value}' tidak dikenal; pilih salah satu: {', '.join(allowed)}."
        )
    return value


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    return {
        "tracking": complaint.tracking,
        "state": complaint.state,
        "category": complaint.category,
        "family_id": complaint.family_id,
        "person_id": complaint.person_id,
        "proposal_id": complaint.proposal_id,
        "outcome": complaint.outcome,
        "assigned_to": complaint.assigned_to,
    }


def receive(
    engine: Engine,
    actor: Actor,
    *,
    category: str,
    channel: str,
    kode_wilayah: str,
    complainant_name: str,
    description: str,
    complainant_contact: str | None = None,
    subject_name: str | None = None,
    subject_nik: str | None = None,
    calendar: WorkCalendar | None = None,
    levels: ServiceLevels | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Register a complaint; its receipt (tracking code and first deadline)."""
    actor.require_role(*STAFF, doing="receive_complaint")
    actor.require_region(kode_wilayah)
    _choice(category, CATEGORIES, "Jenis pengaduan")
    _choice(channel, CHANNELS, "Saluran pengaduan")
    if not complainant_name.strip() or not description.strip():
        raise ComplaintError("Nama pelapor dan uraian pengaduan wajib diisi.")
    when = _now(now)
    due = (levels or ServiceLevels()).due(calendar or WorkCalendar(), RECEIVED, when)
    for _attempt in range(5):
        try:
            with Session(engine) as session, session.begin():
                complaint = Complaint(
                    tracking=_tracking(kode_wilayah),
                    category=category,
                    channel=channel,
                    state=RECEIVED,
                    state_since=when,
                    due_at=due,
                    kode_wilayah=kode_wilayah,
                    complainant_name=complainant_name.strip(),
                    complainant_contact=complainant_contact,
                    description=description.strip(),
                    subject_name=subject_name,
                    subject_nik=subject_nik,
                    created_by=actor.username,
                    created_at=when,
                )
                session.add(complaint)
                session.flush()
                session.add(
                    ComplaintStep(
                        complaint_id=complaint.id,
                        from_state=None,
                        to_state=RECEIVED,
                        actor=actor.username,
                        role=actor.role,
                        at=when,
                    )
                )
                record_event(
                    session.connection(),
                    actor=actor,
                    action="complaint.receive",
                    entity="complaint",
                    entity_id=complaint.id,
                    region=kode_wilayah,
                    before=None,
                    after=_snapshot(complaint),
                    at=when,
                )
                return Receipt(complaint.id, complaint.tracking, when, due)
        except IntegrityError:
            continue  # the random tracking code was taken: draw another
    raise ComplaintError("Kode pelacakan tidak dapat dibuat; coba lagi.")


class _Step:
    """One transition of one complaint inside one transaction, timed and audited."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        complaint_id: int,
        calendar: WorkCalendar,
        levels: ServiceLevels,
        when: dt.datetime,
    ) -> None:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise ComplaintError(f"Pengaduan {complaint_id} tidak ditemukan.")
        actor.require_role(*STAFF, doing="handle_complaint")
        actor.require_region(complaint.kode_wilayah)
        self.session, self.actor, self.complaint = session, actor, complaint
        self.calendar, self.levels, self.when = calendar, levels, when
        self.before = _snapshot(complaint)

    def move(self, to_state: str, note: str | None, action: str) -> Complaint:
        complaint = self.complaint
        if to_state not in NEXT[complaint.state]:
            raise ComplaintError(
                f"Pengaduan {complaint.tracking} berstatus '{_state_name(complaint.state)}'; "
                f"langkah '{_state_name(to_state)}' tidak dapat diambil sekarang."
            )
        late = 0
        if complaint.due_at is not None:
            late = self.calendar.working_days_late(complaint.due_at, self.when)
        self.session.add(
            ComplaintStep(
                complaint_id=complaint.id,
                from_state=complaint.state,
                to_state=to_state,
                actor=self.actor.username,
                role=self.actor.role,
                note=note,
                at=self.when,
                due_at=complaint.due_at,
                days_late=late,
            )
        )
        complaint.state = to_state
        complaint.state_since = self.when
        complaint.due_at = self.levels.due(self.calendar, to_state, self.when)
        if to_state == CLOSED:
            complaint.closed_at = self.when
        self.session.flush()
        record_event(
            self.session.connection(),
            actor=self.actor,
            action=f"complaint.{action}",
            entity="complaint",
            entity_id=complaint.id,
            region=complaint.kode_wilayah,
            before=self.before,
            after=_snapshot(complaint),
            at=self.when,
        )
        return complaint


@dataclass(frozen=True)
class Clock:
    """The calendar and service levels a step is timed against, and its moment."""

    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    levels: ServiceLevels = field(default_factory=ServiceLevels)
    now: dt.datetime | None = None


@contextmanager
def _step(
    engine: Engine | Connection, actor: Actor, complaint_id: int, clock: Clock | None
) -> Iterator[_Step]:
    """One transaction around one step (inside the caller's, given a connection)."""
    clock = clock or Clock()
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield _Step(session, actor, complaint_id, clock.calendar, clock.levels, _now(clock.now))


def check_registry(
    engine: Engine | Connection,
    actor: Actor,
    complaint_id: int,
    *,
    family_id: int | None,
    person_id: int | None = None,
    note: str | None = None,
    clock: Clock | None = None,
) -> None:
    """Record what the registry holds on the family or person concerned (none: not registered)."""
    with _step(engine, actor, complaint_id, clock) as step:
        step.complaint.family_id = family_id
        step.complaint.person_id = person_id
        step.complaint.assigned_to = step.complaint.assigned_to or actor.username
        step.move(CHECKED, note, "check")


def record_visit(
    engine: Engine | Connection,
    actor: Actor,
    complaint_id: int,
    *,
    note: str,
    clock: Clock | None = None,
) -> None:
    """The home visit's findings (the verval evidence is attached to the proposal it leads to)."""
    if not note.strip():
        raise ComplaintError("Tuliskan hasil kunjungan rumah.")
    with _step(engine, actor, complaint_id, clock) as step:
        step.move(VISITED, note, "visit")


def decide(
    engine: Engine | Connection,
    actor: Actor,
    complaint_id: int,
    *,
    outcome: str,
    note: str | None = None,
    proposal_id: int | None = None,
    payment_ref: str | None = None,
    clock: Clock | None = None,
) -> None:
    """How the complaint is answered; a ``proposal`` outcome names the usulan it became."""
    _choice(outcome, OUTCOMES, "Keputusan")
    if outcome == "proposal" and proposal_id is None:
        raise ComplaintError("Keputusan 'usulan' memerlukan nomor usulan yang dibuat.")
    with _step(engine, actor, complaint_id, clock) as step:
        complaint = step.complaint
        if complaint.category in VISIT_FIRST and complaint.state not in (VISITED, REFERRED):
            raise ComplaintError(
                f"Pengaduan {complaint.tracking} ({complaint.category}) memerlukan kunjungan "
                "rumah sebelum diputuskan."
            )
        complaint.outcome = outcome
        complaint.outcome_note = note
        complaint.proposal_id = proposal_id if proposal_id is not None else complaint.proposal_id
        complaint.payment_ref = payment_ref if payment_ref is not None else complaint.payment_ref
        step.move(DECIDED, note, "decide")


def refer(
    engine: Engine | Connection,
    actor: Actor,
    complaint_id: int,
    *,
    service: str,
    institution: str,
    note: str | None = None,
    clock: Clock | None = None,
) -> int:
    """Refer the complaint to another service; the referral's id. A case may hold several."""
    _choice(service, SERVICES, "Layanan rujukan")
    if not institution.strip():
        raise ComplaintError("Sebutkan lembaga tujuan rujukan.")
    with _step(engine, actor, complaint_id, clock) as step:
        referral = Referral(
            complaint_id=complaint_id,
            service=service,
            institution=institution.strip(),
            note=note,
            sent_by=actor.username,
            sent_at=step.when,
        )
        step.session.add(referral)
        if step.complaint.state != REFERRED:
            step.move(REFERRED, note, "refer")
        step.session.flush()
        return referral.id


def answer_referral(
    engine: Engine,
    actor: Actor,
    referral_id: int,
    *,
    answer: str,
    refused: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """The other service's answer to a referral, and its date."""
    with Session(engine) as session, session.begin():
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise ComplaintError(f"Rujukan {referral_id} tidak ditemukan.")
        complaint = session.get(Complaint, referral.complaint_id)
        assert complaint is not None  # a referral always belongs to a complaint
        actor.require_role(*STAFF, doing="record_referral_answer")
        actor.require_region(complaint.kode_wilayah)
        referral.answer = answer
        referral.status = "refused" if refused else "answered"
        referral.answered_at = _now(now)
        record_event(
            session.connection(),
            actor=actor,
            action="referral.answer",
            entity="referral",
            entity_id=referral.id,
            region=complaint.kode_wilayah,
            before=None,
            after={"status": referral.status, "complaint": complaint.tracking},
            at=referral.answered_at,
        )


def close(
    engine: Engine | Connection,
    actor: Actor,
    complaint_id: int,
    *,
    told_how: str,
    clock: Clock | None = None,
) -> None:
    """Close the complaint once the complainant has been told the outcome (and how)."""
    if not told_how.strip():
        raise ComplaintError("Catat bagaimana pelapor diberi tahu hasilnya sebelum menutup.")
    with _step(engine, actor, complaint_id, clock) as step:
        step.complaint.told_at = step.when
        step.move(CLOSED, told_how, "close")


@dataclass(frozen=True)
class Overdue:
    """A complaint past its state's deadline."""

    complaint_id: int
    tracking: str
    category: str
    state: str
    kode_wilayah: str
    due_at: dt.datetime
    days_late: int
    assigned_to: str | None


def overdue(
    engine: Engine,
    *,
    now: dt.datetime,
    calendar: WorkCalendar | None = None,
    region: str | None = None,
) -> list[Overdue]:
    """Open complaints past their deadline, most late first (``region``: a code prefix)."""
    calendar = calendar or WorkCalendar()
    now = as_utc(now)
    query = select(Complaint).where(Complaint.state != CLOSED, Complaint.due_at < now)
    if region:
        query = query.where(Complaint.kode_wilayah.startswith(region))
    with Session(engine) as session:
        rows = session.scalars(query).all()
        late = [
            Overdue(
                c.id,
                c.tracking,
                c.category,
                c.state,
                c.kode_wilayah,
                as_utc(c.due_at),
                calendar.working_days_late(c.due_at, now),
                c.assigned_to,
            )
            for c in rows
            if c.due_at is not None
        ]
    return sorted(late, key=lambda o: (-o.days_late, o.due_at))


#: The proposal each kind of complaint becomes when the visit confirms it.
PROPOSAL_KIND: Final = {
    "exclusion": "new_family",
    "wrong_data": "correct",
    "inclusion": "deactivate",
}


def propose(
    engine: Engine,
    actor: Actor,
    complaint_id: int,
    *,
    values: dict[str, Any] | None = None,
    members: list[dict[str, Any]] | None = None,
    person_id: int | None = None,
    reason: str | None = None,
    note: str | None = None,
    clock: Clock | None = None,
) -> int:
    """Turn a confirmed complaint into its proposal (usulan) and decide it, in one step.

    An exclusion becomes a new-family proposal (``values`` and ``members``), a wrong-data
    complaint a correction of the family or of ``person_id``, an inclusion a deactivation
    (``reason``). The proposal is a draft the desa submits like any other: the registry
    changes only when it is approved. Both happen in one transaction, or neither.
    """
    with Session(engine) as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise ComplaintError(f"Pengaduan {complaint_id} tidak ditemukan.")
        kind = PROPOSAL_KIND.get(complaint.category)
        family_id = complaint.family_id
    if kind is None:
        raise ComplaintError(
            f"Pengaduan jenis {complaint.category} tidak menjadi usulan perubahan data; "
            "putuskan dengan keputusan lain atau rujuk."
        )
    if kind != "new_family" and family_id is None:
        raise ComplaintError("Periksa dulu keluarga yang dimaksud di DTKS (langkah 'periksa').")
    with engine.begin() as conn:
        proposal_id = create_proposal(
            conn,
            actor,
            kind,
            family_id=None if kind == "new_family" else family_id,
            person_id=person_id,
            values=values,
            members=members,
            reason=reason,
            note=note or f"Dari pengaduan {complaint_id}",
            now=(clock or Clock()).now,
        )
        decide(
            conn,
            actor,
            complaint_id,
            outcome="proposal",
            proposal_id=proposal_id,
            note=note,
            clock=clock,
        )
    return proposal_id
