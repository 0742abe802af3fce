"""services: complaint indexes for an inbox of 100,000 open complaints

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 10:45:00

The inbox lists a region's open complaints by deadline with their total, and search
finds complainants by a part of their name (``terpadu.services.reads``):

- ``(due_at, id)``: the first pages of a kab/kota or province inbox read in deadline
  order and stop after a page, instead of sorting every open complaint of the region;
- ``(kode_wilayah, state, due_at)``: the totals (open, one state, overdue) count index
  entries alone, and a desa's inbox reads its few complaints; it replaces the index on
  ``kode_wilayah`` alone, which is its first column;
- on PostgreSQL, a trigram GIN index on ``lower(complainant_name)`` (``pg_trgm``, created
  by migration 0006 where it could be) for a name search anywhere in the name. Without
  the extension it is left out and the search reads the region's complaints.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _trigram_schema(bind: sa.Connection) -> str | None:
    found = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    return None if found is None else str(found)


def upgrade() -> None:
    # IF (NOT) EXISTS: a database stamped back to an older revision keeps its indexes.
    op.create_index("ix_complaint_due", "complaint", ["due_at", "id"], if_not_exists=True)
    op.create_index(
        "ix_complaint_region_state_due",
        "complaint",
        ["kode_wilayah", "state", "due_at"],
        if_not_exists=True,
    )
    op.drop_index("ix_complaint_kode_wilayah", table_name="complaint", if_exists=True)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    trigram = _trigram_schema(bind)
    if trigram is not None:
        bind.execute(
            sa.text(
                "CREATE INDEX IF NOT EXISTS ix_complaint_name_trgm "
                f'ON complaint USING gin (lower(complainant_name) "{trigram}".gin_trgm_ops)'
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_complaint_name_trgm")
    op.create_index("ix_complaint_kode_wilayah", "complaint", ["kode_wilayah"])
    op.drop_index("ix_complaint_region_state_due", table_name="complaint")
    op.drop_index("ix_complaint_due", table_name="complaint")
