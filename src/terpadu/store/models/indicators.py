"""Indicator results: each computation on an edition, its values per region, the targets,
and the assessment scores the social-functioning indices are computed from.

A run records the edition, the catalogue's sha256 and the inputs' digest, so recomputing an
edition with the same catalogue gives the same values (``terpadu indikator hitung``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class IndicatorRun(Base):
    """One computation of the catalogue's indicators on one edition."""

    __tablename__ = "indicator_run"
    __table_args__ = (Index("ix_indicator_run_edition", "edition_period", "is_current"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    edition_id: Mapped[int] = mapped_column(BigInteger)
    edition_period: Mapped[str] = mapped_column(String(20))
    previous_period: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(10))  # NULL: every region
    catalogue_version: Mapped[str] = mapped_column(String(50))
    catalogue_sha256: Mapped[str] = mapped_column(String(64))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    values_sha256: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(10))
    value_count: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[int] = mapped_column(Integer, default=1)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class IndicatorValue(Base):
    """An indicator's value in one region (and breakdown) of one run.

    ``kode_wilayah`` is '' for the nation; ``breakdown`` is '' for the whole region, else the
    disaggregation (``jenis_kelamin``, ``kelompok_umur``, ``desil``) or ``perubahan`` (the
    change since the previous edition, one row per reason). ``program`` is '' unless the
    indicator is per programme. ``value`` is NULL where there is no data.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        Index("ix_indicator_value_lookup", "run_id", "indicator_id", "kode_wilayah"),
        Index("ix_indicator_value_level", "run_id", "level"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("indicator_run.id"))
    indicator_id: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(10))  # nasional, provinsi, kabupaten, kecamatan, desa
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    program: Mapped[str] = mapped_column(String(50), default="")
    breakdown: Mapped[str] = mapped_column(String(30), default="")
    breakdown_value: Mapped[str] = mapped_column(String(30), default="")
    numerator: Mapped[float] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)


class IndicatorTarget(Base):
    """A target imported from a planning workbook: one indicator, year and region."""

    __tablename__ = "indicator_target"
    __table_args__ = (
        Index("uq_indicator_target", "indicator_id", "year", "kode_wilayah", unique=True),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(50))
    year: Mapped[int] = mapped_column(Integer)
    kode_wilayah: Mapped[str] = mapped_column(String(10))  # '' for the national target
    target: Mapped[float] = mapped_column(Float)
    source_file: Mapped[str] = mapped_column(Text)
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IndicatorSurveyScore(Base):
    """A social-functioning assessment of one person (score 0-1) for an edition's period."""

    __tablename__ = "indicator_survey_score"
    __table_args__ = (Index("ix_indicator_survey_period", "period", "kelompok"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    period: Mapped[str] = mapped_column(String(20))
    kelompok: Mapped[str] = mapped_column(String(20))  # anak, pmks, lansia, disabilitas
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    respondent: Mapped[str] = mapped_column(String(100))
    jenis_kelamin: Mapped[int | None] = mapped_column(Integer)
    umur: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    source_file: Mapped[str] = mapped_column(Text)
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


__all__ = ["IndicatorRun", "IndicatorSurveyScore", "IndicatorTarget", "IndicatorValue"]
