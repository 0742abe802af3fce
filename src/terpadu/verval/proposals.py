"""The proposal (usulan) workflow: create, submit, verify, approve, reject, return.

draft → submitted (by the desa) → verified (kab/kota) → approved (province);
the review chain is configurable per region (a kab/kota may approve itself).
Each reviewing level may reject (final) or return the proposal to the desa for
correction; a returned proposal is revised and submitted again through every
level. Only :func:`approve` at the last level changes the registry, in the same
transaction as the decision and its audit events. Every step is recorded as a
``proposal_step`` row and an audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from terpadu.access import AUDITOR, OPERATOR_DESA, ROLE_LABELS, Actor
from terpadu.audit import Event, record_event, record_events
from terpadu.audit.log import as_utc
from terpadu.store.ids import family_code, person_code
from terpadu.store.models import Family, Membership, Person
from terpadu.store.models.verval import (
    Proposal,
    ProposalComment,
    ProposalEvidence,
    ProposalStep,
)
from terpadu.verval.apply import FAMILY_CHANGED, apply_proposal
from terpadu.verval.config import WorkflowConfig, load_config
from terpadu.verval.errors import (
    ConflictError,
    InvalidProposal,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    VervalError,
)
from terpadu.verval.kinds import (
    ADD_MEMBER,
    APPROVED,
    CORRECT,
    DEACTIVATE,
    DRAFT,
    FAMILY_EDITABLE,
    KIND_LABELS,
    NEW_FAMILY,
    PENDING_REVIEW,
    PERSON_EDITABLE,
    REACTIVATE,
    REJECTED,
    REMOVE_MEMBER,
    RETURNED,
    STATE_LABELS,
    SUBMITTED,
    VERIFIED,
    as_text,
    parse_kind,
    parse_reason,
    plain_text,
    record_values,
    to_value,
)

PROPOSAL_CHANGED = "Usulan ini sudah diproses oleh pengguna lain; muat ulang lalu ulangi."
ACTIONS = ("submit", "verify", "approve", "reject", "return")
ACTION_LABELS = {
    "create": "dibuat",
    "revise": "diperbaiki",
    "submit": "diajukan",
    "verify": "diverifikasi",
    "approve": "disetujui",
    "reject": "ditolak",
    "return": "dikembalikan untuk perbaikan",
}


def proposal_code(proposal_id: int) -> str:
    """The public number of a proposal, e.g. ``USL0000000012``."""
    return f"USL{proposal_id:010d}"


def _now(now: dt.datetime | None) -> dt.datetime:
    return as_utc(now) if now is not None else dt.datetime.now(dt.UTC)


@contextmanager
def _session(engine: Engine | Connection) -> Iterator[Session]:
    """One transaction; stale optimistic-lock writes become a :class:`ConflictError`.

    Given a connection already in a savepoint, the session works inside it and its commit
    only releases it (the caller's transaction decides)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            message = FAMILY_CHANGED if "family" in str(exc) else PROPOSAL_CHANGED
            if "person" in str(exc):
                message = (
                    "Data anggota ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi."
                )
            raise ConflictError(message) from exc
        except BaseException:
            session.rollback()
            raise


# -- read models ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ProposalSummary:
    """A proposal in a list: where it is, who it waits on, and its age against the target."""

    id: int
    code: str
    kind: str
    state: str
    kode_wilayah: str
    family_id: int | None
    person_id: int | None
    created_by: str
    created_at: dt.datetime
    state_since: dt.datetime
    waiting_on: str | None
    age_days: float
    sla_days: int | None
    overdue: bool
    version: int
    family_version: int | None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def family_code(self) -> str | None:
        return None if self.family_id is None else family_code(self.family_id)


@dataclass(frozen=True)
class ProposalDetail:
    """One proposal in full: content, history, comments and evidence."""

    summary: ProposalSummary
    payload: dict[str, Any]
    reason: str | None
    note: str | None
    levels: list[str]
    stage: int
    batch_id: int | None
    result: dict[str, Any] | None
    steps: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class BulkOutcome:
    """The result of one proposal in a bulk decision."""

    proposal_id: int
    ok: bool
    state: str | None
    message: str


def waiting_on(proposal: Proposal) -> str | None:
    """The role that must act next (None once decided)."""
    if proposal.state in (DRAFT, RETURNED):
        return OPERATOR_DESA
    if proposal.state in PENDING_REVIEW and proposal.levels:
        return proposal.levels[proposal.stage]
    return None


def _summary(proposal: Proposal, config: WorkflowConfig, now: dt.datetime) -> ProposalSummary:
    role = waiting_on(proposal)
    since = as_utc(proposal.state_since)
    age = max((now - since).total_seconds(), 0.0) / 86400
    sla = config.sla_for(role) if role else None
    return ProposalSummary(
        id=proposal.id,
        code=proposal_code(proposal.id),
        kind=proposal.kind,
        state=proposal.state,
        kode_wilayah=proposal.kode_wilayah,
        family_id=proposal.family_id,
        person_id=proposal.person_id,
        created_by=proposal.created_by,
        created_at=as_utc(proposal.created_at),
        state_since=since,
        waiting_on=role,
        age_days=round(age, 2),
        sla_days=sla,
        overdue=sla is not None and age > sla,
        version=proposal.version,
        family_version=proposal.family_version,
    )


def _record(proposal: Proposal) -> dict[str, Any]:
    """A proposal's state for the audit log."""
    return {
        "id": proposal.id,
        "kind": proposal.kind,
        "state": proposal.state,
        "stage": proposal.stage,
        "levels": proposal.levels,
        "family_id": proposal.family_id,
        "person_id": proposal.person_id,
        "kode_wilayah": proposal.kode_wilayah,
        "reason": proposal.reason,
        "payload": proposal.payload,
        "batch_id": proposal.batch_id,
    }


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    proposal: Proposal,
    before: dict[str, Any] | None,
    now: dt.datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    after = _record(proposal) | (extra or {})
    record_event(
        session.connection(),
        actor=actor,
        action=f"usulan.{action}",
        entity="proposal",
        entity_id=proposal.id,
        region=proposal.kode_wilayah,
        before=before,
        after=after,
        at=now,
    )


def _step(
    session: Session,
    proposal: Proposal,
    actor: Actor,
    action: str,
    from_state: str | None,
    note: str | None,
    now: dt.datetime,
) -> None:
    if note is not None:
        plain_text(note, "catatan", multiline=True)
    session.add(
        ProposalStep(
            proposal_id=proposal.id,
            action=action,
            from_state=from_state,
            to_state=proposal.state,
            actor=actor.username,
            role=actor.role,
            note=note,
            at=now,
        )
    )


def _load(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"Usulan {proposal_code(proposal_id)} tidak ditemukan.")
    return proposal


def _open_family(session: Session, family_id: int) -> Family:
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound(f"Keluarga {family_code(family_id)} tidak ditemukan.")
    return family


def _member_of(session: Session, person_id: int, family_id: int) -> bool:
    found = session.scalars(
        select(Membership.id).where(
            Membership.person_id == person_id,
            Membership.family_id == family_id,
            Membership.left_at.is_(None),
        )
    ).first()
    return found is not None


# -- content --------------------------------------------------------------------------------
def _content(
    session: Session,
    actor: Actor,
    kind: str,
    *,
    family_id: int | None,
    person_id: int | None,
    values: dict[str, Any] | None,
    members: list[dict[str, Any]] | None,
    reason: str | None,
    pending: tuple[str, ...] = (),
) -> tuple[str, dict[str, Any], str | None, int | None, int | None]:
    """Check a proposal's content: (region, payload, reason, family version, person id)."""
    values = dict(values or {})
    if kind == NEW_FAMILY:
        family_values = record_values("family", values)
        checked = [record_values("person", m) for m in members or []]
        if not checked:
            raise InvalidProposal("Usulan keluarga baru harus memuat minimal satu anggota.")
        return (
            family_values["kode_wilayah"],
            {"family": family_values, "members": checked},
            None,
            None,
            None,
        )
    if family_id is None:
        raise InvalidProposal(f"Usulan {KIND_LABELS[kind]} memerlukan keluarga (--family).")
    family = _open_family(session, family_id)
    region = family.kode_wilayah
    person: Person | None = None
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(f"Anggota {person_code(person_id)} tidak ditemukan.")
    if kind == ADD_MEMBER:
        if person is not None:
            if _member_of(session, person.id, family.id):
                raise InvalidProposal("Orang ini sudah menjadi anggota keluarga tersebut.")
            hub = to_value("person", "hub_keluarga", values.get("hub_keluarga"))
            return region, {"hub_keluarga": hub}, None, family.version, person.id
        if members and not values:
            values = members[0]
        return region, {"person": record_values("person", values)}, None, family.version, None
    if kind == REMOVE_MEMBER:
        if person is None:
            raise InvalidProposal("Usulan keluarkan anggota memerlukan anggota (--person).")
        if not _member_of(session, person.id, family.id):
            raise InvalidProposal("Orang ini bukan anggota aktif keluarga tersebut.")
        return region, {}, parse_reason(reason), family.version, person.id
    if kind == CORRECT:
        entity = "person" if person is not None else "family"
        if person is not None and not _member_of(session, person.id, family.id):
            raise InvalidProposal("Orang ini bukan anggota aktif keluarga tersebut.")
        if not values and pending:
            # Raised by the system for a value only the desa can find (the NIK of a member who
            # has none): a draft naming the fields, completed by the desa before it is submitted.
            editable = PERSON_EDITABLE if entity == "person" else FAMILY_EDITABLE
            unknown = [f for f in pending if f not in editable]
            if unknown:
                raise InvalidProposal(f"Kolom {', '.join(unknown)} tidak dapat dikoreksi.")
            payload = {"entity": entity, "changes": {}, "perlu_diisi": list(pending)}
            return region, payload, None, family.version, person_id
        if not values:
            raise InvalidProposal(
                "Usulan koreksi harus memuat minimal satu kolom (--set kolom=nilai)."
            )
        record: Family | Person = person if person is not None else family
        changes: dict[str, dict[str, Any]] = {}
        for name, raw in values.items():
            new = to_value(entity, name, raw)
            old = getattr(record, name)
            old_json = old.isoformat() if isinstance(old, dt.date) else old
            if as_text(old_json) == as_text(new):
                continue
            changes[name] = {"old": old_json, "new": new}
        if not changes:
            raise InvalidProposal(
                "Nilai yang diusulkan sama dengan data sekarang; tidak ada yang dikoreksi."
            )
        if "kode_wilayah" in changes:
            actor.require_region(changes["kode_wilayah"]["new"])
        return region, {"entity": entity, "changes": changes}, None, family.version, person_id
    if kind == DEACTIVATE:
        target: Family | Person = person if person is not None else family
        if target.status != "aktif":
            raise InvalidProposal("Data ini sudah nonaktif.")
        return region, {}, parse_reason(reason), family.version, person_id
    if kind == REACTIVATE:
        target = person if person is not None else family
        if target.status == "aktif":
            raise InvalidProposal("Data ini masih aktif; tidak perlu diaktifkan kembali.")
        return region, {}, None, family.version, person_id
    raise InvalidProposal(f"Jenis usulan '{kind}' tidak dikenal.")  # pragma: no cover


def create_proposal(
    engine: Engine | Connection,
    actor: Actor,
    kind: str,
    *,
    family_id: int | None = None,
    person_id: int | None = None,
    values: dict[str, Any] | None = None,
    members: list[dict[str, Any]] | None = None,
    reason: str | None = None,
    note: str | None = None,
    pending: tuple[str, ...] = (),
    now: dt.datetime | None = None,
) -> int:
    """Make a draft proposal; its id. Nothing in the registry changes.

    ``pending`` (a correction without ``values``): the fields whose right value the desa
    must fill in (:func:`revise_proposal`) before the draft can be submitted.

    ``values``: the new family's fields (new_family), the new member's fields
    (add_member), or the fields to correct (correct: on the person if
    ``person_id`` is given, else on the family). ``members``: the new family's
    members. ``reason``: one of ``DEACTIVATION_REASONS`` (deactivate, remove_member).
    ``engine`` may be a connection in a savepoint: the proposal is then part of the caller's
    transaction (a link run's).
    """
    actor.require_role(OPERATOR_DESA, doing="membuat usulan")
    kind = parse_kind(kind)
    when = _now(now)
    with _session(engine) as session:
        region, payload, checked_reason, family_version, person = _content(
            session,
            actor,
            kind,
            family_id=family_id,
            person_id=person_id,
            values=values,
            members=members,
            reason=reason,
            pending=pending,
        )
        actor.require_region(region)
        proposal = Proposal(
            kind=kind,
            state=DRAFT,
            stage=0,
            family_id=family_id if kind != NEW_FAMILY else None,
            person_id=person,
            kode_wilayah=region,
            payload=payload,
            reason=checked_reason,
            note=note,
            family_version=family_version,
            created_by=actor.username,
            created_role=actor.role,
            created_at=when,
            updated_at=when,
            state_since=when,
        )
        session.add(proposal)
        session.flush()
        _step(session, proposal, actor, "create", None, note, when)
        _audit(session, actor, "create", proposal, None, when)
        return proposal.id


@dataclass(frozen=True)
class Draft:
    """A system-raised draft for :func:`create_drafts`: deactivate a family (or person), or
    remove a person from a family, with a deactivation reason and a note."""

    kind: str
    family_id: int
    person_id: int | None = None
    reason: str | None = None
    note: str | None = None


#: Ids per ``IN (...)`` list when reading the drafts' families, persons and memberships.
_IN_CHUNK = 5_000


def _rows_in(conn: Connection, columns: list[Any], key: Any, ids: set[int]) -> list[Any]:
    found: list[Any] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        found += conn.execute(select(*columns).where(key.in_(chunk))).all()
    return found


def create_drafts(
    conn: Connection,
    username: str,
    drafts: Sequence[Draft],
    *,
    now: dt.datetime | None = None,
) -> list[int | None]:
    """Many system-raised drafts (deactivate, remove_member) at once; each one's id, or None
    where verval refuses it (family or person gone or inactive, person not a member, unknown
    reason, a control character in the note).

    The same proposals, ``create`` steps and audit events (one chain) as :func:`create_proposal`
    called once per draft by a desa operator of the family's region, written set-wise on
    ``conn`` in its transaction: a link run raising 120,000 drafts takes seconds, not minutes.
    """
    kinds = {d.kind for d in drafts} - {DEACTIVATE, REMOVE_MEMBER}
    if kinds:
        raise InvalidProposal(f"Usulan sistem hanya nonaktifkan/keluarkan anggota: {kinds}.")
    when = _now(now)
    families = {
        r.id: r
        for r in _rows_in(
            conn,
            [Family.id, Family.kode_wilayah, Family.version, Family.status],
            Family.id,
            {d.family_id for d in drafts},
        )
    }
    persons = {
        r.id: r.status
        for r in _rows_in(
            conn,
            [Person.id, Person.status],
            Person.id,
            {d.person_id for d in drafts if d.person_id is not None},
        )
    }
    members = _open_members(conn, {d.family_id for d in drafts if d.kind == REMOVE_MEMBER})
    rows: list[dict[str, Any]] = []
    made: list[int] = []
    for i, d in enumerate(drafts):
        family = families.get(d.family_id)
        if family is None or (d.person_id is not None and d.person_id not in persons):
            continue
        try:
            reason = parse_reason(d.reason)
            if d.note is not None:
                plain_text(d.note, "catatan", multiline=True)
        except InvalidProposal:
            continue
        if d.kind == REMOVE_MEMBER:
            if d.person_id is None or (d.person_id, d.family_id) not in members:
                continue
        else:
            status = family.status if d.person_id is None else persons[d.person_id]
            if status != "aktif":
                continue
        made.append(i)
        rows.append(
            {
                "kind": d.kind,
                "state": DRAFT,
                "stage": 0,
                "family_id": d.family_id,
                "person_id": d.person_id,
                "kode_wilayah": family.kode_wilayah,
                "payload": {},
                "reason": reason,
                "note": d.note,
                "family_version": family.version,
                "created_by": username,
                "created_role": OPERATOR_DESA,
                "created_at": when,
                "updated_at": when,
                "state_since": when,
                "version": 1,
            }
        )
    ids: list[int | None] = [None] * len(drafts)
    if not rows:
        return ids
    table: Table = Proposal.__table__  # type: ignore[assignment]
    # RETURNING without sort_by_parameter_order, so the driver can batch the rows (in order it
    # would insert them one statement each on SQLite); ids are matched back on the content,
    # ascending among identical drafts as one by one would give them.
    returned: dict[tuple[Any, ...], list[int]] = {}
    keys = (table.c.kind, table.c.family_id, table.c.person_id, table.c.note)
    for start in range(0, len(rows), _IN_CHUNK):
        result = conn.execute(
            insert(table).returning(table.c.id, *keys), rows[start : start + _IN_CHUNK]
        )
        for pid, *key in result:
            returned.setdefault(tuple(key), []).append(int(pid))
    for found in returned.values():
        found.sort(reverse=True)
    new_ids = [returned[(r["kind"], r["family_id"], r["person_id"], r["note"])].pop() for r in rows]
    steps = []
    events = []
    for i, pid, row in zip(made, new_ids, rows, strict=True):
        ids[i] = pid
        steps.append(
            {
                "proposal_id": pid,
                "action": "create",
                "from_state": None,
                "to_state": DRAFT,
                "actor": username,
                "role": OPERATOR_DESA,
                "note": row["note"],
                "at": when,
            }
        )
        after = {k: row.get(k) for k in _RECORD_FIELDS} | {"id": pid}
        events.append(Event("usulan.create", "proposal", pid, row["kode_wilayah"], None, after))
    for start in range(0, len(steps), _IN_CHUNK):
        conn.execute(insert(_STEP_TABLE), steps[start : start + _IN_CHUNK])
    record_events(conn, events, actor=username, role=OPERATOR_DESA, at=when)
    return ids


def _open_members(conn: Connection, family_ids: set[int]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    ordered = sorted(family_ids)
    for start in range(0, len(ordered), _IN_CHUNK):
        query = select(Membership.person_id, Membership.family_id).where(
            Membership.family_id.in_(ordered[start : start + _IN_CHUNK]),
            Membership.left_at.is_(None),
        )
        found |= {(int(p), int(f)) for p, f in conn.execute(query)}
    return found


_STEP_TABLE: Table = ProposalStep.__table__  # type: ignore[assignment]

#: The fields of :func:`_record`, a proposal's state in the audit log.
_RECORD_FIELDS = (
    "id",
    "kind",
    "state",
    "stage",
    "levels",
    "family_id",
    "person_id",
    "kode_wilayah",
    "reason",
    "payload",
    "batch_id",
)


def revise_proposal(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    *,
    values: dict[str, Any] | None = None,
    members: list[dict[str, Any]] | None = None,
    reason: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ProposalSummary:
    """Replace a draft or returned proposal's content (the desa's correction)."""
    actor.require_role(OPERATOR_DESA, doing="memperbaiki usulan")
    when = _now(now)
    with _session(engine) as session:
        proposal = _load(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        _check_version(proposal, expected_version)
        if proposal.state not in (DRAFT, RETURNED):
            raise InvalidTransition(
                f"Usulan berstatus {STATE_LABELS[proposal.state]}; hanya draf atau usulan "
                "yang dikembalikan yang dapat diperbaiki."
            )
        before = _record(proposal)
        region, payload, checked_reason, family_version, person = _content(
            session,
            actor,
            proposal.kind,
            family_id=proposal.family_id,
            person_id=proposal.person_id,
            values=values,
            members=members,
            reason=reason if reason is not None else proposal.reason,
        )
        actor.require_region(region)
        proposal.kode_wilayah = region
        proposal.payload = payload
        proposal.reason = checked_reason
        proposal.family_version = family_version
        proposal.person_id = person
        if note is not None:
            proposal.note = note
        proposal.updated_at = when
        session.flush()
        _step(session, proposal, actor, "revise", proposal.state, note, when)
        _audit(session, actor, "revise", proposal, before, when)
        return _summary(proposal, WorkflowConfig(), when)


def _check_version(proposal: Proposal, expected: int | None) -> None:
    if expected is not None and proposal.version != expected:
        raise ConflictError(PROPOSAL_CHANGED, entity="proposal", entity_id=proposal.id)


def decide(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    action: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
    family_version: int | None = None,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> ProposalSummary:
    """Take one workflow step on a proposal (``submit, verify, approve, reject, return``).

    ``expected_version`` (the proposal's) and ``family_version`` (the family's, as
    the reviewer saw it) make the step fail with :class:`ConflictError` when
    someone else acted in between, instead of overwriting their work.
    """
    if action not in ACTIONS:
        raise InvalidTransition(f"Tindakan '{action}' tidak dikenal; pilih: {', '.join(ACTIONS)}.")
    config = config or load_config()
    when = _now(now)
    with _session(engine) as session:
        proposal = _load(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        _check_version(proposal, expected_version)
        before = _record(proposal)
        from_state = proposal.state
        extra: dict[str, Any] = {}
        if action == "submit":
            actor.require_role(OPERATOR_DESA, doing="mengajukan usulan")
            if proposal.state not in (DRAFT, RETURNED):
                raise InvalidTransition(
                    f"Usulan berstatus {STATE_LABELS[proposal.state]}; hanya draf atau usulan "
                    "yang dikembalikan yang dapat diajukan."
                )
            waiting = (proposal.payload or {}).get("perlu_diisi")
            if waiting:
                raise InvalidProposal(
                    f"Usulan ini belum berisi nilai yang benar untuk {', '.join(waiting)}; "
                    "lengkapi usulannya (perbaiki) sebelum diajukan."
                )
            proposal.levels = list(config.levels_for(proposal.kode_wilayah))
            proposal.stage = 0
            proposal.state = SUBMITTED
        else:
            _review(proposal, actor, action, note)
            if action in ("reject", "return"):
                proposal.state = REJECTED if action == "reject" else RETURNED
                proposal.stage = 0
            elif action == "verify":
                proposal.stage += 1
                proposal.state = VERIFIED
            else:  # approve
                if family_version is not None and proposal.family_id is not None:
                    family = _open_family(session, proposal.family_id)
                    if family.version != family_version:
                        raise ConflictError(FAMILY_CHANGED, entity_id=family.id)
                proposal.stage += 1
                proposal.state = APPROVED
                proposal.approved_at = when
                proposal.approved_by = actor.username
                try:
                    result = apply_proposal(session, proposal, actor, when)
                    session.flush()
                except StaleDataError as exc:
                    raise ConflictError(FAMILY_CHANGED, entity_id=proposal.family_id) from exc
                proposal.result = result
                extra = {"result": result}
        proposal.state_since = when
        proposal.updated_at = when
        session.flush()
        _step(session, proposal, actor, action, from_state, note, when)
        _audit(session, actor, action, proposal, before, when, extra)
        return _summary(proposal, config, when)


def _review(proposal: Proposal, actor: Actor, action: str, note: str | None) -> None:
    """Check that ``actor`` may take review ``action`` at the proposal's current level."""
    if proposal.state not in PENDING_REVIEW or not proposal.levels:
        raise InvalidTransition(
            f"Usulan berstatus {STATE_LABELS[proposal.state]}; tidak sedang menunggu verifikasi."
        )
    level = proposal.levels[proposal.stage]
    if actor.role != level:
        raise PermissionDenied(
            f"Usulan ini sedang menunggu {ROLE_LABELS[level]}; peran "
            f"{ROLE_LABELS.get(actor.role, actor.role)} tidak dapat memprosesnya sekarang."
        )
    if actor.username == proposal.created_by:
        raise PermissionDenied("Pembuat usulan tidak boleh memverifikasi usulannya sendiri.")
    last = proposal.stage == len(proposal.levels) - 1
    if action == "verify" and last:
        raise InvalidTransition(
            f"{ROLE_LABELS[level]} adalah tingkat terakhir untuk wilayah ini; gunakan 'approve'."
        )
    if action == "approve" and not last:
        raise InvalidTransition(
            f"Usulan masih perlu disetujui {ROLE_LABELS[proposal.levels[-1]]}; gunakan 'verify'."
        )
    if action in ("reject", "return") and not (note and note.strip()):
        raise InvalidProposal("Tuliskan alasan penolakan atau hal yang harus diperbaiki (--note).")


def submit(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """The desa submits a draft (or a corrected, returned proposal) for verification."""
    return decide(engine, actor, proposal_id, "submit", **kw)


def verify(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """A reviewer that is not the last level passes the proposal up."""
    return decide(engine, actor, proposal_id, "verify", **kw)


def approve(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """The last level approves: the registry changes now."""
    return decide(engine, actor, proposal_id, "approve", **kw)


def reject(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """A reviewer rejects the proposal (final); a note is required."""
    return decide(engine, actor, proposal_id, "reject", **kw)


def return_proposal(engine: Engine, actor: Actor, proposal_id: int, **kw: Any) -> ProposalSummary:
    """A reviewer returns the proposal to the desa for correction; a note is required."""
    return decide(engine, actor, proposal_id, "return", **kw)


def bulk_decide(
    engine: Engine,
    actor: Actor,
    proposal_ids: Iterable[int],
    action: str,
    *,
    note: str | None = None,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> list[BulkOutcome]:
    """The same decision on many proposals, each in its own transaction.

    One proposal that cannot be decided (wrong state, conflict) is reported and
    does not stop the others.
    """
    config = config or load_config()
    outcomes = []
    for proposal_id in proposal_ids:
        try:
            summary = decide(engine, actor, proposal_id, action, note=note, config=config, now=now)
        except VervalError as exc:
            outcomes.append(BulkOutcome(proposal_id, False, None, str(exc)))
        else:
            outcomes.append(BulkOutcome(proposal_id, True, summary.state, ACTION_LABELS[action]))
    return outcomes


def add_comment(
    engine: Engine, actor: Actor, proposal_id: int, body: str, *, now: dt.datetime | None = None
) -> int:
    """Add a comment to a proposal; its id."""
    if actor.role == AUDITOR:
        raise PermissionDenied("Auditor hanya dapat membaca usulan.")
    if not body.strip():
        raise InvalidProposal("Komentar kosong.")
    plain_text(body, "komentar", multiline=True)
    when = _now(now)
    with _session(engine) as session:
        proposal = _load(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        comment = ProposalComment(
            proposal_id=proposal.id, author=actor.username, role=actor.role, body=body, at=when
        )
        session.add(comment)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="usulan.comment",
            entity="proposal",
            entity_id=proposal.id,
            region=proposal.kode_wilayah,
            before=None,
            after={"comment_id": comment.id, "body": body},
            at=when,
        )
        return comment.id


def evidence_path(evidence_dir: Path, sha256: str) -> Path:
    """Where a piece of evidence with this checksum is kept."""
    return evidence_dir / sha256[:2] / sha256


def _default_evidence_dir() -> Path:
    from terpadu.settings import get_settings

    return get_settings().data_dir / "evidence"


def attach_evidence(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    path: Path,
    *,
    description: str | None = None,
    evidence_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Attach a file (berita acara, photo) to a proposal; the evidence row's id.

    The file is copied under ``<data_dir>/evidence`` named by its sha256, so the
    same file attached twice is stored once and a stored file cannot be
    replaced without its checksum changing.
    """
    if actor.role == AUDITOR:
        raise PermissionDenied("Auditor hanya dapat membaca usulan.")
    if not path.is_file():
        raise InvalidProposal(f"Berkas {path} tidak ditemukan.")
    folder = evidence_dir or _default_evidence_dir()
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    sha = digest.hexdigest()
    size = path.stat().st_size
    when = _now(now)
    with _session(engine) as session:
        proposal = _load(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        if proposal.state in (APPROVED, REJECTED):
            raise InvalidTransition(
                f"Usulan sudah {STATE_LABELS[proposal.state]}; bukti tidak dapat ditambahkan lagi."
            )
        target = evidence_path(folder, sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            shutil.copyfile(path, partial)
            partial.replace(target)
        evidence = ProposalEvidence(
            proposal_id=proposal.id,
            sha256=sha,
            file_name=path.name,
            size_bytes=size,
            description=description,
            uploaded_by=actor.username,
            uploaded_at=when,
        )
        session.add(evidence)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="usulan.attach",
            entity="proposal",
            entity_id=proposal.id,
            region=proposal.kode_wilayah,
            before=None,
            after={"evidence_id": evidence.id, "file_name": path.name, "sha256": sha, "size": size},
            at=when,
        )
        return evidence.id


def list_proposals(
    engine: Engine,
    actor: Actor,
    *,
    state: str | None = None,
    kind: str | None = None,
    region: str | None = None,
    waiting_for_me: bool = False,
    overdue: bool | None = None,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> list[ProposalSummary]:
    """Proposals within the actor's region (and ``region``), oldest first."""
    config = config or load_config()
    when = _now(now)
    query = select(Proposal).order_by(Proposal.id)
    for scope in (actor.region, region):
        if scope:
            from terpadu.regions import normalize_code

            query = query.where(Proposal.kode_wilayah.startswith(normalize_code(scope)))
    if state:
        query = query.where(Proposal.state == state)
    if kind:
        query = query.where(Proposal.kind == parse_kind(kind))
    with Session(engine) as session:
        rows = [_summary(p, config, when) for p in session.scalars(query)]
    if waiting_for_me:
        rows = [r for r in rows if r.waiting_on == actor.role]
    if overdue is not None:
        rows = [r for r in rows if r.overdue == overdue]
    return rows


def get_proposal(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    *,
    config: WorkflowConfig | None = None,
    now: dt.datetime | None = None,
) -> ProposalDetail:
    """One proposal with its steps, comments and evidence."""
    config = config or load_config()
    when = _now(now)
    with Session(engine) as session:
        proposal = _load(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        steps = session.scalars(
            select(ProposalStep)
            .where(ProposalStep.proposal_id == proposal.id)
            .order_by(ProposalStep.id)
        ).all()
        comments = session.scalars(
            select(ProposalComment)
            .where(ProposalComment.proposal_id == proposal.id)
            .order_by(ProposalComment.id)
        ).all()
        evidence = session.scalars(
            select(ProposalEvidence)
            .where(ProposalEvidence.proposal_id == proposal.id)
            .order_by(ProposalEvidence.id)
        ).all()
        return ProposalDetail(
            summary=_summary(proposal, config, when),
            payload=dict(proposal.payload),
            reason=proposal.reason,
            note=proposal.note,
            levels=list(proposal.levels or config.levels_for(proposal.kode_wilayah)),
            stage=proposal.stage,
            batch_id=proposal.batch_id,
            result=proposal.result,
            steps=[
                {
                    "action": s.action,
                    "from_state": s.from_state,
                    "to_state": s.to_state,
                    "actor": s.actor,
                    "role": s.role,
                    "note": s.note,
                    "at": as_utc(s.at),
                }
                for s in steps
            ],
            comments=[
                {"author": c.author, "role": c.role, "body": c.body, "at": as_utc(c.at)}
                for c in comments
            ],
            evidence=[
                {
                    "id": e.id,
                    "file_name": e.file_name,
                    "sha256": e.sha256,
                    "size_bytes": e.size_bytes,
                    "description": e.description,
                    "uploaded_by": e.uploaded_by,
                    "uploaded_at": as_utc(e.uploaded_at),
                }
                for e in evidence
            ],
        )


def proposal_for_batch(engine: Engine, batch_id: int) -> int | None:
    """The proposal whose approval wrote this batch (None for an import)."""
    with Session(engine) as session:
        found = session.scalars(select(Proposal.id).where(Proposal.batch_id == batch_id)).first()
    return None if found is None else int(found)


__all__ = [
    "ACTIONS",
    "BulkOutcome",
    "ProposalDetail",
    "ProposalSummary",
    "add_comment",
    "approve",
    "attach_evidence",
    "bulk_decide",
    "create_proposal",
    "decide",
    "evidence_path",
    "get_proposal",
    "list_proposals",
    "proposal_code",
    "proposal_for_batch",
    "reject",
    "return_proposal",
    "revise_proposal",
    "submit",
    "verify",
    "waiting_on",
]
