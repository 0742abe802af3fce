"""Creating and revising a proposal: its content checked against the registry.

A proposal starts as a draft of the desa (``operator_desa``); while it is a draft
or has been returned, the desa may revise it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.store.ids import person_code
from terpadu.store.models import Family, Person
from terpadu.store.models.verval import Proposal
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.errors import InvalidProposal, InvalidTransition, NotFound
from terpadu.verval.inbox import ProposalSummary, summarise
from terpadu.verval.kinds import (
    ADD_MEMBER,
    CORRECT,
    DEACTIVATE,
    DRAFT,
    FAMILY_EDITABLE,
    KIND_LABELS,
    NEW_FAMILY,
    PERSON_EDITABLE,
    REACTIVATE,
    REMOVE_MEMBER,
    RETURNED,
    STATE_LABELS,
    as_text,
    parse_kind,
    parse_reason,
    record_values,
    to_value,
)
from terpadu.verval.records import (
    audit_proposal,
    check_version,
    is_member,
    load_proposal,
    now_or,
    open_family,
    proposal_record,
    record_step,
    workflow_session,
)


def proposal_content(
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
    family = open_family(session, family_id)
    region = family.kode_wilayah
    person: Person | None = None
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(f"Anggota {person_code(person_id)} tidak ditemukan.")
    if kind == ADD_MEMBER:
        if person is not None:
            if is_member(session, person.id, family.id):
                raise InvalidProposal("Orang ini sudah menjadi anggota keluarga tersebut.")
            hub = to_value("person", "hub_keluarga", values.get("hub_keluarga"))
            return region, {"hub_keluarga": hub}, None, family.version, person.id
        if members and not values:
            values = members[0]
        return region, {"person": record_values("person", values)}, None, family.version, None
    if kind == REMOVE_MEMBER:
        if person is None:
            raise InvalidProposal("Usulan keluarkan anggota memerlukan anggota (--person).")
        if not is_member(session, person.id, family.id):
            raise InvalidProposal("Orang ini bukan anggota aktif keluarga tersebut.")
        return region, {}, parse_reason(reason), family.version, person.id
    if kind == CORRECT:
        entity = "person" if person is not None else "family"
        if person is not None and not is_member(session, person.id, family.id):
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
    actor.require_role(OPERATOR_DESA, doing="create_proposal")
    kind = parse_kind(kind)
    when = now_or(now)
    with workflow_session(engine) as session:
        region, payload, checked_reason, family_version, person = proposal_content(
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
        record_step(session, proposal, actor, "create", None, note, when)
        audit_proposal(session, actor, "create", proposal, None, when)
        return proposal.id


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
    actor.require_role(OPERATOR_DESA, doing="revise_proposal")
    when = now_or(now)
    with workflow_session(engine) as session:
        proposal = load_proposal(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        check_version(proposal, expected_version)
        if proposal.state not in (DRAFT, RETURNED):
            raise InvalidTransition(
                f"Usulan berstatus {STATE_LABELS[proposal.state]}; hanya draf atau usulan "
                "yang dikembalikan yang dapat diperbaiki."
            )
        before = proposal_record(proposal)
        region, payload, checked_reason, family_version, person = proposal_content(
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
        record_step(session, proposal, actor, "revise", proposal.state, note, when)
        audit_proposal(session, actor, "revise", proposal, before, when)
        return summarise(proposal, WorkflowConfig(), when)


__all__ = [
    "create_proposal",
    "proposal_content",
    "revise_proposal",
]
