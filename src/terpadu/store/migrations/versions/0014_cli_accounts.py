"""accounts: the CLI's login tokens and service-account keys; an account's kind

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 06:30:00

``web_user.kind`` is ``person`` (logs in with a password) or ``service`` (a scheduled
job: no password login, an API key given by ``TERPADU_TOKEN``). ``cli_token`` keeps
the SHA-256 of each token or key, never the secret.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Written to be run again safely (a database stamped back keeps its tables).
    inspector = sa.inspect(op.get_bind())
    if "kind" not in {c["name"] for c in inspector.get_columns("web_user")}:
        op.add_column(
            "web_user",
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="person"),
        )
    if inspector.has_table("cli_token"):
        return
    op.create_table(
        "cli_token",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_user.id"],
            name=op.f("fk_cli_token_user_id_web_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cli_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_cli_token_token_hash")),
    )
    op.create_index("ix_cli_token_user_id", "cli_token", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_cli_token_user_id", table_name="cli_token")
    op.drop_table("cli_token")
    with op.batch_alter_table("web_user") as batch:
        batch.drop_column("kind")
