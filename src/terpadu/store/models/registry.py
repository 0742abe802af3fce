"""The registry's tables (system of record).

Families (keluarga) and persons are registrations received from a source; a
person's membership of a family is dated; statuses change by event, never by
deletion. Every stored value can be traced to the batch, file and row it came
from: the creating row is kept on the record, and each later change is a
``ValueChange`` row with its own provenance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
Id = BigInteger().with_variant(Integer(), "sqlite")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Source(Base):
    """Where data comes from: a desa, a survey, another agency."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Batch(Base):
    """One import: the files taken in together, their fingerprint and counts."""

    __tablename__ = "batch"
    __table_args__ = (Index("ix_batch_content", "source_id", "content_fingerprint"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    # sha256 over the source name and the files' contents: the same batch twice is a no-op.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    # sha256 over the rows as read (any line endings, encoding, column or row order).
    content_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The date the batch's data was collected, when the sender said so (import --as-of).
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # running, completed, failed
    actor: Mapped[str] = mapped_column(String(100), default="system")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_landed: Mapped[int] = mapped_column(Integer, default=0)
    rows_repaired: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    families_new: Mapped[int] = mapped_column(Integer, default=0)
    families_changed: Mapped[int] = mapped_column(Integer, default=0)
    persons_new: Mapped[int] = mapped_column(Integer, default=0)
    persons_changed: Mapped[int] = mapped_column(Integer, default=0)


class BatchFile(Base):
    """A file of a batch, with its checksum and row accounting."""

    __tablename__ = "batch_file"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # keluarga, anggota
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    file_format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(30))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_landed: Mapped[int] = mapped_column(Integer, default=0)
    rows_repaired: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_warned: Mapped[int] = mapped_column(Integer, default=0)


def _code_text(length: int) -> String:
    """Text compared byte by byte on PostgreSQL (collation "C"): identity numbers and keys
    are only ever matched, never sorted for people, and byte order sorts several times
    faster than a language collation when an import builds their indexes. SQLite already
    compares bytes."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class _Provenance:
    """Columns that say which batch, file and row created a record.

    The batch and file references carry no foreign-key constraint: only the
    importer writes them, in the same transaction as the batch row, and a
    per-row constraint check would cost more than the rest of a bulk load.
    ``terpadu.store.integrity`` checks them set-wise instead.
    """

    batch_id: Mapped[int] = mapped_column(Id)
    file_id: Mapped[int] = mapped_column(Id)
    row_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    status: Mapped[str] = mapped_column(String(20), default="aktif")  # aktif, nonaktif
    status_reason: Mapped[str | None] = mapped_column(String(30))
    # Optimistic locking: every update bumps it; a stale writer gets a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Family(_Provenance, Base):
    """A family (keluarga): the people on one family card (KK), and its dwelling."""

    __tablename__ = "family"
    __table_args__ = (
        Index("uq_family_source_key", "source_id", "source_key", unique=True),
        Index("ix_family_kode_wilayah", "kode_wilayah"),
        Index("ix_family_no_kk", "no_kk"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int] = mapped_column(Id)  # no FK: bulk-loaded, see _Provenance
    source_key: Mapped[str] = mapped_column(_code_text(100))  # ID_KELUARGA as received
    no_kk: Mapped[str | None] = mapped_column(_code_text(16))
    kode_wilayah: Mapped[str] = mapped_column(String(10))
    alamat: Mapped[str | None] = mapped_column(Text)
    rt: Mapped[str | None] = mapped_column(String(10))
    rw: Mapped[str | None] = mapped_column(String(10))
    status_bangunan: Mapped[int | None] = mapped_column(SmallInteger)
    luas_lantai: Mapped[float | None] = mapped_column(Float)
    jenis_lantai: Mapped[int | None] = mapped_column(SmallInteger)
    jenis_dinding: Mapped[int | None] = mapped_column(SmallInteger)
    jenis_atap: Mapped[int | None] = mapped_column(SmallInteger)
    sumber_air_minum: Mapped[int | None] = mapped_column(SmallInteger)
    sumber_penerangan: Mapped[int | None] = mapped_column(SmallInteger)
    daya_listrik: Mapped[int | None] = mapped_column(Integer)
    bahan_bakar_masak: Mapped[int | None] = mapped_column(SmallInteger)
    fasilitas_bab: Mapped[int | None] = mapped_column(SmallInteger)
    aset_tabung_gas: Mapped[int | None] = mapped_column(SmallInteger)
    aset_kulkas: Mapped[int | None] = mapped_column(SmallInteger)
    aset_ac: Mapped[int | None] = mapped_column(SmallInteger)
    aset_tv: Mapped[int | None] = mapped_column(SmallInteger)
    aset_emas: Mapped[int | None] = mapped_column(SmallInteger)
    aset_komputer: Mapped[int | None] = mapped_column(SmallInteger)
    aset_sepeda_motor: Mapped[int | None] = mapped_column(SmallInteger)
    aset_mobil: Mapped[int | None] = mapped_column(SmallInteger)
    aset_perahu_motor: Mapped[int | None] = mapped_column(SmallInteger)
    aset_rumah_lain: Mapped[int | None] = mapped_column(SmallInteger)
    luas_lahan: Mapped[float | None] = mapped_column(Float)
    jumlah_ternak: Mapped[int | None] = mapped_column(Integer)
    pengeluaran_perkapita: Mapped[float | None] = mapped_column(Float)
    # The national DTSEN desil (1-10) and percentile (0-100) when the sender supplied them;
    # Terpadu's own desil (family_welfare) is relative to the families in this registry.
    desil_nasional: Mapped[int | None] = mapped_column(SmallInteger)
    persentil_nasional: Mapped[float | None] = mapped_column(Float)


class Person(_Provenance, Base):
    """A person as registered by a source (one anggota row's identity).

    Several registrations of one real person are tied together by linkage
    (``resolved_person_id``), never merged destructively.
    """

    __tablename__ = "person"
    __table_args__ = (
        Index("uq_person_source_key", "source_id", "source_key", unique=True),
        Index("ix_person_nik", "nik"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int] = mapped_column(Id)  # no FK: bulk-loaded, see _Provenance
    # ID_ANGGOTA when the sender gave one, else derived from family and NIK or name.
    source_key: Mapped[str] = mapped_column(_code_text(200))
    id_anggota: Mapped[str | None] = mapped_column(String(100))
    nik: Mapped[str | None] = mapped_column(_code_text(16))
    nama: Mapped[str] = mapped_column(String(200))
    jenis_kelamin: Mapped[int | None] = mapped_column(SmallInteger)
    tempat_lahir: Mapped[str | None] = mapped_column(String(100))
    tgl_lahir: Mapped[dt.date | None] = mapped_column(Date)
    hub_keluarga: Mapped[int | None] = mapped_column(SmallInteger)
    status_kawin: Mapped[int | None] = mapped_column(SmallInteger)
    nama_ibu_kandung: Mapped[str | None] = mapped_column(String(200))
    partisipasi_sekolah: Mapped[int | None] = mapped_column(SmallInteger)
    pendidikan_tertinggi: Mapped[int | None] = mapped_column(SmallInteger)
    status_pekerjaan: Mapped[int | None] = mapped_column(SmallInteger)
    disabilitas: Mapped[int | None] = mapped_column(SmallInteger)
    disabilitas_berat: Mapped[int | None] = mapped_column(SmallInteger)
    penyakit_kronis: Mapped[int | None] = mapped_column(SmallInteger)
    hamil: Mapped[int | None] = mapped_column(SmallInteger)
    # A person without NIK is registered and flagged for civil registration.
    needs_civil_registration: Mapped[int] = mapped_column(SmallInteger, default=0)
    resolved_person_id: Mapped[int | None] = mapped_column(BigInteger)


class Membership(Base):
    """A person's membership of a family over time."""

    __tablename__ = "membership"
    __table_args__ = (
        Index("ix_membership_family", "family_id"),
        Index("ix_membership_person", "person_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # No FK constraints: a per-row check would double the cost of a bulk load.
    # The importer and the verval workflow write only checked references, and
    # terpadu.store.integrity verifies them (tests run it after every import).
    person_id: Mapped[int] = mapped_column(Id)
    family_id: Mapped[int] = mapped_column(Id)
    hub_keluarga: Mapped[int | None] = mapped_column(SmallInteger)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    joined_batch_id: Mapped[int | None] = mapped_column(Id)  # no FK: see _Provenance
    left_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    left_reason: Mapped[str | None] = mapped_column(String(100))
    left_batch_id: Mapped[int | None] = mapped_column(Id)


class StatusEvent(Base):
    """A status change of a family or person, with its reason."""

    __tablename__ = "status_event"
    __table_args__ = (Index("ix_status_event_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))  # family, person
    entity_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100), default="system")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ValueChange(Base):
    """A stored value that a later batch changed: old, new, and where the new came from."""

    __tablename__ = "value_change"
    __table_args__ = (Index("ix_value_change_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    file_id: Mapped[int] = mapped_column(ForeignKey("batch_file.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class QuarantineEntry(Base):
    """A problem found in an input row: rejected (error) or landed with a warning."""

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_batch", "batch_id"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    batch_id: Mapped[int] = mapped_column(Id)  # no FK: see _Provenance
    file_id: Mapped[int] = mapped_column(Id)
    row_number: Mapped[int] = mapped_column(Integer)
    record_key: Mapped[str | None] = mapped_column(String(200))
    column_name: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))  # error, warning
    code: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text)
    # The whole input row, so it can be corrected and sent again.
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = [
    "Base",
    "Batch",
    "BatchFile",
    "Family",
    "Membership",
    "Person",
    "QuarantineEntry",
    "Source",
    "StatusEvent",
    "ValueChange",
]
