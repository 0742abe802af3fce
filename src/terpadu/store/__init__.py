"""The system of record: SQLAlchemy models, sessions and Alembic migrations."""

from terpadu.store import models
from terpadu.store.db import is_initialised, make_engine, session_scope, upgrade
from terpadu.store.models import *  # noqa: F403  (the registry tables: models.__all__)

__all__ = [*models.__all__, "is_initialised", "make_engine", "session_scope", "upgrade"]
