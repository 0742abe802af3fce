"""Social-service tables: complaints (pengaduan) with their steps, and referrals (rujukan).

A complaint never changes the registry: what it finds becomes a proposal (usulan), linked
here by ``proposal_id``, and only that proposal's approval changes a family.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class Complaint(Base):
    """A complaint or request for help and where it is in the service flow."""

    __tablename__ = "complaint"
    # The inbox reads pages in deadline order and counts a region's complaints from the
    # index alone (migration 0016); on PostgreSQL that migration also adds a trigram index
    # on lower(complainant_name) for name search, which is no model index here.
    __table_args__ = (
        Index("ix_complaint_state_due", "state", "due_at"),
        Index("ix_complaint_due", "due_at", "id"),
        Index("ix_complaint_region_state_due", "kode_wilayah", "state", "due_at"),
        Index("ix_complaint_family", "family_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # What the complainant follows it by (printed on the receipt): ADU-3604-K7Q2M9.
    tracking: Mapped[str] = mapped_column(String(20), unique=True)
    # exclusion, inclusion, wrong_data, payment, help, other
    category: Mapped[str] = mapped_column(String(20))
    # walk_in, village, facilitator, phone, letter, citizen_web, social_media
    channel: Mapped[str] = mapped_column(String(20))
    # received, checked, visited, decided, referred, closed
    state: Mapped[str] = mapped_column(String(20), default="received")
    state_since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_contact: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    # The family or person concerned once found in the registry (none: not registered).
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    subject_name: Mapped[str | None] = mapped_column(String(200))
    subject_nik: Mapped[str | None] = mapped_column(String(16))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    # The proposal the complaint became, the payment row it concerns, how it ended.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    payment_ref: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    told_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ComplaintStep(Base):
    """One step of a complaint: who moved it from which state to which, and whether late."""

    __tablename__ = "complaint_step"
    __table_args__ = (Index("ix_complaint_step_complaint", "complaint_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # The deadline the state left had, and the working days it was late (0: in time).
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    days_late: Mapped[int] = mapped_column(Integer, default=0)


class Referral(Base):
    """A referral of a complaint to another service, and its answer."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_complaint", "complaint_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"))
    # health (BPJS), education, civil_registry (Dukcapil), other_office, institution (LKS)
    service: Mapped[str] = mapped_column(String(20))
    institution: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    # sent, answered, refused
    status: Mapped[str] = mapped_column(String(20), default="sent")
    sent_by: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
