"""The system of record: SQLAlchemy models, sessions and Alembic migrations."""

from terpadu.store.db import is_initialised, make_engine, session_scope, upgrade
from terpadu.store.models import (
    Base,
    Batch,
    BatchFile,
    Family,
    Membership,
    Person,
    QuarantineEntry,
    Source,
    StatusEvent,
    ValueChange,
)

__all__ = [
    "Base",
    "Batch",
    "BatchFile",
    "Family",
    "Membership",
    "Person",
    "QuarantineEntry",
    "Source",
    "StatusEvent",
    "ValueChange",
    "is_initialised",
    "make_engine",
    "session_scope",
    "upgrade",
]
