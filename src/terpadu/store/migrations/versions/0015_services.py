"""services: complaints (pengaduan) with their steps, and referrals (rujukan)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", ID, nullable=False), sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("complaint"):
        return  # a database stamped back keeps its tables
    column, key = _id("complaint")
    op.create_table(
        "complaint",
        column,
        sa.Column("tracking", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("state_since", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("complainant_name", sa.String(200), nullable=False),
        sa.Column("complainant_contact", sa.String(100), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("family_id", ID, nullable=True),
        sa.Column("person_id", ID, nullable=True),
        sa.Column("subject_name", sa.String(200), nullable=True),
        sa.Column("subject_nik", sa.String(16), nullable=True),
        sa.Column("assigned_to", sa.String(100), nullable=True),
        sa.Column("proposal_id", ID, nullable=True),
        sa.Column("payment_ref", sa.String(100), nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("told_at", WHEN, nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("complaint", "family_id", "family"),
        _fk("complaint", "person_id", "person"),
        _fk("complaint", "proposal_id", "proposal"),
        key,
        sa.UniqueConstraint("tracking", name="uq_complaint_tracking"),
    )
    op.create_index("ix_complaint_state_due", "complaint", ["state", "due_at"])
    op.create_index("ix_complaint_kode_wilayah", "complaint", ["kode_wilayah"])
    op.create_index("ix_complaint_family", "complaint", ["family_id"])

    column, key = _id("complaint_step")
    op.create_table(
        "complaint_step",
        column,
        sa.Column("complaint_id", ID, nullable=False),
        sa.Column("from_state", sa.String(20), nullable=True),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=False),
        _fk("complaint_step", "complaint_id", "complaint"),
        key,
    )
    op.create_index("ix_complaint_step_complaint", "complaint_step", ["complaint_id"])

    column, key = _id("referral")
    op.create_table(
        "referral",
        column,
        sa.Column("complaint_id", ID, nullable=False),
        sa.Column("service", sa.String(20), nullable=False),
        sa.Column("institution", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("sent_by", sa.String(100), nullable=False),
        sa.Column("sent_at", WHEN, nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        _fk("referral", "complaint_id", "complaint"),
        key,
    )
    op.create_index("ix_referral_complaint", "referral", ["complaint_id"])


def downgrade() -> None:
    op.drop_index("ix_referral_complaint", table_name="referral")
    op.drop_table("referral")
    op.drop_index("ix_complaint_step_complaint", table_name="complaint_step")
    op.drop_table("complaint_step")
    for name in ("ix_complaint_family", "ix_complaint_kode_wilayah", "ix_complaint_state_due"):
        op.drop_index(name, table_name="complaint")
    op.drop_table("complaint")
