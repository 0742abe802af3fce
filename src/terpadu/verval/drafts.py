"""System-raised drafts, written set-wise inside the caller's transaction.

Linkage and the civil-registry check raise many drafts at once (deactivate a
family or person, or ask the desa to fill values); they are written in chunks on
the caller's connection so they land, or not, with the run that found them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from terpadu.access import OPERATOR_DESA
from terpadu.audit import Event, record_events
from terpadu.store.models import Family, Membership, Person
from terpadu.store.models.verval import Proposal, ProposalStep
from terpadu.verval.errors import InvalidProposal
from terpadu.verval.kinds import DEACTIVATE, DRAFT, REMOVE_MEMBER, parse_reason, plain_text
from terpadu.verval.records import RECORD_FIELDS, now_or


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
_STEP_TABLE: Table = ProposalStep.__table__  # type: ignore[assignment]


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
    when = now_or(now)
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
        after = {k: row.get(k) for k in RECORD_FIELDS} | {"id": pid}
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


__all__ = [
    "Draft",
    "create_drafts",
]
