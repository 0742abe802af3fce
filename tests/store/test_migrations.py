from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from terpadu.store import Base, make_engine, upgrade
from terpadu.store.db import (
    MIGRATIONS_DIR,
    SCHEMA_HEADS,
    compared_with_models,
    current_revision,
    is_current,
)


def test_migrations_match_the_models(engine: Engine) -> None:
    """A model change without its migration fails here, on both databases."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": compared_with_models}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_repeatable(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == before
    assert {"family", "person", "membership", "quarantine", "value_change"} <= set(
        inspect(engine).get_table_names()
    )


def test_schema_heads_are_the_heads_of_the_migration_scripts() -> None:
    """SCHEMA_HEADS lets commands skip Alembic on an up-to-date database: it must name the
    newest migration of every branch, or a new migration would never be applied."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert set(ScriptDirectory.from_config(config).get_heads()) == set(SCHEMA_HEADS)


def test_is_current_after_upgrade_and_not_before(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    with engine.begin() as conn:  # an older stamp: upgrade must go through Alembic again
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(
            text(
                "INSERT INTO alembic_version (version_num) VALUES "
                "('0002'), ('0004a'), ('0005'), ('0008'), ('0010'), ('0011')"
            )
        )
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    engine.dispose()
