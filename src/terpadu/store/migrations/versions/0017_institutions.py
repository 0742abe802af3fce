"""social: institutions (LKS/panti) with residents, Karang Taruna, the social workforce

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
# The branch that adds 0016 lands first; the chain is joined on merge.
down_revision = "0016"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", ID, nullable=False), sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("institution"):
        return  # a database stamped back keeps its tables
    column, key = _id("institution")
    op.create_table(
        "institution",
        column,
        sa.Column("registration_no", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("form", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("owner", sa.String(20), nullable=False),
        sa.Column("legal_status", sa.String(200), nullable=True),
        sa.Column("accreditation", sa.String(1), nullable=True),
        sa.Column("accredited_on", sa.Date(), nullable=True),
        sa.Column("accreditation_expires", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("staff_count", sa.Integer(), nullable=False),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        key,
        sa.UniqueConstraint("registration_no", name="uq_institution_registration_no"),
    )
    op.create_index("ix_institution_kode_wilayah", "institution", ["kode_wilayah"])

    column, key = _id("institution_resident")
    op.create_table(
        "institution_resident",
        column,
        sa.Column("institution_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("admission_reason", sa.Text(), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("discharge_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        _fk("institution_resident", "institution_id", "institution"),
        _fk("institution_resident", "person_id", "person"),
        key,
    )
    op.create_index(
        "ix_institution_resident_institution", "institution_resident", ["institution_id"]
    )
    op.create_index("ix_institution_resident_person", "institution_resident", ["person_id"])

    column, key = _id("karang_taruna")
    op.create_table(
        "karang_taruna",
        column,
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        key,
        sa.UniqueConstraint("kode_wilayah", name="uq_karang_taruna_kode_wilayah"),
    )

    column, key = _id("social_worker")
    op.create_table(
        "social_worker",
        column,
        sa.Column("nik", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("certified", sa.SmallInteger(), nullable=False),
        sa.Column("certified_on", sa.Date(), nullable=True),
        sa.Column("username", sa.String(100), nullable=True),
        sa.Column("organisation_id", ID, nullable=True),
        sa.Column("position", sa.String(100), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("active", sa.SmallInteger(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        _fk("social_worker", "organisation_id", "karang_taruna"),
        key,
        sa.UniqueConstraint("nik", name="uq_social_worker_nik"),
    )
    op.create_index("ix_social_worker_role", "social_worker", ["role"])

    column, key = _id("social_worker_region")
    op.create_table(
        "social_worker_region",
        column,
        sa.Column("worker_id", ID, nullable=False),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        _fk("social_worker_region", "worker_id", "social_worker"),
        key,
    )
    op.create_index(
        "uq_social_worker_region",
        "social_worker_region",
        ["worker_id", "kode_wilayah"],
        unique=True,
    )
    op.create_index("ix_social_worker_region_kode", "social_worker_region", ["kode_wilayah"])


def downgrade() -> None:
    op.drop_index("ix_social_worker_region_kode", table_name="social_worker_region")
    op.drop_index("uq_social_worker_region", table_name="social_worker_region")
    op.drop_table("social_worker_region")
    op.drop_index("ix_social_worker_role", table_name="social_worker")
    op.drop_table("social_worker")
    op.drop_table("karang_taruna")
    op.drop_index("ix_institution_resident_person", table_name="institution_resident")
    op.drop_index("ix_institution_resident_institution", table_name="institution_resident")
    op.drop_table("institution_resident")
    op.drop_index("ix_institution_kode_wilayah", table_name="institution")
    op.drop_table("institution")
