"""welfare: the national DTSEN desil and percentile on the family

Revision ID: 0010
Revises: 0003
Create Date: 2026-12-06 01:00:00

A sender who has the family's national DTSEN ranking sends it in the keluarga file
(``DESIL_NASIONAL`` 1-10, ``PERSENTIL_NASIONAL`` 0-100). Targeting uses it before the
desil Terpadu computes, which is relative to the families in this registry (one
kabupaten's families are not the nation's).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns without a default: a catalogue change on both databases, no rewrite.
    op.add_column("family", sa.Column("desil_nasional", sa.SmallInteger(), nullable=True))
    op.add_column("family", sa.Column("persentil_nasional", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("family") as batch:
        batch.drop_column("persentil_nasional")
        batch.drop_column("desil_nasional")
