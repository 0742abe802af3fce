from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from terpadu.store import Base, upgrade
from terpadu.store.db import current_revision


def test_migrations_match_the_models(engine: Engine) -> None:
    """A model change without its migration fails here, on both databases."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_repeatable(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == before
    assert {"family", "person", "membership", "quarantine", "value_change"} <= set(
        inspect(engine).get_table_names()
    )
