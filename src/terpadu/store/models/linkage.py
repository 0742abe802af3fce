"""Identity-resolution tables: link runs, resolved persons, merges, decisions, review, Dukcapil.

Nothing here is ever deleted. A resolved person (PERSON_ID) that no cluster claims any more is
marked ``superseded``; a merge that is undone keeps its row with ``undone_at``; a clerk's
decision on a pair is superseded by a later decision on the same pair, never removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class LinkRun(Base):
    """One resolution of the whole registry: model, engine, threshold and what changed."""

    __tablename__ = "link_run"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="running")  # running, completed, failed
    actor: Mapped[str] = mapped_column(String(100), default="system")
    engine: Mapped[str] = mapped_column(String(10))
    model_version: Mapped[int] = mapped_column(Integer)
    model_path: Mapped[str] = mapped_column(Text)
    retrained: Mapped[int] = mapped_column(SmallInteger, default=0)
    threshold: Mapped[float] = mapped_column(Float)
    review_floor: Mapped[float] = mapped_column(Float)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    pairs_scored: Mapped[int] = mapped_column(Integer, default=0)
    pairs_linked: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    merged_clusters: Mapped[int] = mapped_column(Integer, default=0)
    merges_new: Mapped[int] = mapped_column(Integer, default=0)
    ids_new: Mapped[int] = mapped_column(Integer, default=0)
    review_queued: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # trained, stored, previous or default (the shipped model), and why (migration 0004a)
    model_source: Mapped[str | None] = mapped_column(String(20))
    model_notes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class ResolvedPerson(Base):
    """One real person (PERSON_ID): the golden record and where each value came from."""

    __tablename__ = "resolved_person"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="aktif")  # aktif, superseded
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    nama: Mapped[str | None] = mapped_column(String(200))
    tgl_lahir: Mapped[dt.date | None] = mapped_column(Date)
    jenis_kelamin: Mapped[int | None] = mapped_column(SmallInteger)
    nama_ibu_kandung: Mapped[str | None] = mapped_column(String(200))
    kode_wilayah: Mapped[str | None] = mapped_column(String(10))
    registrations: Mapped[int] = mapped_column(Integer, default=1)
    # field -> {"person_id", "source": "dukcapil" | "registry", "batch_id" | "check_id"}
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_run_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_run_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LinkMerge(Base):
    """A registration joined to a resolved person: by which run, how sure, undone or not."""

    __tablename__ = "link_merge"
    __table_args__ = (
        Index("ix_link_merge_resolved", "resolved_person_id"),
        Index("ix_link_merge_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(BigInteger)
    resolved_person_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int] = mapped_column(BigInteger)
    via_person_id: Mapped[int | None] = mapped_column(BigInteger)
    match_probability: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(20))  # model, review
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(100))
    undone_reason: Mapped[str | None] = mapped_column(Text)


class LinkDecision(Base):
    """A person's judgement on a pair of registrations: same or different person.

    The newest decision on a pair (``person_a`` < ``person_b``) holds; every run applies it
    (same: forced link; different: never in one cluster).
    """

    __tablename__ = "link_decision"
    __table_args__ = (Index("ix_link_decision_pair", "person_a", "person_b"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_a: Mapped[int] = mapped_column(BigInteger)
    person_b: Mapped[int] = mapped_column(BigInteger)
    decision: Mapped[str] = mapped_column(String(10))  # same, different
    origin: Mapped[str] = mapped_column(String(20))  # review, unmerge
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    review_pair_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReviewPair(Base):
    """A pair in the uncertainty band, waiting for a clerk, with its explanation."""

    __tablename__ = "review_pair"
    __table_args__ = (
        Index("ix_review_pair_state", "state"),
        Index("ix_review_pair_pair", "person_a", "person_b"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(BigInteger)
    person_a: Mapped[int] = mapped_column(BigInteger)
    person_b: Mapped[int] = mapped_column(BigInteger)
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    # [{"comparison", "level", "weight", "left", "right"}]
    explanation: Mapped[list[Any] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # pending, decided, skipped, stale
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    kode_wilayah: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DukcapilCheck(Base):
    """One check of the registry against a civil-registry (Dukcapil) extract."""

    __tablename__ = "dukcapil_check"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_unreadable: Mapped[int] = mapped_column(Integer, default=0)
    persons_checked: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DukcapilResult(Base):
    """What the civil registry says about one registry person in one check."""

    __tablename__ = "dukcapil_result"
    __table_args__ = (
        Index("ix_dukcapil_result_person", "person_id"),
        Index("ix_dukcapil_result_check", "check_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    check_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int] = mapped_column(BigInteger)
    # codes of terpadu.identity.findings, ';'-joined: ok, nik_kosong, nik_tidak_ditemukan, ...
    findings: Mapped[str] = mapped_column(String(200))
    found: Mapped[int] = mapped_column(SmallInteger, default=0)
    nik: Mapped[str | None] = mapped_column(String(16))
    nama: Mapped[str | None] = mapped_column(String(200))
    tgl_lahir: Mapped[dt.date | None] = mapped_column(Date)
    jenis_kelamin: Mapped[int | None] = mapped_column(SmallInteger)
    no_kk: Mapped[str | None] = mapped_column(String(16))
    alive: Mapped[int | None] = mapped_column(SmallInteger)
    tgl_meninggal: Mapped[dt.date | None] = mapped_column(Date)
    suggested_nik: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[float | None] = mapped_column(Float)
    proposal_id: Mapped[int | None] = mapped_column(BigInteger)
    kode_wilayah: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)


__all__ = [
    "DukcapilCheck",
    "DukcapilResult",
    "LinkDecision",
    "LinkMerge",
    "LinkRun",
    "ResolvedPerson",
    "ReviewPair",
]
