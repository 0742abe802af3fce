"""welfare ranking: runs and per-family scores, ranks and deprivation

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("welfare",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "welfare_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("model_kind", sa.String(length=10), nullable=False),
        sa.Column("model_sha256", sa.String(length=64), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("snapshot_path", sa.Text(), nullable=True),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("deprivation_config", sa.Text(), nullable=False),
        sa.Column("deprivation_sha256", sa.String(length=64), nullable=False),
        sa.Column("families_ranked", sa.Integer(), nullable=False),
        sa.Column("families_skipped", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.BigInteger(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_run")),
    )
    op.create_table(
        "family_welfare",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("family_id", ID, nullable=False),
        sa.Column("is_current", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("ranked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edition_id", sa.BigInteger(), nullable=True),
        sa.Column("kode_provinsi", sa.String(length=2), nullable=False),
        sa.Column("kode_kabkota", sa.String(length=4), nullable=False),
        sa.Column("pmt_score", sa.Float(), nullable=False),
        sa.Column("persentil", sa.SmallInteger(), nullable=False),
        sa.Column("desil", sa.SmallInteger(), nullable=False),
        sa.Column("rank_nasional", sa.Integer(), nullable=False),
        sa.Column("rank_provinsi", sa.Integer(), nullable=False),
        sa.Column("rank_kabkota", sa.Integer(), nullable=False),
        sa.Column("skor_deprivasi", sa.Float(), nullable=False),
        sa.Column("dimensi_deprivasi", sa.Text(), nullable=True),
        sa.Column("indikator_deprivasi", sa.Text(), nullable=True),
        sa.Column("skor_dimensi", sa.Text(), nullable=False),
        sa.Column("miskin_multidimensi", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_family_welfare_family_id_family")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["welfare_run.id"], name=op.f("fk_family_welfare_run_id_welfare_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_welfare")),
    )
    with op.batch_alter_table("family_welfare", schema=None) as batch_op:
        batch_op.create_index(
            "ix_family_welfare_current", ["family_id", "is_current"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_family_welfare_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("family_welfare", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_welfare_run_id"))
        batch_op.drop_index("ix_family_welfare_current")
    op.drop_table("family_welfare")
    op.drop_table("welfare_run")
