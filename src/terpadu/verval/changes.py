"""What each kind of approved proposal changes in the registry, written through its batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from terpadu.store.models import Family, Person
from terpadu.verval.errors import ConflictError
from terpadu.verval.kinds import (
    ADD_MEMBER,
    CORRECT,
    DEACTIVATE,
    NEW_FAMILY,
    PERSON_ENDING_REASONS,
    REACTIVATE,
    REMOVE_MEMBER,
    as_text,
    to_python,
)
from terpadu.verval.writer import (
    FAMILY_CHANGED,
    PERSON_CHANGED,
    ProposalBatch,
    family_record,
    person_record,
    record_of,
)


def new_family(batch: ProposalBatch) -> dict[str, Any]:
    """A new family and its members, each joined to it."""
    payload = batch.proposal.payload
    values = payload["family"]
    family = Family(
        source_id=batch.source_id,
        source_key=f"U{batch.proposal.id}",
        batch_id=batch.row.id,
        file_id=batch.file_id,
        row_number=1,
        created_at=batch.now,
        updated_at=batch.now,
        status="aktif",
        **{f: to_python("family", f, v) for f, v in values.items()},
    )
    batch.session.add(family)
    batch.session.flush()
    batch.count("families_new")
    batch.event(
        "family.create", "family", family.id, family.kode_wilayah, None, family_record(family)
    )
    person_ids = []
    for index, member in enumerate(payload.get("members", []), start=1):
        person = batch.new_person(member, f"U{batch.proposal.id}-{index}", index)
        batch.event(
            "person.create",
            "person",
            person.id,
            family.kode_wilayah,
            None,
            person_record(person),
        )
        batch.join(person, family)
        person_ids.append(person.id)
    batch.proposal.family_id = family.id
    return {"family_id": family.id, "person_ids": person_ids}


def add_member(batch: ProposalBatch) -> dict[str, Any]:
    """A new person, or one moved from another family, joins the family."""
    family = batch.family(batch.proposal.family_id)
    payload = batch.proposal.payload
    if batch.proposal.person_id is not None:
        person = batch.person(batch.proposal.person_id)
        current = batch.open_membership(person.id)
        if current is not None and current.family_id == family.id:
            raise ConflictError(
                "Orang ini sudah tercatat sebagai anggota keluarga tersebut; muat ulang lalu ulangi.",
                entity="person",
                entity_id=person.id,
            )
        if current is not None:
            old_family = batch.family(current.family_id)
            batch.leave(current, "pindah keluarga", old_family.kode_wilayah)
            batch.touch(old_family)
        if payload.get("hub_keluarga") is not None:
            old = person.hub_keluarga
            person.hub_keluarga = int(payload["hub_keluarga"])
            if old != person.hub_keluarga:
                batch.value_change("person", person.id, "hub_keluarga", old, person.hub_keluarga)
        created = False
    else:
        person = batch.new_person(payload["person"], f"U{batch.proposal.id}-1", 1)
        batch.event(
            "person.create",
            "person",
            person.id,
            family.kode_wilayah,
            None,
            person_record(person),
        )
        created = True
    batch.join(person, family)
    batch.touch(family)
    batch.count("families_changed")
    if not created:
        batch.count("persons_changed")
    batch.proposal.person_id = person.id
    return {"family_id": family.id, "person_ids": [person.id]}


def remove_member(batch: ProposalBatch) -> dict[str, Any]:
    """A person leaves the family (deactivated too when the reason ends the record)."""
    family = batch.family(batch.proposal.family_id)
    person = batch.person(batch.proposal.person_id)
    reason = batch.proposal.reason or "pindah"
    membership = batch.open_membership(person.id, family.id)
    if membership is None:
        raise ConflictError(
            "Anggota ini sudah tidak tercatat di keluarga tersebut (diubah oleh pengguna lain); "
            "muat ulang lalu ulangi.",
            entity="person",
            entity_id=person.id,
        )
    batch.leave(membership, reason, family.kode_wilayah)
    if reason in PERSON_ENDING_REASONS and person.status == "aktif":
        before = person_record(person)
        batch.set_status(person, "person", "nonaktif", reason)
        batch.session.flush()
        batch.event(
            "person.deactivate",
            "person",
            person.id,
            family.kode_wilayah,
            before,
            person_record(person),
        )
        batch.count("persons_changed")
    batch.touch(family)
    batch.count("families_changed")
    return {"family_id": family.id, "person_ids": [person.id]}


def correct(batch: ProposalBatch) -> dict[str, Any]:
    """New values for a family's or person's fields, each still as the proposer saw it."""
    payload = batch.proposal.payload
    entity = payload.get("entity", "family")
    record: Family | Person
    if entity == "person":
        record = batch.person(batch.proposal.person_id)
    else:
        record = batch.family(batch.proposal.family_id)
    family = batch.family(batch.proposal.family_id) if batch.proposal.family_id else None
    before = record_of(record)
    changes: dict[str, dict[str, Any]] = payload["changes"]
    # Field-level optimistic check: the value must still be what the proposer saw.
    for field, change in changes.items():
        current = as_text(getattr(record, field))
        if current != as_text(to_python(entity, field, change.get("old"))):
            raise ConflictError(
                FAMILY_CHANGED if entity == "family" else PERSON_CHANGED,
                entity=entity,
                entity_id=record.id,
            )
    for field, change in changes.items():
        old = getattr(record, field)
        new = to_python(entity, field, change.get("new"))
        setattr(record, field, new)
        batch.value_change(entity, record.id, field, old, new)
    record.updated_at = batch.now
    if isinstance(record, Person) and "nik" in changes:
        record.needs_civil_registration = 0 if record.nik else 1
    if family is not None and family is not record:
        batch.touch(family)
    batch.session.flush()
    after = record_of(record)
    region = family.kode_wilayah if family is not None else batch.proposal.kode_wilayah
    batch.event(f"{entity}.update", entity, record.id, region, before, after)
    batch.count("families_changed" if entity == "family" else "persons_changed")
    if entity == "person":
        batch.count("families_changed")
    return {"family_id": batch.proposal.family_id, "person_ids": [batch.proposal.person_id]}


def set_status(batch: ProposalBatch, status: str) -> dict[str, Any]:
    """The family (or the person) takes ``status``; refused if it already has it."""
    family = batch.family(batch.proposal.family_id)
    record: Family | Person = family
    entity = "family"
    if batch.proposal.person_id is not None:
        record = batch.person(batch.proposal.person_id)
        entity = "person"
    if record.status == status:
        label = "keluarga" if entity == "family" else "anggota"
        raise ConflictError(
            f"Data {label} ini sudah berstatus {status} (diubah oleh pengguna lain); "
            "muat ulang lalu ulangi.",
            entity=entity,
            entity_id=record.id,
        )
    before = record_of(record)
    reason = batch.proposal.reason if status == "nonaktif" else "aktif kembali"
    batch.set_status(record, entity, status, reason)
    if record is not family:
        batch.touch(family)
    batch.session.flush()
    after = record_of(record)
    action = "deactivate" if status == "nonaktif" else "reactivate"
    batch.event(f"{entity}.{action}", entity, record.id, family.kode_wilayah, before, after)
    batch.count("families_changed" if entity == "family" else "persons_changed")
    return {
        "family_id": family.id,
        "person_ids": [record.id] if entity == "person" else [],
    }


def deactivate(batch: ProposalBatch) -> dict[str, Any]:
    """Deactivate the family (or the person)."""
    return set_status(batch, "nonaktif")


def reactivate(batch: ProposalBatch) -> dict[str, Any]:
    """Reactivate the family (or the person)."""
    return set_status(batch, "aktif")


#: The change each proposal kind makes; the kinds are checked when a proposal is made.
CHANGES: dict[str, Callable[[ProposalBatch], dict[str, Any]]] = {
    NEW_FAMILY: new_family,
    ADD_MEMBER: add_member,
    REMOVE_MEMBER: remove_member,
    CORRECT: correct,
    DEACTIVATE: deactivate,
    REACTIVATE: reactivate,
}


__all__ = [
    "CHANGES",
    "add_member",
    "correct",
    "deactivate",
    "new_family",
    "reactivate",
    "remove_member",
    "set_status",
]
