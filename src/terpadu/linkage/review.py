"""Clerical review: pairs the model is unsure about, shown side by side with the evidence.

A pair whose match probability falls in the review band (below the link threshold, at or above
the floor) is queued with each comparison's level and match weight. A clerk decides ``same``,
``different`` or ``skip``; same/different is stored as a decision that every later
``terpadu link`` applies (forced link / never linked). The terminal, scripts and the web page
all call these functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, select, update

from terpadu.audit import record_event
from terpadu.linkage import store as S
from terpadu.linkage.decisions import LinkageError, record_decision
from terpadu.store.models import Family, Membership, Person

DECISIONS: Final = ("same", "different", "skip")
SHOWN_FIELDS: Final = (
    "id_anggota",
    "nik",
    "nama",
    "tgl_lahir",
    "jenis_kelamin",
    "nama_ibu_kandung",
    "kode_wilayah",
    "no_kk",
    "status",
)


@dataclass(frozen=True)
class ReviewItem:
    """One queued pair: both registrations' fields and the per-comparison explanation."""

    id: int
    match_probability: float
    match_weight: float
    state: str
    left: dict[str, Any]
    right: dict[str, Any]
    explanation: list[dict[str, Any]]
    decision: str | None = None


def _records(conn: Any, ids: list[int]) -> dict[int, dict[str, Any]]:
    p, m, f = Person.__table__, Membership.__table__, Family.__table__
    rows = conn.execute(
        select(
            p.c.id,
            p.c.id_anggota,
            p.c.nik,
            p.c.nama,
            p.c.tgl_lahir,
            p.c.jenis_kelamin,
            p.c.nama_ibu_kandung,
            f.c.kode_wilayah,
            f.c.no_kk,
            p.c.status,
        )
        .select_from(
            p.outerjoin(m, (m.c.person_id == p.c.id) & m.c.left_at.is_(None)).outerjoin(
                f, f.c.id == m.c.family_id
            )
        )
        .where(p.c.id.in_(ids))
    ).all()
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        values = dict(zip(("person_id", *SHOWN_FIELDS), row, strict=True))
        if isinstance(values["tgl_lahir"], dt.date):
            values["tgl_lahir"] = values["tgl_lahir"].isoformat()
        out.setdefault(int(row[0]), values)
    return out


def list_review(
    engine: Engine, *, state: str = "pending", limit: int | None = 50, region: str | None = None
) -> list[ReviewItem]:
    """Queued pairs in ``state``, likeliest matches first; optionally within a region code."""
    r = S.REVIEW
    query = select(r).where(r.c.state == state).order_by(r.c.match_probability.desc(), r.c.id)
    if region:
        query = query.where(r.c.kode_wilayah.like(f"{region}%"))
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        pairs = conn.execute(query).mappings().all()
        records = _records(
            conn, [int(x["person_a"]) for x in pairs] + [int(x["person_b"]) for x in pairs]
        )
    return [
        ReviewItem(
            id=int(x["id"]),
            match_probability=float(x["match_probability"]),
            match_weight=float(x["match_weight"]),
            state=str(x["state"]),
            left=records.get(int(x["person_a"]), {"person_id": x["person_a"]}),
            right=records.get(int(x["person_b"]), {"person_id": x["person_b"]}),
            explanation=list(x["explanation"] or []),
            decision=x["decision"],
        )
        for x in pairs
    ]


def get_review(engine: Engine, pair_id: int) -> ReviewItem:
    """One queued pair by id, whatever its state."""
    for state in ("pending", "decided", "skipped", "stale"):
        for item in list_review(engine, state=state, limit=None):
            if item.id == pair_id:
                return item
    raise LinkageError(f"pasangan {pair_id} tidak ada di antrean review")


def decide_review(
    engine: Engine, pair_id: int, decision: str, *, actor: str = "system", note: str | None = None
) -> ReviewItem:
    """Record a clerk's decision on a queued pair (same / different / skip)."""
    decision = decision.strip().lower()
    aliases = {"sama": "same", "beda": "different", "berbeda": "different", "lewati": "skip"}
    decision = aliases.get(decision, decision)
    if decision not in DECISIONS:
        raise LinkageError(f"keputusan harus salah satu dari {', '.join(DECISIONS)}")
    r = S.REVIEW
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        row = conn.execute(select(r).where(r.c.id == pair_id)).mappings().first()
        if row is None:
            raise LinkageError(f"pasangan {pair_id} tidak ada di antrean review")
        if row["state"] == "decided":
            raise LinkageError(f"pasangan {pair_id} sudah diputuskan ({row['decision']})")
        state = "skipped" if decision == "skip" else "decided"
        conn.execute(
            update(r)
            .where(r.c.id == pair_id)
            .values(
                state=state,
                decision=None if decision == "skip" else decision,
                decided_by=actor,
                decided_at=now,
            )
        )
        if decision != "skip":
            record_decision(
                conn,
                row["person_a"],
                row["person_b"],
                decision,
                actor=actor,
                origin="review",
                note=note,
                review_pair_id=pair_id,
            )
        # A skip changes the queue too (the pair leaves it): audited like a decision.
        record_event(
            conn,
            actor=actor,
            action="linkage.review",
            entity="review_pair",
            entity_id=pair_id,
            region=row["kode_wilayah"],
            before={"state": row["state"]},
            after={
                "decision": decision,
                "person_a": row["person_a"],
                "person_b": row["person_b"],
            },
        )
    return get_review(engine, pair_id)
