"""Applying an approved proposal to the registry, with provenance and audit events.

The changes land as a batch of the source ``usulan``: one ``batch`` and one
``batch_file`` (the proposal as canonical JSON: its sha256 and size) per
proposal. New records, ``value_change`` rows (old value, new value), status
events and dated memberships all point at that batch, as an import's do;
nothing is deleted. Every changed record gets an audit event. Families and
persons carry a version: a write based on a stale read raises
:class:`~terpadu.verval.errors.ConflictError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from terpadu.access import Actor
from terpadu.audit import canonical_json, record_event
from terpadu.store.models import (
    Batch,
    BatchFile,
    Family,
    Membership,
    Person,
    Source,
    StatusEvent,
    ValueChange,
)
from terpadu.store.models.verval import Proposal
from terpadu.verval.errors import ConflictError, NotFound
from terpadu.verval.kinds import (
    ADD_MEMBER,
    CORRECT,
    DEACTIVATE,
    FAMILY_EDITABLE,
    NEW_FAMILY,
    PERSON_EDITABLE,
    PERSON_ENDING_REASONS,
    REACTIVATE,
    REMOVE_MEMBER,
    as_text,
    to_python,
)

USULAN_SOURCE = "usulan"
SOURCE_TABLE: Table = Source.__table__  # type: ignore[assignment]
FAMILY_CHANGED = "Data keluarga ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi."
PERSON_CHANGED = "Data anggota ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi."


def ensure_usulan_source(session: Session) -> int:
    """The id of the ``usulan`` source, created on first use (safe under races)."""
    table = SOURCE_TABLE
    found = session.execute(select(table.c.id).where(table.c.name == USULAN_SOURCE)).scalar()
    if found is not None:
        return int(found)
    try:
        with session.begin_nested():
            session.execute(
                insert(table).values(name=USULAN_SOURCE, created_at=dt.datetime.now(dt.UTC))
            )
    except IntegrityError:
        pass  # another writer created it first
    return int(
        session.execute(select(table.c.id).where(table.c.name == USULAN_SOURCE)).scalar_one()
    )


def family_record(family: Family) -> dict[str, Any]:
    """A family's values for the audit log."""
    values = {f: getattr(family, f) for f in FAMILY_EDITABLE}
    return values | {
        "id": family.id,
        "source_key": family.source_key,
        "status": family.status,
        "status_reason": family.status_reason,
        "version": family.version,
    }


def person_record(person: Person) -> dict[str, Any]:
    """A person's values for the audit log."""
    values = {f: getattr(person, f) for f in PERSON_EDITABLE}
    return values | {
        "id": person.id,
        "source_key": person.source_key,
        "status": person.status,
        "status_reason": person.status_reason,
        "version": person.version,
    }


def _record_of(record: Family | Person) -> dict[str, Any]:
    return family_record(record) if isinstance(record, Family) else person_record(record)


def membership_record(m: Membership) -> dict[str, Any]:
    return {
        "id": m.id,
        "person_id": m.person_id,
        "family_id": m.family_id,
        "hub_keluarga": m.hub_keluarga,
        "joined_at": m.joined_at,
        "joined_batch_id": m.joined_batch_id,
        "left_at": m.left_at,
        "left_reason": m.left_reason,
        "left_batch_id": m.left_batch_id,
    }


