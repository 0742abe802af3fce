"""The batch an approved proposal writes under, and the registry writes that point at it.

The changes land as a batch of the source ``usulan``: one ``batch`` and one
``batch_file`` (the proposal as canonical JSON: its sha256 and size) per
proposal. New records, ``value_change`` rows (old value, new value), status
events and dated memberships all point at that batch, as an import's do;
nothing is deleted. Every changed record gets an audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
from terpadu.verval.errors import NotFound
from terpadu.verval.kinds import FAMILY_EDITABLE, PERSON_EDITABLE, as_text, to_python

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


def record_of(record: Family | Person) -> dict[str, Any]:
    """A family's or a person's values for the audit log."""
    return family_record(record) if isinstance(record, Family) else person_record(record)


def membership_record(m: Membership) -> dict[str, Any]:
    """A membership's values for the audit log."""
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


class ProposalBatch:
    """One approved proposal's batch, opened in the caller's session, and its writes."""

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
        self.row = batch
        self.file_id = file.id

    def event(
        self,
        action: str,
        entity: str,
        entity_id: int,
        region: str | None,
        before: Any,
        after: Any,
    ) -> None:
        """Record an audit event of this proposal's actor, at its moment."""
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

    def family(self, family_id: int | None) -> Family:
        """The family with this id; :class:`NotFound` if there is none."""
        family = self.session.get(Family, family_id) if family_id is not None else None
        if family is None:
            raise NotFound(f"Keluarga {family_id} tidak ditemukan.")
        return family

    def person(self, person_id: int | None) -> Person:
        """The person with this id; :class:`NotFound` if there is none."""
        person = self.session.get(Person, person_id) if person_id is not None else None
        if person is None:
            raise NotFound(f"Anggota {person_id} tidak ditemukan.")
        return person

    def value_change(
        self, entity: str, entity_id: int, field: str, old: Any, new: Any, row: int = 1
    ) -> None:
        """Record one field's old and new value under the batch."""
        self.session.add(
            ValueChange(
                entity=entity,
                entity_id=entity_id,
                field=field,
                old_value=as_text(old),
                new_value=as_text(new),
                batch_id=self.row.id,
                file_id=self.file_id,
                row_number=row,
                at=self.now,
            )
        )

    def touch(self, family: Family) -> None:
        """Mark the family changed: its version moves on, so stale writers conflict."""
        family.updated_at = self.now

    def set_status(
        self, record: Family | Person, entity: str, status: str, reason: str | None
    ) -> None:
        """Set the record's status and record the status event under the batch."""
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
                batch_id=self.row.id,
                at=self.now,
            )
        )

    def new_person(self, values: dict[str, Any], key: str, row: int) -> Person:
        """Add a person from the proposal's values, under the batch."""
        person = Person(
            source_id=self.source_id,
            source_key=key,
            batch_id=self.row.id,
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

    def join(self, person: Person, family: Family) -> Membership:
        """Open a membership of the person in the family, with its audit event."""
        membership = Membership(
            person_id=person.id,
            family_id=family.id,
            hub_keluarga=person.hub_keluarga,
            joined_at=self.now,
            joined_batch_id=self.row.id,
        )
        self.session.add(membership)
        self.session.flush()
        self.event(
            "membership.join",
            "membership",
            membership.id,
            family.kode_wilayah,
            None,
            membership_record(membership),
        )
        return membership

    def open_membership(self, person_id: int, family_id: int | None = None) -> Membership | None:
        """The person's current membership (in ``family_id`` if given), if any."""
        query = select(Membership).where(
            Membership.person_id == person_id, Membership.left_at.is_(None)
        )
        if family_id is not None:
            query = query.where(Membership.family_id == family_id)
        return self.session.scalars(query.order_by(Membership.id)).first()

    def leave(self, membership: Membership, reason: str, region: str | None) -> None:
        """Close a membership with ``reason``, with its audit event."""
        before = membership_record(membership)
        membership.left_at = self.now
        membership.left_reason = reason
        membership.left_batch_id = self.row.id
        self.session.flush()
        self.event(
            "membership.leave",
            "membership",
            membership.id,
            region,
            before,
            membership_record(membership),
        )

    def count(self, key: str) -> None:
        """One more family or person new or changed (the batch's counts)."""
        self.counts[key] += 1

    def finish(self) -> None:
        """Close the batch as completed, with its counts."""
        self.session.flush()
        self.row.status = "completed"
        self.row.finished_at = self.now
        for key, value in self.counts.items():
            setattr(self.row, key, value)


__all__ = [
    "FAMILY_CHANGED",
    "PERSON_CHANGED",
    "USULAN_SOURCE",
    "ProposalBatch",
    "ensure_usulan_source",
    "family_record",
    "membership_record",
    "person_record",
    "record_of",
]
