"""web: operator accounts, login attempts, import jobs; name-search indexes

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-22 23:00:00

On PostgreSQL the person name gets a trigram GIN index (``pg_trgm``) and a
``text_pattern_ops`` B-tree on ``lower(nama)``. Where the extension cannot be
created (no privilege, not installed) the trigram index is left out and name
search falls back to prefix matching; SQLite gets neither (small registries).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = ("web",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema holding pg_trgm, creating the extension if possible; None if unavailable."""
    found = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    if found is not None:
        return str(found)
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    if available is None:
        return None
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return "public"


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", ID, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=True),
        sa.Column("active", sa.SmallInteger(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_user")),
        sa.UniqueConstraint("username", name=op.f("uq_web_user_username")),
    )
    op.create_table(
        "web_login_attempt",
        sa.Column("id", ID, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("success", sa.SmallInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_attempt")),
    )
    op.create_index("ix_web_login_attempt_username", "web_login_attempt", ["username", "at"])
    op.create_index("ix_web_login_attempt_ip", "web_login_attempt", ["ip", "at"])
    op.create_table(
        "web_import_job",
        sa.Column("id", ID, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=10), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("batch_id", ID, nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_import_job")),
    )
    op.create_index("ix_web_import_job_username", "web_import_job", ["username"])
    op.create_index("ix_family_source_key_only", "family", ["source_key"])

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(
            sa.text(
                "CREATE INDEX IF NOT EXISTS ix_person_nama_prefix "
                "ON person (lower(nama) text_pattern_ops)"
            )
        )
        schema = _trigram_schema(bind)
        if schema is not None:
            bind.execute(
                sa.text(
                    "CREATE INDEX IF NOT EXISTS ix_person_nama_trgm "
                    f'ON person USING gin (lower(nama) "{schema}".gin_trgm_ops)'
                )
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("DROP INDEX IF EXISTS ix_person_nama_trgm"))
        bind.execute(sa.text("DROP INDEX IF EXISTS ix_person_nama_prefix"))
    op.drop_index("ix_family_source_key_only", table_name="family")
    op.drop_index("ix_web_import_job_username", table_name="web_import_job")
    op.drop_table("web_import_job")
    op.drop_index("ix_web_login_attempt_ip", table_name="web_login_attempt")
    op.drop_index("ix_web_login_attempt_username", table_name="web_login_attempt")
    op.drop_table("web_login_attempt")
    op.drop_table("web_user")
