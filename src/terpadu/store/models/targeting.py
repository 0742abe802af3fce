"""Targeting results: each allocation run, its enrolments and its quota accounting.

A run is never overwritten: running the same programme and period again marks
the previous run ``is_current = 0`` (status ``diganti``, with the id of the run
that replaced it) and keeps it and its enrolments, so every past beneficiary
list can be traced to the programme version, the registry edition (or snapshot
checksum), the welfare ranking and the quota file it came from.
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


class TargetingRun(Base):
    """One allocation of a programme for a period: what rules, which data, which quotas."""

    __tablename__ = "targeting_run"
    __table_args__ = (Index("ix_targeting_run_program", "program", "period", "is_current"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    program: Mapped[str] = mapped_column(String(50))
    program_version: Mapped[str] = mapped_column(String(50))
    program_sha256: Mapped[str] = mapped_column(String(64))
    program_config: Mapped[str] = mapped_column(Text)  # the YAML text as applied
    period: Mapped[str] = mapped_column(String(20))
    reference_date: Mapped[dt.date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(10))  # duckdb, spark
    edition_id: Mapped[int | None] = mapped_column(BigInteger)
    edition_period: Mapped[str | None] = mapped_column(String(20))
    snapshot_path: Mapped[str | None] = mapped_column(Text)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    welfare_run_id: Mapped[int | None] = mapped_column(BigInteger)
    quota_file: Mapped[str | None] = mapped_column(Text)
    quota_sha256: Mapped[str | None] = mapped_column(String(64))
    quota_total: Mapped[int] = mapped_column(BigInteger, default=0)
    families_assessed: Mapped[int] = mapped_column(BigInteger, default=0)
    families_eligible: Mapped[int] = mapped_column(BigInteger, default=0)
    families_enrolled: Mapped[int] = mapped_column(BigInteger, default=0)
    total_nominal: Mapped[int] = mapped_column(BigInteger, default=0)
    decisions_path: Mapped[str | None] = mapped_column(Text)
    decisions_sha256: Mapped[str | None] = mapped_column(String(64))
    enrolled_sha256: Mapped[str] = mapped_column(String(64))  # over the sorted family ids
    is_current: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="berlaku")  # berlaku, diganti
    replaces_run_id: Mapped[int | None] = mapped_column(BigInteger)
    replaced_by_run_id: Mapped[int | None] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Enrolment(Base):
    """A family enrolled in a programme for a period by one run (kepesertaan)."""

    __tablename__ = "enrolment"
    __table_args__ = (
        Index("ix_enrolment_program", "program", "period", "is_current"),
        Index("ix_enrolment_family", "family_id"),
        Index("ix_enrolment_nik", "nik_penerima"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("targeting_run.id"), index=True)
    program: Mapped[str] = mapped_column(String(50))
    program_version: Mapped[str] = mapped_column(String(50))
    period: Mapped[str] = mapped_column(String(20))
    family_id: Mapped[int] = mapped_column(BigInteger)
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    kuota_wilayah: Mapped[str] = mapped_column(String(10))  # the quota region it counts against
    penerima_person_id: Mapped[int | None] = mapped_column(BigInteger)
    nik_penerima: Mapped[str | None] = mapped_column(String(16))
    nama_penerima: Mapped[str | None] = mapped_column(String(200))
    desil: Mapped[int | None] = mapped_column(SmallInteger)
    pmt_score: Mapped[float | None] = mapped_column(Float)
    skor_deprivasi: Mapped[float | None] = mapped_column(Float)
    peringkat: Mapped[int] = mapped_column(Integer)  # rank within the quota region, 1 = poorest
    komponen: Mapped[str | None] = mapped_column(Text)  # 'code:n;...' (PKH components)
    nominal: Mapped[int] = mapped_column(BigInteger)  # Rupiah for the period
    is_current: Mapped[int] = mapped_column(Integer, default=1)
    enrolled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TargetingQuota(Base):
    """A quota region of a run: quota, filled, eligible, eligible but unserved, the cut."""

    __tablename__ = "targeting_quota"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("targeting_run.id"), index=True)
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    kuota: Mapped[int] = mapped_column(BigInteger)
    terisi: Mapped[int] = mapped_column(BigInteger)
    layak: Mapped[int] = mapped_column(BigInteger)
    tidak_terlayani: Mapped[int] = mapped_column(BigInteger)
    batas_desil: Mapped[int | None] = mapped_column(SmallInteger)  # desil of the last enrolled
    batas_pmt_score: Mapped[float | None] = mapped_column(Float)


__all__ = ["Enrolment", "TargetingQuota", "TargetingRun"]
