"""Checking the audit chain: which event was altered, inserted or deleted.

Verification reads the stored rows and recomputes every hash; it does not rely
on the database's triggers, so tampering by someone who dropped them (or wrote
to the file directly) is still found.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Engine, select

from terpadu.audit.anchor import Anchor, check_anchor
from terpadu.audit.log import EVENT_TABLE, GENESIS_HASH, chain_head, row_hash
from terpadu.store.models.verval import Edition

ProblemKind = Literal[
    "altered", "inserted", "deleted", "broken_link", "rewound", "anchor_mismatch", "anchor_invalid"
]
FETCH_ROWS = 50_000
EDITION = Edition.__table__


@dataclass(frozen=True)
class ChainProblem:
    """One finding: the event it concerns, what kind of tampering, and a message (Bahasa)."""

    event_id: int
    kind: ProblemKind
    message: str


@dataclass
class ChainReport:
    """The result of :func:`verify_chain`."""

    checked: int
    head_id: int
    head_hash: str
    problems: list[ChainProblem] = field(default_factory=list)
    #: Where each anchor checked came from (file or edition), in the order checked.
    anchors_checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def event_ids(self, kind: ProblemKind | None = None) -> list[int]:
        """Ids of the events named in the problems (of one kind, if given)."""
        return sorted({p.event_id for p in self.problems if kind is None or p.kind == kind})


def _rows(conn: Connection) -> Iterator[dict[str, Any]]:
    result = conn.execution_options(stream_results=True).execute(
        select(EVENT_TABLE).order_by(EVENT_TABLE.c.id)
    )
    while chunk := result.mappings().fetchmany(FETCH_ROWS):
        for row in chunk:
            yield dict(row)


def verify_chain(
    source: Engine | Connection,
    anchors: Sequence[tuple[str, Anchor]] = (),
    key: bytes | None = None,
) -> ChainReport:
    """Recompute the whole chain and report every event that does not fit.

    - *altered*: an event's content no longer matches its hash, or its hash was
      recomputed (the next event still holds the original one);
    - *deleted*: ids are given without gaps, so a missing id is a deleted event
      (also at the end, against the chain head);
    - *inserted*: an event beyond the chain head, or with an id the log never gives;
    - *broken_link*: an event whose previous-hash does not match the event before it;
    - *rewound* / *anchor_mismatch* / *anchor_invalid*: against ``anchors`` (name, anchor)
      kept outside the database: the chain was cut back below an anchor, the anchored
      event was rewritten, or (with ``key``) an anchor's signature does not hold.
    """
    if isinstance(source, Engine):
        with source.connect() as conn:
            return verify_chain(conn, anchors, key)
    conn = source
    head_id, head_hash = chain_head(conn)
    report = ChainReport(checked=0, head_id=head_id, head_hash=head_hash)
    problems = report.problems
    expected_id = 1
    prev_hash = GENESIS_HASH
    prev_id: int | None = None
    prev_consistent = True
    last_chained_hash = GENESIS_HASH
    last_chained_id = 0
    for row in _rows(conn):
        report.checked += 1
        event_id = int(row["id"])
        consistent = row_hash(row) == row["hash"]
        if event_id > head_id or event_id < 1:
            problems.append(
                ChainProblem(
                    event_id,
                    "inserted",
                    f"Event #{event_id} disisipkan: di luar rantai (kepala rantai #{head_id}).",
                )
            )
            continue
        if not consistent:
            problems.append(
                ChainProblem(
                    event_id,
                    "altered",
                    f"Event #{event_id} diubah: isinya tidak cocok dengan hash-nya.",
                )
            )
        gap = event_id > expected_id
        if gap:
            missing = (
                f"#{expected_id}"
                if event_id - expected_id == 1
                else f"#{expected_id}–#{event_id - 1}"
            )
            problems.append(
                ChainProblem(
                    expected_id,
                    "deleted",
                    f"Event {missing} dihapus: nomor hilang sebelum event #{event_id}.",
                )
            )
        if row["prev_hash"] != prev_hash and not gap:
            if prev_id is not None and prev_consistent and consistent:
                # Both rows agree with themselves: the earlier one was rewritten
                # with a recomputed hash; the later one still holds the original.
                problems.append(
                    ChainProblem(
                        prev_id,
                        "altered",
                        f"Event #{prev_id} diubah dan hash-nya dihitung ulang: event "
                        f"#{event_id} masih mencatat hash aslinya.",
                    )
                )
            problems.append(
                ChainProblem(
                    event_id,
                    "broken_link",
                    f"Event #{event_id}: hash sebelumnya tidak cocok dengan event "
                    f"#{prev_id if prev_id is not None else 0}.",
                )
            )
        prev_hash = str(row["hash"])
        prev_id = event_id
        prev_consistent = consistent
        expected_id = event_id + 1
        last_chained_id, last_chained_hash = event_id, prev_hash
    if last_chained_id < head_id:
        missing = (
            f"#{head_id}"
            if head_id - last_chained_id == 1
            else f"#{last_chained_id + 1}–#{head_id}"
        )
        problems.append(
            ChainProblem(
                last_chained_id + 1,
                "deleted",
                f"Event {missing} dihapus: kepala rantai menunjuk ke event #{head_id}.",
            )
        )
    elif head_id and last_chained_hash != head_hash:
        problems.append(
            ChainProblem(
                head_id,
                "altered",
                f"Event #{head_id} diubah: hash-nya berbeda dari yang dicatat kepala rantai.",
            )
        )
    problems.extend(_anchor_problems(conn))
    for origin, anchor in anchors:
        report.anchors_checked.append(origin)
        for finding in check_anchor(conn, anchor, origin, key):
            problems.append(ChainProblem(finding.event_id, finding.kind, finding.message))
    return report


def _anchor_problems(conn: Connection) -> list[ChainProblem]:
    """Chain heads written into published editions must still be in the chain."""
    found: list[ChainProblem] = []
    anchors = conn.execute(
        select(EDITION.c.period, EDITION.c.audit_last_id, EDITION.c.audit_last_hash).where(
            EDITION.c.audit_last_id > 0
        )
    ).all()
    for period, event_id, recorded in anchors:
        stored = conn.execute(
            select(EVENT_TABLE.c.hash).where(EVENT_TABLE.c.id == event_id)
        ).scalar()
        if stored is None:
            found.append(
                ChainProblem(
                    int(event_id),
                    "rewound",
                    f"Event #{event_id} yang dicatat edisi {period} tidak ada lagi: "
                    "rantai diputar mundur sesudah edisi itu terbit.",
                )
            )
        elif stored != recorded:
            found.append(
                ChainProblem(
                    int(event_id),
                    "altered",
                    f"Event #{event_id} tidak cocok dengan hash yang dicatat edisi {period}: "
                    "log ditulis ulang sesudah edisi itu terbit.",
                )
            )
    return found


__all__ = ["ChainProblem", "ChainReport", "verify_chain"]
