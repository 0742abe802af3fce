"""indicators: runs, values per region, targets, social-functioning assessment scores

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-06 12:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
# Chained after 0018 when the branches are joined.
down_revision = "0018"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", ID, nullable=False), sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("indicator_run"):
        return  # a database stamped back keeps its tables
    column, key = _id("indicator_run")
    op.create_table(
        "indicator_run",
        column,
        sa.Column("edition_id", sa.BigInteger(), nullable=False),
        sa.Column("edition_period", sa.String(20), nullable=False),
        sa.Column("previous_period", sa.String(20), nullable=True),
        sa.Column("region", sa.String(10), nullable=True),
        sa.Column("catalogue_version", sa.String(50), nullable=False),
        sa.Column("catalogue_sha256", sa.String(64), nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.Column("values_sha256", sa.String(64), nullable=False),
        sa.Column("engine", sa.String(10), nullable=False),
        sa.Column("value_count", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        key,
    )
    op.create_index("ix_indicator_run_edition", "indicator_run", ["edition_period", "is_current"])
    column, key = _id("indicator_value")
    op.create_table(
        "indicator_value",
        column,
        sa.Column("run_id", ID, nullable=False),
        sa.Column("indicator_id", sa.String(50), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("program", sa.String(50), nullable=False),
        sa.Column("breakdown", sa.String(30), nullable=False),
        sa.Column("breakdown_value", sa.String(30), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=False),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        key,
        sa.ForeignKeyConstraint(
            ["run_id"], ["indicator_run.id"], name="fk_indicator_value_run_id_indicator_run"
        ),
    )
    op.create_index(
        "ix_indicator_value_lookup", "indicator_value", ["run_id", "indicator_id", "kode_wilayah"]
    )
    op.create_index("ix_indicator_value_level", "indicator_value", ["run_id", "level"])
    column, key = _id("indicator_target")
    op.create_table(
        "indicator_target",
        column,
        sa.Column("indicator_id", sa.String(50), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("imported_at", WHEN, nullable=False),
        key,
    )
    op.create_index(
        "uq_indicator_target",
        "indicator_target",
        ["indicator_id", "year", "kode_wilayah"],
        unique=True,
    )
    column, key = _id("indicator_survey_score")
    op.create_table(
        "indicator_survey_score",
        column,
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("kelompok", sa.String(20), nullable=False),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("respondent", sa.String(100), nullable=False),
        sa.Column("jenis_kelamin", sa.Integer(), nullable=True),
        sa.Column("umur", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("imported_at", WHEN, nullable=False),
        key,
    )
    op.create_index("ix_indicator_survey_period", "indicator_survey_score", ["period", "kelompok"])


def downgrade() -> None:
    for table in (
        "indicator_survey_score",
        "indicator_target",
        "indicator_value",
        "indicator_run",
    ):
        op.drop_table(table)
