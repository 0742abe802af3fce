"""registry: identity numbers and source keys compared byte by byte on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 03:10:00

NIK, NO_KK and the source keys are matched, never sorted for people. With the
"C" collation PostgreSQL compares them as bytes and can sort them with
abbreviated keys, so the indexes a large import rebuilds are built in a half
to two thirds of the time. Equality is unchanged (every collation in use is
deterministic), and so is the order of digit strings. Only the indexes on
these columns are rebuilt; the table is not rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = [
    ("person", "nik", 16),
    ("person", "source_key", 200),
    ("family", "no_kk", 16),
    ("family", "source_key", 100),
]


def _set_collation(collation: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite compares text byte by byte already
    for table, column, length in COLUMNS:
        bind.execute(
            sa.text(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({length}) "
                f'COLLATE "{collation}"'
            )
        )


def upgrade() -> None:
    _set_collation("C")


def downgrade() -> None:
    _set_collation("default")
