"""web: name search reads its own table of person names (PostgreSQL)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 09:30:00

The trigram index for name search moves from ``person`` to ``person_name``
(person id and name, indexed on ``lower(nama)`` as before). A large import
writes that table on a second connection while its own transaction goes on,
so PostgreSQL builds the single-threaded trigram index on the other core
instead of in the import's one backend (see :mod:`terpadu.store.name_search`).
Every other write keeps the table in step inside its own transaction through
two triggers: one per INSERT statement on ``person`` and one per row whose
``nama`` changes.

SQLite has no such table: its name search reads ``person`` directly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema holding pg_trgm (migration 0006 created it where it could), or None."""
    found = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    return None if found is None else str(found)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = str(bind.execute(sa.text("SELECT current_schema()")).scalar_one())
    names = f'"{schema}".person_name'
    bind.execute(
        sa.text(
            "CREATE TABLE person_name (person_id BIGINT NOT NULL, nama TEXT NOT NULL, "
            "CONSTRAINT pk_person_name PRIMARY KEY (person_id))"
        )
    )
    bind.execute(sa.text("INSERT INTO person_name SELECT id, nama FROM person"))
    trigram = _trigram_schema(bind)
    if trigram is not None:
        bind.execute(
            sa.text(
                "CREATE INDEX ix_person_name_trgm "
                f'ON person_name USING gin (lower(nama) "{trigram}".gin_trgm_ops)'
            )
        )
    bind.execute(sa.text("DROP INDEX IF EXISTS ix_person_nama_trgm"))
    # The table is named with its schema so that the triggers find it whatever the
    # search_path of the session that writes a person.
    bind.execute(
        sa.text(
            "CREATE FUNCTION person_name_inserted() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {names} (person_id, nama) "
            "SELECT id, nama FROM inserted; RETURN NULL; END $$"
        )
    )
    bind.execute(
        sa.text(
            "CREATE TRIGGER person_name_on_insert AFTER INSERT ON person "
            "REFERENCING NEW TABLE AS inserted "
            "FOR EACH STATEMENT EXECUTE FUNCTION person_name_inserted()"
        )
    )
    bind.execute(
        sa.text(
            "CREATE FUNCTION person_name_renamed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN INSERT INTO {names} (person_id, nama) VALUES (NEW.id, NEW.nama) "
            "ON CONFLICT (person_id) DO UPDATE SET nama = excluded.nama; "
            "RETURN NULL; END $$"
        )
    )
    # Per row, and only for rows whose name changes: an UPDATE of other columns (a status,
    # a resolved person) does not fire it at all.
    bind.execute(
        sa.text(
            "CREATE TRIGGER person_name_on_rename AFTER UPDATE OF nama ON person "
            "FOR EACH ROW WHEN (OLD.nama IS DISTINCT FROM NEW.nama) "
            "EXECUTE FUNCTION person_name_renamed()"
        )
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.execute(sa.text("DROP TRIGGER IF EXISTS person_name_on_rename ON person"))
    bind.execute(sa.text("DROP TRIGGER IF EXISTS person_name_on_insert ON person"))
    bind.execute(sa.text("DROP FUNCTION IF EXISTS person_name_renamed()"))
    bind.execute(sa.text("DROP FUNCTION IF EXISTS person_name_inserted()"))
    bind.execute(sa.text("DROP TABLE IF EXISTS person_name"))
    trigram = _trigram_schema(bind)
    if trigram is not None:
        bind.execute(
            sa.text(
                "CREATE INDEX IF NOT EXISTS ix_person_nama_trgm "
                f'ON person USING gin (lower(nama) "{trigram}".gin_trgm_ops)'
            )
        )
