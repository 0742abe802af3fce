"""PPKS case-management tables: a case, its categories, steps, assessments, plans, services
given (ATENSI) and reviews.

A case never changes the registry: a correction it finds goes through a proposal (usulan),
whose id its step records. Codes (PPKS categories, ATENSI services) are the code tables of
``locale/messages/cases.yaml``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class PpksCase(Base):
    """A person's case: who they are, the caseworker, where the case is in its course."""

    __tablename__ = "ppks_case"
    __table_args__ = (
        Index("ix_ppks_case_region_state", "kode_wilayah", "state"),
        Index("ix_ppks_case_review", "state", "review_due"),
        Index("ix_ppks_case_caseworker", "caseworker"),
        Index("ix_ppks_case_person", "person_id"),
        Index("ix_ppks_case_nik", "subject_nik"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # What the case is known by on paper: KAS-3604-000123 (region and id).
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    # The registry person, when registered; else the name, NIK and address as told.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_nik: Mapped[str | None] = mapped_column(String(16))
    subject_address: Mapped[str | None] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    caseworker: Mapped[str] = mapped_column(String(100))
    # opened, assessed, planned, in_service, reviewed, closed
    state: Mapped[str] = mapped_column(String(20), default="opened")
    state_since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # The end of the working day the next review is due (none once closed or before a plan).
    review_due: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closure_reason: Mapped[str | None] = mapped_column(String(20))
    closure_note: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CaseCategory(Base):
    """One PPKS category of a case (a case may have several: a street child with HIV)."""

    __tablename__ = "ppks_case_category"
    __table_args__ = (Index("ix_ppks_case_category_code", "code"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("ppks_case.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(2), primary_key=True)


class CaseStep(Base):
    """One step of a case: who moved it from which state to which, and what it raised."""

    __tablename__ = "ppks_case_step"
    __table_args__ = (Index("ix_ppks_case_step_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ppks_case.id"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # A correction proposal (usulan) the case raised at this step.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))


class CaseAssessment(Base):
    """An assessment: needs, risks and strengths in words, plus structured fields."""

    __tablename__ = "ppks_case_assessment"
    __table_args__ = (Index("ix_ppks_case_assessment_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ppks_case.id"))
    needs: Mapped[str] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    # living (with_family, alone, ...), risk_level (low, medium, high), income, ...
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    assessed_by: Mapped[str] = mapped_column(String(100))
    assessed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CasePlan(Base):
    """A case plan (rencana intervensi): its goals; its services are :class:`PlannedService`."""

    __tablename__ = "ppks_case_plan"
    __table_args__ = (Index("ix_ppks_case_plan_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ppks_case.id"))
    goals: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PlannedService(Base):
    """A service a plan foresees, and from when to when."""

    __tablename__ = "ppks_case_planned_service"
    __table_args__ = (Index("ix_ppks_case_planned_service_plan", "plan_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ppks_case_plan.id"))
    atensi: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class CaseService(Base):
    """A service given (ATENSI): when, by whom (an institution of the list, or in words)."""

    __tablename__ = "ppks_case_service"
    __table_args__ = (Index("ix_ppks_case_service_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ppks_case.id"))
    atensi: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[dt.date] = mapped_column(Date)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    provider: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CaseReview(Base):
    """A periodic review: the progress seen and when the next one is due."""

    __tablename__ = "ppks_case_review"
    __table_args__ = (Index("ix_ppks_case_review_case", "case_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ppks_case.id"))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(Text)
    next_review: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
