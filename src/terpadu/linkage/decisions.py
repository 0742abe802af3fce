"""Clerks' decisions and undoing merges: nothing is deleted, every later run obeys.

``unmerge`` splits a resolved person (PERSON_ID) into its registrations, or takes one
registration (ID_ANGGOTA, or ``#<person row id>``) out of its person, records a "different"
decision for each separated pair (so later runs never rejoin them), marks the merges undone,
gives separated registrations new PERSON_IDs, and writes an audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from terpadu.audit import record_event
from terpadu.errors import TerpaduError
from terpadu.linkage import store as S
from terpadu.store.ids import parse_code, person_code


class LinkageError(TerpaduError):
    """A linkage request that cannot be carried out; the message says why (Bahasa)."""

    code = "linkage_error"


@dataclass(frozen=True)
class Unmerged:
    """What an unmerge did: the PERSON_ID it started from and the new ones."""

    resolved_person_id: int
    separated: list[int]  # person (registration) row ids taken out
    new_ids: dict[int, int]  # registration → its new resolved id
    decisions: int


def _audit(
    conn: Connection, actor: str, action: str, entity_id: int, before: Any, after: Any
) -> None:
    record_event(
        conn,
        actor=actor,
        action=action,
        entity="resolved_person",
        entity_id=person_code(entity_id),
        region=None,
        before=before,
        after=after,
    )


def record_decision(
    conn: Connection,
    a: int,
    b: int,
    decision: str,
    *,
    actor: str,
    origin: str,
    note: str | None = None,
    review_pair_id: int | None = None,
) -> None:
    """Store a same/different decision on a pair of registrations (newest wins)."""
    if decision not in ("same", "different"):
        raise LinkageError(f"keputusan harus 'same' atau 'different', bukan {decision!r}")
    lo, hi = sorted((int(a), int(b)))
    conn.execute(
        S.DECISION.insert().values(
            person_a=lo,
            person_b=hi,
            decision=decision,
            origin=origin,
            actor=actor,
            note=note,
            review_pair_id=review_pair_id,
            created_at=dt.datetime.now(dt.UTC),
        )
    )


def _find_registrations(conn: Connection, target: str) -> tuple[int, list[int]]:
    """(resolved id, registration ids to separate) for a PERSON_ID or a registration."""
    person = S.PERSON
    code = parse_code(target)
    if code is not None and code[0] == "person":
        rid = code[1]
        members = [
            int(i)
            for (i,) in conn.execute(select(person.c.id).where(person.c.resolved_person_id == rid))
        ]
        if not members:
            raise LinkageError(f"{target}: tidak ada pendaftaran dengan PERSON_ID ini")
        return rid, members
    if target.startswith("#") and target[1:].isdigit():
        cond = person.c.id == int(target[1:])
    else:
        cond = person.c.id_anggota == target
    rows = conn.execute(select(person.c.id, person.c.resolved_person_id).where(cond)).all()
    if not rows:
        raise LinkageError(f"{target}: pendaftaran (ID_ANGGOTA) tidak ditemukan")
    if len(rows) > 1:
        raise LinkageError(
            f"{target}: lebih dari satu pendaftaran; pakai #<id baris> atau PERSON_ID"
        )
    pid, rid = rows[0]
    if rid is None:
        raise LinkageError(code="not_linked", target=target)
    return int(rid), [int(pid)]


def unmerge(
    engine: Engine, target: str, *, actor: str = "system", note: str | None = None
) -> Unmerged:
    """Split a PERSON_ID into its registrations, or take one registration out of its person."""
    person = S.PERSON
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        rid, chosen = _find_registrations(conn, target.strip())
        members = [
            int(i)
            for (i,) in conn.execute(
                select(person.c.id).where(person.c.resolved_person_id == rid).order_by(person.c.id)
            )
        ]
        if len(members) < 2:
            raise LinkageError(
                f"{person_code(rid)} hanya punya satu pendaftaran; tidak ada yang dipisah"
            )
        whole = set(chosen) == set(members)
        # Splitting a whole person: the oldest registration keeps the PERSON_ID.
        separated = members[1:] if whole else chosen
        stay = [m for m in members if m not in separated]
        if whole:
            pairs = [(x, y) for i, x in enumerate(members) for y in members[i + 1 :]]
        else:
            pairs = [(x, y) for x in separated for y in stay]
        for x, y in pairs:
            record_decision(conn, x, y, "different", actor=actor, origin="unmerge", note=note)
        count = len(pairs)
        next_id = S.next_resolved_id(conn)
        new_ids: dict[int, int] = {}
        for s in separated:
            new_ids[s] = next_id
            conn.execute(
                S.RESOLVED.insert().values(
                    id=next_id,
                    status="aktif",
                    registrations=1,
                    provenance={"split_from": rid},
                    created_at=now,
                    updated_at=now,
                )
            )
            conn.execute(update(person).where(person.c.id == s).values(resolved_person_id=next_id))
            next_id += 1
        S.sync_sequence(conn)
        conn.execute(
            update(S.MERGE)
            .where(
                S.MERGE.c.person_id.in_(members),
                S.MERGE.c.resolved_person_id == rid,
                S.MERGE.c.undone_at.is_(None),
            )
            .where(
                S.MERGE.c.person_id.in_(separated) if not whole else S.MERGE.c.id == S.MERGE.c.id
            )
            .values(undone_at=now, undone_by=actor, undone_reason=note or "unmerge")
        )
        left = conn.execute(
            select(func.count()).select_from(person).where(person.c.resolved_person_id == rid)
        ).scalar()
        conn.execute(
            update(S.RESOLVED)
            .where(S.RESOLVED.c.id == rid)
            .values(registrations=int(left or 0), updated_at=now)
        )
        _audit(
            conn,
            actor,
            "linkage.unmerge",
            rid,
            {"registrations": members},
            {"kept": stay, "separated": {str(k): person_code(v) for k, v in new_ids.items()}},
        )
    return Unmerged(rid, separated, new_ids, count)
