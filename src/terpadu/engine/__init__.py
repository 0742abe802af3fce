"""The batch engine (DuckDB or Spark), its SQL dialects, and registry snapshots in Parquet.

Names are loaded on first use: the batch engine brings Arrow, which commands that only
need snapshots (or nothing of this package) should not pay for at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from terpadu.engine.batch import (
        BatchEngine,
        DuckDBEngine,
        SparkEngine,
        open_batch_engine,
        spark_session,
    )
    from terpadu.engine.dialects import Dialect, dialect_for
    from terpadu.engine.kind import EngineKind
    from terpadu.engine.snapshot import Snapshot, SnapshotDamaged, read_snapshot, write_snapshot

_HOME = {
    "BatchEngine": "batch",
    "DuckDBEngine": "batch",
    "EngineKind": "kind",
    "Dialect": "dialects",
    "dialect_for": "dialects",
    "SparkEngine": "batch",
    "open_batch_engine": "batch",
    "spark_session": "batch",
    "Snapshot": "snapshot",
    "SnapshotDamaged": "snapshot",
    "read_snapshot": "snapshot",
    "write_snapshot": "snapshot",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"terpadu.engine.{home}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "BatchEngine",
    "Dialect",
    "DuckDBEngine",
    "EngineKind",
    "Snapshot",
    "SnapshotDamaged",
    "SparkEngine",
    "dialect_for",
    "open_batch_engine",
    "read_snapshot",
    "spark_session",
    "write_snapshot",
]
