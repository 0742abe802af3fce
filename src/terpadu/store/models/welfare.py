"""Welfare ranking results: each ranking run, and every family's score, rank and profile.

A run is never overwritten: ranking again marks the previous rows
``is_current = 0`` and keeps them, and the run row records the model version,
the engine, the snapshot's checksum and the deprivation configuration, so any
past ranking can be traced and reproduced.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class WelfareRun(Base):
    """One ranking of the registry: which model, which data, which engine, when."""

    __tablename__ = "welfare_run"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    model_version: Mapped[str] = mapped_column(String(100))
    model_kind: Mapped[str] = mapped_column(String(10))  # ols, lgbm
    model_sha256: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(10))  # duckdb, spark
    snapshot_path: Mapped[str | None] = mapped_column(Text)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    reference_date: Mapped[dt.date] = mapped_column(Date)
    deprivation_config: Mapped[str] = mapped_column(Text)
    deprivation_sha256: Mapped[str] = mapped_column(String(64))
    families_ranked: Mapped[int] = mapped_column(Integer, default=0)
    families_skipped: Mapped[int] = mapped_column(Integer, default=0)
    edition_id: Mapped[int | None] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FamilyWelfare(Base):
    """A family's PMT score, national percentile and desil, ranks and deprivation in one run."""

    __tablename__ = "family_welfare"
    __table_args__ = (Index("ix_family_welfare_current", "family_id", "is_current"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("welfare_run.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"))
    is_current: Mapped[int] = mapped_column(Integer, default=1)  # 1 for the latest run, else 0
    model_version: Mapped[str] = mapped_column(String(100))
    ranked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    edition_id: Mapped[int | None] = mapped_column(BigInteger)
    kode_provinsi: Mapped[str] = mapped_column(String(2))
    kode_kabkota: Mapped[str] = mapped_column(String(4))
    pmt_score: Mapped[float] = mapped_column(Float)  # predicted ln consumption per capita
    persentil: Mapped[int] = mapped_column(SmallInteger)  # 1-100, over the run (registry-relative)
    desil: Mapped[int] = mapped_column(SmallInteger)  # 1-10, over the run (registry-relative)
    rank_nasional: Mapped[int] = mapped_column(Integer)  # 1 = poorest
    rank_provinsi: Mapped[int] = mapped_column(Integer)
    rank_kabkota: Mapped[int] = mapped_column(Integer)
    skor_deprivasi: Mapped[float] = mapped_column(Float)  # 0-1, Alkire-Foster weighted score
    dimensi_deprivasi: Mapped[str | None] = mapped_column(Text)  # ';'-joined dimensions
    indikator_deprivasi: Mapped[str | None] = mapped_column(Text)  # ';'-joined indicators
    skor_dimensi: Mapped[str] = mapped_column(Text)  # JSON: dimension → weighted part
    miskin_multidimensi: Mapped[int] = mapped_column(SmallInteger)  # score ≥ k


__all__ = ["FamilyWelfare", "WelfareRun"]
