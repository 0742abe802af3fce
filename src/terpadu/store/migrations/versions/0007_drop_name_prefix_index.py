"""web: drop the lower(nama) text_pattern_ops index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 01:00:00

Name search matches words anywhere in the name (``LIKE '%word%'``, served by
the trigram index), never a prefix, so the B-tree was only maintained, never
read: a second index over every name that a large import rebuilt for nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("DROP INDEX IF EXISTS ix_person_nama_prefix"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "CREATE INDEX IF NOT EXISTS ix_person_nama_prefix "
                "ON person (lower(nama) text_pattern_ops)"
            )
        )
