"""A person's request to correct their data (UU PDP art. 6) as a verval proposal.

The request does not change the registry: it becomes a draft correction proposal of the
desa, with the person's own statement as its note, and goes through the same review as
any other proposal (docs/verval.md). Only the desa operator of the person's current
family records it (the proposal's own rules).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from terpadu.access import Actor
from terpadu.store.ids import person_code
from terpadu.store.models import Family, Membership, Person
from terpadu.subjects.errors import SubjectNotFound
from terpadu.subjects.report import check_nik_text
from terpadu.verval import create_proposal
from terpadu.verval.errors import InvalidProposal

NOTE_PREFIX = "Permintaan koreksi oleh subjek data (UU PDP). Pernyataan pemohon: "


def _current_records(engine: Engine, actor: Actor, nik: str) -> list[tuple[int, int]]:
    """(person id, current family id) of the active rows with ``nik`` in the actor's region."""
    query = (
        select(Person.id, Membership.family_id, Family.kode_wilayah)
        .join(Membership, Membership.person_id == Person.id)
        .join(Family, Family.id == Membership.family_id)
        .where(Person.nik == nik, Membership.left_at.is_(None), Person.status == "aktif")
        .order_by(Person.id)
    )
    with engine.connect() as conn:
        return [(int(p), int(f)) for p, f, code in conn.execute(query) if actor.covers(code)]


def request_correction(
    engine: Engine,
    actor: Actor,
    nik: str,
    values: dict[str, Any],
    statement: str,
    *,
    person_id: int | None = None,
) -> int:
    """Record the person's correction request as a draft proposal; its id.

    ``values``: the fields as the person says they should be; ``statement``: their words
    (why, and what they showed), kept as the proposal's note. ``person_id`` chooses the
    row when the NIK is held more than once in the region.
    """
    nik = check_nik_text(nik)
    words = " ".join(statement.split())
    if not words:
        raise InvalidProposal("Pernyataan pemohon harus diisi.")
    records = _current_records(engine, actor, nik)
    if person_id is not None:
        records = [r for r in records if r[0] == person_id]
    if not records:
        raise SubjectNotFound()
    if len(records) > 1:
        codes = ", ".join(person_code(p) for p, _ in records)
        raise InvalidProposal(
            f"NIK ini tercatat lebih dari sekali di wilayah Anda ({codes}); pilih salah satu."
        )
    person, family = records[0]
    return create_proposal(
        engine,
        actor,
        "correct",
        family_id=family,
        person_id=person,
        values=values,
        note=NOTE_PREFIX + words,
    )


__all__ = ["NOTE_PREFIX", "request_correction"]
