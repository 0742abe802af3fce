"""Social-welfare institutions (LKS, panti) with their residents, and the social workforce.

An institution is known by its registration number (``registration_no``), a worker by NIK:
a list imported again updates those rows instead of adding new ones. Residents are
registry persons (``person.id``); a discharge closes the stay, it is never deleted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from terpadu.store.models.registry import Base, Id, _now


class Institution(Base):
    """An LKS or panti: what it serves, who owns it, its accreditation and capacity."""

    __tablename__ = "institution"
    __table_args__ = (Index("ix_institution_kode_wilayah", "kode_wilayah"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # The registration number the Dinas gives (tanda daftar LKS): the natural key.
    registration_no: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # panti, lks (outside a panti), lk3, rumah_singgah
    form: Mapped[str] = mapped_column(String(20))
    # children, elderly, disability, rehabilitation (NAPZA), other
    kind: Mapped[str] = mapped_column(String(20))
    # government (central), regional (pemda), community (masyarakat)
    owner: Mapped[str] = mapped_column(String(20))
    legal_status: Mapped[str | None] = mapped_column(String(200))
    # A, B, C; none when never accredited.
    accreditation: Mapped[str | None] = mapped_column(String(1))
    accredited_on: Mapped[dt.date | None] = mapped_column(Date)
    accreditation_expires: Mapped[dt.date | None] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # daya tampung
    staff_count: Mapped[int] = mapped_column(Integer, default=0)
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Resident(Base):
    """A registry person's stay in an institution (open while ``discharged_on`` is empty)."""

    __tablename__ = "institution_resident"
    __table_args__ = (
        Index("ix_institution_resident_institution", "institution_id"),
        Index("ix_institution_resident_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    admitted_on: Mapped[dt.date] = mapped_column(Date)
    admission_reason: Mapped[str] = mapped_column(Text)
    discharged_on: Mapped[dt.date | None] = mapped_column(Date)
    discharge_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))


class YouthOrganisation(Base):
    """A Karang Taruna: one per desa/kelurahan, so the desa code is its key."""

    __tablename__ = "karang_taruna"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kode_wilayah: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Worker(Base):
    """A member of the social workforce (TKSK, Sakti Peksos, PKH facilitator, …)."""

    __tablename__ = "social_worker"
    __table_args__ = (Index("ix_social_worker_role", "role"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # tksk, sakti_peksos, penyuluh, pendamping_pkh, pendamping_kube, psm, tagana, karang_taruna
    role: Mapped[str] = mapped_column(String(20))
    certified: Mapped[int] = mapped_column(SmallInteger, default=0)
    certified_on: Mapped[dt.date | None] = mapped_column(Date)
    # The Terpadu account the worker uses: complaints assigned to it count as their caseload.
    username: Mapped[str | None] = mapped_column(String(100))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("karang_taruna.id"))
    position: Mapped[str | None] = mapped_column(String(100))  # jabatan (Karang Taruna)
    phone: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[int] = mapped_column(SmallInteger, default=1)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WorkerRegion(Base):
    """A region a worker is assigned to (a desa, kecamatan or kab/kota code)."""

    __tablename__ = "social_worker_region"
    __table_args__ = (
        Index("uq_social_worker_region", "worker_id", "kode_wilayah", unique=True),
        Index("ix_social_worker_region_kode", "kode_wilayah"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("social_worker.id"))
    kode_wilayah: Mapped[str] = mapped_column(String(10))


__all__ = ["Institution", "Resident", "Worker", "WorkerRegion", "YouthOrganisation"]
