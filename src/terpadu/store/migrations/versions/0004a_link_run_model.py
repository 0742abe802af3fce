"""linkage: each link run records which model it used and why

Revision ID: 0004a
Revises: 0004
Create Date: 2026-12-06 01:00:00

``model_source`` is ``trained``, ``stored``, ``previous`` or ``default`` (the shipped model,
used when training on the registry gave a degenerate model); ``model_notes`` lists what
training and the model checks found (code, details, Bahasa Indonesia message).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004a"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_run") as batch:
        batch.add_column(sa.Column("model_source", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("model_notes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_run") as batch:
        batch.drop_column("model_notes")
        batch.drop_column("model_source")
