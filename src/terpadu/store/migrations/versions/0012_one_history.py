"""one history: the areas' branches joined; every migration from here on follows this one

Revision ID: 0012
Revises: 0002, 0004a, 0005, 0009, 0010, 0011
Create Date: 2026-12-06 02:15:00

Until now each area (verval, welfare, linkage, targeting, web, intake) branched from 0001 and
a database carried one head per area. This revision changes no table: it joins the heads, so
the schema has a single current revision and the next migration has one parent.
"""

from __future__ import annotations

revision = "0012"
down_revision = ("0002", "0004a", "0005", "0009", "0010", "0011")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
