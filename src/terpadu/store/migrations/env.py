"""Alembic environment: runs on the engine Terpadu hands it (or the settings' URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from terpadu.settings import get_settings
from terpadu.store.db import compared_with_models, make_engine
from terpadu.store.models import Base

config = context.config


def _engine() -> Engine:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(get_settings().resolved_database_url())
    return engine


def run_migrations_online() -> None:
    engine = _engine()
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=compared_with_models,
        )
        context.run_migrations()


run_migrations_online()
