"""targeting: allocation runs, enrolments and quota accounting

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("targeting",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "targeting_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("program", sa.String(length=50), nullable=False),
        sa.Column("program_version", sa.String(length=50), nullable=False),
        sa.Column("program_sha256", sa.String(length=64), nullable=False),
        sa.Column("program_config", sa.Text(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("edition_id", sa.BigInteger(), nullable=True),
        sa.Column("edition_period", sa.String(length=20), nullable=True),
        sa.Column("snapshot_path", sa.Text(), nullable=True),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("welfare_run_id", sa.BigInteger(), nullable=True),
        sa.Column("quota_file", sa.Text(), nullable=True),
        sa.Column("quota_sha256", sa.String(length=64), nullable=True),
        sa.Column("quota_total", sa.BigInteger(), nullable=False),
        sa.Column("families_assessed", sa.BigInteger(), nullable=False),
        sa.Column("families_eligible", sa.BigInteger(), nullable=False),
        sa.Column("families_enrolled", sa.BigInteger(), nullable=False),
        sa.Column("total_nominal", sa.BigInteger(), nullable=False),
        sa.Column("decisions_path", sa.Text(), nullable=True),
        sa.Column("decisions_sha256", sa.String(length=64), nullable=True),
        sa.Column("enrolled_sha256", sa.String(length=64), nullable=False),
        sa.Column("is_current", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("replaces_run_id", sa.BigInteger(), nullable=True),
        sa.Column("replaced_by_run_id", sa.BigInteger(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_run")),
    )
    with op.batch_alter_table("targeting_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_targeting_run_program", ["program", "period", "is_current"], unique=False
        )
    op.create_table(
        "enrolment",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("program", sa.String(length=50), nullable=False),
        sa.Column("program_version", sa.String(length=50), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("family_id", sa.BigInteger(), nullable=False),
        sa.Column("kode_wilayah", sa.String(length=10), nullable=False),
        sa.Column("kuota_wilayah", sa.String(length=10), nullable=False),
        sa.Column("penerima_person_id", sa.BigInteger(), nullable=True),
        sa.Column("nik_penerima", sa.String(length=16), nullable=True),
        sa.Column("nama_penerima", sa.String(length=200), nullable=True),
        sa.Column("desil", sa.SmallInteger(), nullable=True),
        sa.Column("pmt_score", sa.Float(), nullable=True),
        sa.Column("skor_deprivasi", sa.Float(), nullable=True),
        sa.Column("peringkat", sa.Integer(), nullable=False),
        sa.Column("komponen", sa.Text(), nullable=True),
        sa.Column("nominal", sa.BigInteger(), nullable=False),
        sa.Column("is_current", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["targeting_run.id"], name=op.f("fk_enrolment_run_id_targeting_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment")),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enrolment_program", ["program", "period", "is_current"], unique=False
        )
        batch_op.create_index("ix_enrolment_family", ["family_id"], unique=False)
        batch_op.create_index("ix_enrolment_nik", ["nik_penerima"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_run_id"), ["run_id"], unique=False)
    op.create_table(
        "targeting_quota",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("kode_wilayah", sa.String(length=10), nullable=False),
        sa.Column("kuota", sa.BigInteger(), nullable=False),
        sa.Column("terisi", sa.BigInteger(), nullable=False),
        sa.Column("layak", sa.BigInteger(), nullable=False),
        sa.Column("tidak_terlayani", sa.BigInteger(), nullable=False),
        sa.Column("batas_desil", sa.SmallInteger(), nullable=True),
        sa.Column("batas_pmt_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["targeting_run.id"],
            name=op.f("fk_targeting_quota_run_id_targeting_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targeting_quota")),
    )
    with op.batch_alter_table("targeting_quota", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targeting_quota_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("targeting_quota", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targeting_quota_run_id"))
    op.drop_table("targeting_quota")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_run_id"))
        batch_op.drop_index("ix_enrolment_nik")
        batch_op.drop_index("ix_enrolment_family")
        batch_op.drop_index("ix_enrolment_program")
    op.drop_table("enrolment")
    with op.batch_alter_table("targeting_run", schema=None) as batch_op:
        batch_op.drop_index("ix_targeting_run_program")
    op.drop_table("targeting_run")
