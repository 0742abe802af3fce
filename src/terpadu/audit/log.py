"""Appending to the audit log: canonical JSON, the hash chain, ``record_event``.

An event's hash is the sha256 of the canonical JSON (sorted keys, no spaces,
UTF-8) of its fields and the previous event's hash. ``record_event`` runs in
the caller's transaction: the event is written if and only if the change it
describes is committed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, Table, insert, select, update

from terpadu.regions import RegionCodeError, normalize_code
from terpadu.store.models.audit import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HEAD_ID = 1

EVENT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]
HEAD_TABLE: Table = AuditChainHead.__table__  # type: ignore[assignment]


@runtime_checkable
class ActorLike(Protocol):
    """Anything that says who acts: a username and a role (e.g. ``terpadu.verval.Actor``)."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write {type(value).__name__} to the audit log")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: the same value always gives the same text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def as_utc(value: dt.datetime | str) -> dt.datetime:
    """An aware UTC datetime (SQLite hands back naive UTC values, raw SQL gives text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def iso_utc(value: dt.datetime | str) -> str:
    """``2026-11-22T10:00:00.000000Z``: fixed width, so text order is time order."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    event_id: int,
    at: dt.datetime,
    actor: str,
    role: str | None,
    action: str,
    entity: str,
    entity_id: str | None,
    region: str | None,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> str:
    """The hash of one event: its content and the previous event's hash."""
    content = {
        "id": int(event_id),
        "at": iso_utc(at),
        "actor": actor,
        "role": role,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "region": region,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def row_hash(row: Mapping[str, Any]) -> str:
    """Recompute the hash of a stored ``audit_event`` row (a mapping of its columns)."""
    return event_hash(
        event_id=row["id"],
        at=row["at"],
        actor=row["actor"],
        role=row["role"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        region=row["region"],
        before=row["before"],
        after=row["after"],
        prev_hash=row["prev_hash"],
    )


def _region(region: str | None) -> str | None:
    if region is None or region == "":
        return None
    try:
        return normalize_code(region)
    except RegionCodeError:
        return str(region)[:10]


def _json_or_none(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def _lock_head(conn: Connection) -> tuple[int, str]:
    """Take the chain head's row lock and reserve the next id; (new id, previous hash).

    The UPDATE comes first so that the lock is taken before anything is read: on
    PostgreSQL a second appender waits on the row, on SQLite on the write lock.
    """
    bump = update(HEAD_TABLE).where(HEAD_TABLE.c.id == HEAD_ID)
    result = conn.execute(bump.values(last_id=HEAD_TABLE.c.last_id + 1))
    if result.rowcount == 0:
        # A schema made without the migration's seed row: start the chain now.
        conn.execute(insert(HEAD_TABLE).values(id=HEAD_ID, last_id=1, last_hash=GENESIS_HASH))
    row = conn.execute(
        select(HEAD_TABLE.c.last_id, HEAD_TABLE.c.last_hash).where(HEAD_TABLE.c.id == HEAD_ID)
    ).one()
    return int(row.last_id), str(row.last_hash)


def record_event(
    conn: Connection,
    *,
    actor: str | ActorLike,
    action: str,
    entity: str,
    entity_id: str | int | None,
    region: str | None,
    before: Any,
    after: Any,
    role: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Append one event to the audit log inside the caller's transaction; its id.

    ``actor`` is a username or an actor object (its role is recorded too);
    ``before`` and ``after`` are JSON-able values (dicts of the changed record),
    or None when the record did not exist before or does not after.
    Appends are serialised on the chain head's row, so concurrent writers chain
    correctly on PostgreSQL; a rolled-back transaction leaves no event.
    """
    if isinstance(actor, ActorLike):
        username, role = actor.username, role or actor.role
    else:
        username = str(actor)
    when = as_utc(at or dt.datetime.now(dt.UTC))
    before_text = _json_or_none(before)
    after_text = _json_or_none(after)
    key = None if entity_id is None else str(entity_id)
    code = _region(region)
    event_id, prev_hash = _lock_head(conn)
    # The columns of the row are exactly what the hash covers (event_hash's names but id).
    content: dict[str, Any] = {
        "at": when,
        "actor": username,
        "role": role,
        "action": action,
        "entity": entity,
        "entity_id": key,
        "region": code,
        "before": before_text,
        "after": after_text,
        "prev_hash": prev_hash,
    }
    digest = event_hash(event_id=event_id, **content)
    conn.execute(insert(EVENT_TABLE).values(id=event_id, hash=digest, **content))
    conn.execute(
        update(HEAD_TABLE)
        .where(HEAD_TABLE.c.id == HEAD_ID)
        .values(last_hash=digest, updated_at=when)
    )
    return event_id


@dataclass(frozen=True)
class Event:
    """One event for :func:`record_events`: the fields :func:`record_event` takes."""

    action: str
    entity: str
    entity_id: str | int | None
    region: str | None
    before: Any
    after: Any


def record_events(
    conn: Connection,
    events: Sequence[Event],
    *,
    actor: str | ActorLike,
    role: str | None = None,
    at: dt.datetime | None = None,
) -> list[int]:
    """Append many events by one actor at one time, in order; their ids.

    The same events, hashes and chain as :func:`record_event` called once per event, written
    with one lock on the chain head, one multi-row insert and one head update (a link run
    raising a hundred thousand draft proposals: minutes one by one, seconds this way).
    """
    if not events:
        return []
    if isinstance(actor, ActorLike):
        username, role = actor.username, role or actor.role
    else:
        username = str(actor)
    when = as_utc(at or dt.datetime.now(dt.UTC))
    bump = update(HEAD_TABLE).where(HEAD_TABLE.c.id == HEAD_ID)
    result = conn.execute(bump.values(last_id=HEAD_TABLE.c.last_id + len(events)))
    if result.rowcount == 0:
        conn.execute(
            insert(HEAD_TABLE).values(id=HEAD_ID, last_id=len(events), last_hash=GENESIS_HASH)
        )
    head = conn.execute(
        select(HEAD_TABLE.c.last_id, HEAD_TABLE.c.last_hash).where(HEAD_TABLE.c.id == HEAD_ID)
    ).one()
    first_id = int(head.last_id) - len(events) + 1
    prev_hash = str(head.last_hash)
    rows: list[dict[str, Any]] = []
    for offset, event in enumerate(events):
        row: dict[str, Any] = {
            "id": first_id + offset,
            "at": when,
            "actor": username,
            "role": role,
            "action": event.action,
            "entity": event.entity,
            "entity_id": None if event.entity_id is None else str(event.entity_id),
            "region": _region(event.region),
            "before": _json_or_none(event.before),
            "after": _json_or_none(event.after),
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = row_hash(row)
        rows.append(row)
    for start in range(0, len(rows), _CHUNK):
        conn.execute(insert(EVENT_TABLE), rows[start : start + _CHUNK])
    conn.execute(
        update(HEAD_TABLE)
        .where(HEAD_TABLE.c.id == HEAD_ID)
        .values(last_hash=prev_hash, updated_at=when)
    )
    return [r["id"] for r in rows]


#: Rows per executemany call (bounds the driver's parameter buffers).
_CHUNK = 10_000


def common_region(codes: Iterable[str | None]) -> str | None:
    """The smallest region (province, kab/kota, kecamatan or desa) holding every code.

    For events about many records, e.g. an import batch: ``None`` when the codes
    span provinces (or there are none).
    """
    found: str | None = None
    for code in codes:
        if not code:
            continue
        digits = str(code).replace(".", "")
        found = digits if found is None else _shared(found, digits)
        if found is None:
            return None
    return found


def _shared(a: str, b: str) -> str | None:
    for size in (10, 6, 4, 2):
        if len(a) >= size and len(b) >= size and a[:size] == b[:size]:
            return a[:size]
    return None


def chain_head(conn: Connection) -> tuple[int, str]:
    """The last event's id and hash (0 and the genesis hash for an empty log).

    Write it down outside the database (an edition records it) to anchor later checks.
    """
    row = conn.execute(
        select(HEAD_TABLE.c.last_id, HEAD_TABLE.c.last_hash).where(HEAD_TABLE.c.id == HEAD_ID)
    ).first()
    if row is None:
        return 0, GENESIS_HASH
    return int(row.last_id), str(row.last_hash)


__all__ = [
    "GENESIS_HASH",
    "ActorLike",
    "Event",
    "canonical_json",
    "chain_head",
    "common_region",
    "event_hash",
    "iso_utc",
    "record_event",
    "record_events",
    "row_hash",
]
