"""cases: PPKS case management (case, categories, steps, assessments, plans, services, reviews)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:30:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", ID, nullable=False), sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _child(table: str, *columns: Any, parent: str = "ppks_case") -> None:
    """A table of rows belonging to a case (or plan), with its index on the parent."""
    column, key = _id(table)
    parent_column = "plan_id" if parent == "ppks_case_plan" else "case_id"
    op.create_table(
        table,
        column,
        sa.Column(parent_column, ID, nullable=False),
        *columns,
        _fk(table, parent_column, parent),
        key,
    )
    op.create_index(f"ix_{table}_{parent_column.removesuffix('_id')}", table, [parent_column])


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("ppks_case"):
        return  # a database stamped back keeps its tables
    column, key = _id("ppks_case")
    op.create_table(
        "ppks_case",
        column,
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("kode_wilayah", sa.String(10), nullable=False),
        sa.Column("person_id", ID, nullable=True),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("subject_nik", sa.String(16), nullable=True),
        sa.Column("subject_address", sa.Text(), nullable=True),
        sa.Column("complaint_id", ID, nullable=True),
        sa.Column("caseworker", sa.String(100), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("state_since", WHEN, nullable=False),
        sa.Column("review_due", WHEN, nullable=True),
        sa.Column("closure_reason", sa.String(20), nullable=True),
        sa.Column("closure_note", sa.Text(), nullable=True),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("ppks_case", "person_id", "person"),
        _fk("ppks_case", "complaint_id", "complaint"),
        key,
        sa.UniqueConstraint("number", name="uq_ppks_case_number"),
    )
    op.create_index("ix_ppks_case_region_state", "ppks_case", ["kode_wilayah", "state"])
    op.create_index("ix_ppks_case_review", "ppks_case", ["state", "review_due"])
    op.create_index("ix_ppks_case_caseworker", "ppks_case", ["caseworker"])
    op.create_index("ix_ppks_case_person", "ppks_case", ["person_id"])
    op.create_index("ix_ppks_case_nik", "ppks_case", ["subject_nik"])

    op.create_table(
        "ppks_case_category",
        sa.Column("case_id", ID, nullable=False),
        sa.Column("code", sa.String(2), nullable=False),
        _fk("ppks_case_category", "case_id", "ppks_case"),
        sa.PrimaryKeyConstraint("case_id", "code", name="pk_ppks_case_category"),
    )
    op.create_index("ix_ppks_case_category_code", "ppks_case_category", ["code"])

    _child(
        "ppks_case_step",
        sa.Column("from_state", sa.String(20), nullable=True),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("proposal_id", ID, nullable=True),
        _fk("ppks_case_step", "proposal_id", "proposal"),
    )
    _child(
        "ppks_case_assessment",
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("strengths", sa.Text(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("assessed_by", sa.String(100), nullable=False),
        sa.Column("assessed_at", WHEN, nullable=False),
    )
    _child(
        "ppks_case_plan",
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("made_by", sa.String(100), nullable=False),
        sa.Column("made_at", WHEN, nullable=False),
    )
    _child(
        "ppks_case_planned_service",
        sa.Column("atensi", sa.String(20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        parent="ppks_case_plan",
    )
    _child(
        "ppks_case_service",
        sa.Column("atensi", sa.String(20), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("institution_id", ID, nullable=True),
        sa.Column("provider", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        _fk("ppks_case_service", "institution_id", "institution"),
    )
    _child(
        "ppks_case_review",
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("next_review", WHEN, nullable=True),
        sa.Column("reviewed_by", sa.String(100), nullable=False),
        sa.Column("reviewed_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    for table, parent in (
        ("ppks_case_review", "case"),
        ("ppks_case_service", "case"),
        ("ppks_case_planned_service", "plan"),
        ("ppks_case_plan", "case"),
        ("ppks_case_assessment", "case"),
        ("ppks_case_step", "case"),
    ):
        op.drop_index(f"ix_{table}_{parent}", table_name=table)
        op.drop_table(table)
    op.drop_index("ix_ppks_case_category_code", table_name="ppks_case_category")
    op.drop_table("ppks_case_category")
    for name in (
        "ix_ppks_case_nik",
        "ix_ppks_case_person",
        "ix_ppks_case_caseworker",
        "ix_ppks_case_review",
        "ix_ppks_case_region_state",
    ):
        op.drop_index(name, table_name="ppks_case")
    op.drop_table("ppks_case")
