"""registry: a batch's content fingerprint and the date its data was collected

Revision ID: 0011
Revises: 0001 (the intake area's branch)
Create Date: 2026-12-06 01:00:00

The byte fingerprint misses a batch saved again with other line endings, another
encoding or its columns in another order; ``content_fingerprint`` (over the rows
as read, in any order) recognises it. ``as_of`` is the date the batch's data was
collected, when the sender says so: a value changed in the registry after that
date is not overwritten by it. Both are empty for batches loaded before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0001"
branch_labels = ("intake",)
depends_on = None


def upgrade() -> None:
    # Written to be run again safely (a database stamped back keeps its columns).
    inspector = sa.inspect(op.get_bind())
    columns = {c["name"] for c in inspector.get_columns("batch")}
    if "content_fingerprint" not in columns:
        op.add_column("batch", sa.Column("content_fingerprint", sa.String(64), nullable=True))
    if "as_of" not in columns:
        op.add_column("batch", sa.Column("as_of", sa.Date(), nullable=True))
    if "ix_batch_content" not in {i["name"] for i in inspector.get_indexes("batch")}:
        op.create_index("ix_batch_content", "batch", ["source_id", "content_fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_batch_content", table_name="batch")
    with op.batch_alter_table("batch") as batch:
        batch.drop_column("as_of")
        batch.drop_column("content_fingerprint")