class _Applier:
    """Writes one approved proposal's changes in the caller's session."""

    def __init__(
        self, session: Session, proposal: Proposal, actor: Actor, now: dt.datetime
    ) -> None:
        self.session = session
        self.proposal = proposal
        self.actor = actor
        self.now = now
        self.source_id = ensure_usulan_source(session)
        self.counts = {
            "families_new": 0,
            "families_changed": 0,
            "persons_new": 0,
            "persons_changed": 0,
        }
        document = canonical_json(
            {
                "proposal": proposal.id,
                "kind": proposal.kind,
                "family_id": proposal.family_id,
                "person_id": proposal.person_id,
                "reason": proposal.reason,
                "payload": proposal.payload,
            }
        ).encode("utf-8")
        digest = hashlib.sha256(document).hexdigest()
        batch = Batch(
            source_id=self.source_id,
            fingerprint=hashlib.sha256(f"{USULAN_SOURCE}\0{digest}".encode()).hexdigest(),
            status="running",
            actor=actor.username,
            started_at=now,
            rows_read=1,
            rows_landed=1,
        )
        session.add(batch)
        session.flush()
        file = BatchFile(
            batch_id=batch.id,
            role="usulan",
            file_name=f"usulan-{proposal.id}.json",
            sha256=digest,
            size_bytes=len(document),
            file_format="usulan",
            encoding="utf-8",
            rows_read=1,
            rows_landed=1,
        )
        session.add(file)
        session.flush()
        self.batch = batch
        self.file_id = file.id

    # -- helpers ---------------------------------------------------------------------------
    def _event(
        self,
        action: str,
        entity: str,
        entity_id: int,
        region: str | None,
        before: Any,
        after: Any,
    ) -> None:
        record_event(
            self.session.connection(),
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            region=region,
            before=before,
            after=after,
            at=self.now,
        )

    def _family(self, family_id: int | None) -> Family:
        family = self.session.get(Family, family_id) if family_id is not None else None
        if family is None:
            raise NotFound(f"Keluarga {family_id} tidak ditemukan.")
        return family

    def _person(self, person_id: int | None) -> Person:
        person = self.session.get(Person, person_id) if person_id is not None else None
        if person is None:
            raise NotFound(f"Anggota {person_id} tidak ditemukan.")
        return person

    def _value_change(
        self, entity: str, entity_id: int, field: str, old: Any, new: Any, row: int = 1
    ) -> None:
        self.session.add(
            ValueChange(
                entity=entity,
                entity_id=entity_id,
                field=field,
                old_value=as_text(old),
                new_value=as_text(new),
                batch_id=self.batch.id,
                file_id=self.file_id,
                row_number=row,
                at=self.now,
            )
        )

    def _touch(self, family: Family) -> None:
        """Mark the family changed: its version moves on, so stale writers conflict."""
        family.updated_at = self.now

    def _status(
        self, record: Family | Person, entity: str, status: str, reason: str | None
    ) -> None:
        record.status = status
        record.status_reason = reason if status == "nonaktif" else None
        record.updated_at = self.now
        note = f"usulan #{self.proposal.id}"
        if self.proposal.note:
            note += f": {self.proposal.note}"
        self.session.add(
            StatusEvent(
                entity=entity,
                entity_id=record.id,
                status=status,
                reason=reason,
                note=note,
                actor=self.actor.username,
                batch_id=self.batch.id,
                at=self.now,
            )
        )

    def _new_person(self, values: dict[str, Any], key: str, row: int) -> Person:
        person = Person(
            source_id=self.source_id,
            source_key=key,
            batch_id=self.batch.id,
            file_id=self.file_id,
            row_number=row,
            created_at=self.now,
            updated_at=self.now,
            status="aktif",
            needs_civil_registration=0 if values.get("nik") else 1,
            **{f: to_python("person", f, v) for f, v in values.items()},
        )
        self.session.add(person)
        self.session.flush()
        self.counts["persons_new"] += 1
        return person

    def _join(self, person: Person, family: Family) -> Membership:
        membership = Membership(
            person_id=person.id,
            family_id=family.id,
            hub_keluarga=person.hub_keluarga,
            joined_at=self.now,
            joined_batch_id=self.batch.id,
        )
        self.session.add(membership)
        self.session.flush()
        self._event(
            "membership.join",
            "membership",
            membership.id,
            family.kode_wilayah,
            None,
            membership_record(membership),
        )
        return membership

    def _open_membership(self, person_id: int, family_id: int | None = None) -> Membership | None:
        query = select(Membership).where(
            Membership.person_id == person_id, Membership.left_at.is_(None)
        )
        if family_id is not None:
            query = query.where(Membership.family_id == family_id)
        return self.session.scalars(query.order_by(Membership.id)).first()

    def _leave(self, membership: Membership, reason: str, region: str | None) -> None:
        before = membership_record(membership)
        membership.left_at = self.now
        membership.left_reason = reason
        membership.left_batch_id = self.batch.id
        self.session.flush()
        self._event(
            "membership.leave",
            "membership",
            membership.id,
            region,
            before,
            membership_record(membership),
        )

    # -- kinds -----------------------------------------------------------------------------
    def new_family(self) -> dict[str, Any]:
        payload = self.proposal.payload
        values = payload["family"]
        family = Family(
            source_id=self.source_id,
            source_key=f"U{self.proposal.id}",
            batch_id=self.batch.id,
            file_id=self.file_id,
            row_number=1,
            created_at=self.now,
            updated_at=self.now,
            status="aktif",
            **{f: to_python("family", f, v) for f, v in values.items()},
        )
        self.session.add(family)
        self.session.flush()
        self.counts["families_new"] += 1
        self._event(
            "family.create", "family", family.id, family.kode_wilayah, None, family_record(family)
        )
        person_ids = []
        for index, member in enumerate(payload.get("members", []), start=1):
            person = self._new_person(member, f"U{self.proposal.id}-{index}", index)
            self._event(
                "person.create",
                "person",
                person.id,
                family.kode_wilayah,
                None,
                person_record(person),
            )
            self._join(person, family)
            person_ids.append(person.id)
        self.proposal.family_id = family.id
        return {"family_id": family.id, "person_ids": person_ids}

    def add_member(self) -> dict[str, Any]:
        family = self._family(self.proposal.family_id)
        payload = self.proposal.payload
        if self.proposal.person_id is not None:
            person = self._person(self.proposal.person_id)
            current = self._open_membership(person.id)
            if current is not None and current.family_id == family.id:
                raise ConflictError(
                    "Orang ini sudah tercatat sebagai anggota keluarga tersebut; muat ulang lalu ulangi.",
                    entity="person",
                    entity_id=person.id,
                )
            if current is not None:
                old_family = self._family(current.family_id)
                self._leave(current, "pindah keluarga", old_family.kode_wilayah)
                self._touch(old_family)
            if payload.get("hub_keluarga") is not None:
                old = person.hub_keluarga
                person.hub_keluarga = int(payload["hub_keluarga"])
                if old != person.hub_keluarga:
                    self._value_change(
                        "person", person.id, "hub_keluarga", old, person.hub_keluarga
                    )
            created = False
        else:
            person = self._new_person(payload["person"], f"U{self.proposal.id}-1", 1)
            self._event(
                "person.create",
                "person",
                person.id,
                family.kode_wilayah,
                None,
                person_record(person),
            )
            created = True
        self._join(person, family)
        self._touch(family)
        self.counts["families_changed"] += 1
        if not created:
            self.counts["persons_changed"] += 1
        self.proposal.person_id = person.id
        return {"family_id": family.id, "person_ids": [person.id]}

    def remove_member(self) -> dict[str, Any]:
        family = self._family(self.proposal.family_id)
        person = self._person(self.proposal.person_id)
        reason = self.proposal.reason or "pindah"
        membership = self._open_membership(person.id, family.id)
        if membership is None:
            raise ConflictError(
                "Anggota ini sudah tidak tercatat di keluarga tersebut (diubah oleh pengguna lain); "
                "muat ulang lalu ulangi.",
                entity="person",
                entity_id=person.id,
            )
        self._leave(membership, reason, family.kode_wilayah)
        if reason in PERSON_ENDING_REASONS and person.status == "aktif":
            before = person_record(person)
            self._status(person, "person", "nonaktif", reason)
            self.session.flush()
            self._event(
                "person.deactivate",
                "person",
                person.id,
                family.kode_wilayah,
                before,
                person_record(person),
            )
            self.counts["persons_changed"] += 1
        self._touch(family)
        self.counts["families_changed"] += 1
        return {"family_id": family.id, "person_ids": [person.id]}

    def correct(self) -> dict[str, Any]:
        payload = self.proposal.payload
        entity = payload.get("entity", "family")
        record: Family | Person
        if entity == "person":
            record = self._person(self.proposal.person_id)
        else:
            record = self._family(self.proposal.family_id)
        family = self._family(self.proposal.family_id) if self.proposal.family_id else None
        before = _record_of(record)
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
            self._value_change(entity, record.id, field, old, new)
        record.updated_at = self.now
        if isinstance(record, Person) and "nik" in changes:
            record.needs_civil_registration = 0 if record.nik else 1
        if family is not None and family is not record:
            self._touch(family)
        self.session.flush()
        after = _record_of(record)
        region = family.kode_wilayah if family is not None else self.proposal.kode_wilayah
        self._event(f"{entity}.update", entity, record.id, region, before, after)
        self.counts["families_changed" if entity == "family" else "persons_changed"] += 1
        if entity == "person":
            self.counts["families_changed"] += 1
        return {"family_id": self.proposal.family_id, "person_ids": [self.proposal.person_id]}

    def set_status(self, status: str) -> dict[str, Any]:
        family = self._family(self.proposal.family_id)
        record: Family | Person = family
        entity = "family"
        if self.proposal.person_id is not None:
            record = self._person(self.proposal.person_id)
            entity = "person"
        if record.status == status:
            label = "keluarga" if entity == "family" else "anggota"
            raise ConflictError(
                f"Data {label} ini sudah berstatus {status} (diubah oleh pengguna lain); "
                "muat ulang lalu ulangi.",
                entity=entity,
                entity_id=record.id,
            )
        before = _record_of(record)
        reason = self.proposal.reason if status == "nonaktif" else "aktif kembali"
        self._status(record, entity, status, reason)
        if record is not family:
            self._touch(family)
        self.session.flush()
        after = _record_of(record)
        action = "deactivate" if status == "nonaktif" else "reactivate"
        self._event(f"{entity}.{action}", entity, record.id, family.kode_wilayah, before, after)
        self.counts["families_changed" if entity == "family" else "persons_changed"] += 1
        return {
            "family_id": family.id,
            "person_ids": [record.id] if entity == "person" else [],
        }

    def run(self) -> dict[str, Any]:
        kind = self.proposal.kind
        if kind == NEW_FAMILY:
            result = self.new_family()
        elif kind == ADD_MEMBER:
            result = self.add_member()
        elif kind == REMOVE_MEMBER:
            result = self.remove_member()
        elif kind == CORRECT:
            result = self.correct()
        elif kind == DEACTIVATE:
            result = self.set_status("nonaktif")
        elif kind == REACTIVATE:
            result = self.set_status("aktif")
        else:  # pragma: no cover - kinds are checked when a proposal is made
            raise ValueError(kind)
        self.session.flush()
        self.batch.status = "completed"
        self.batch.finished_at = self.now
        for key, value in self.counts.items():
            setattr(self.batch, key, value)
        return result | {"batch_id": self.batch.id}


def apply_proposal(
    session: Session, proposal: Proposal, actor: Actor, now: dt.datetime
) -> dict[str, Any]:
    """Write an approved proposal's changes in ``session``; what was created or changed.

    Raises :class:`ConflictError` when a record changed since the proposal was made
    or since it was read in this session (the caller's transaction must roll back).
    """
    family_id, person_id = proposal.family_id, proposal.person_id
    try:
        applier = _Applier(session, proposal, actor, now)
        result = applier.run()
    except StaleDataError as exc:
        entity = "person" if "person" in str(exc) else "family"
        raise ConflictError(
            PERSON_CHANGED if entity == "person" else FAMILY_CHANGED,
            entity=entity,
            entity_id=person_id if entity == "person" else family_id,
        ) from exc
    proposal.batch_id = applier.batch.id
    return result


__all__ = [
    "USULAN_SOURCE",
    "apply_proposal",
    "ensure_usulan_source",
    "family_record",
    "person_record",
]
