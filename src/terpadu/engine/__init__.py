"""The batch engine (DuckDB or Spark) and registry snapshots in Parquet."""

from terpadu.engine.batch import (
    BatchEngine,
    DuckDBEngine,
    EngineKind,
    SparkEngine,
    open_batch_engine,
    spark_session,
)
from terpadu.engine.snapshot import Snapshot, SnapshotDamaged, read_snapshot, write_snapshot

__all__ = [
    "BatchEngine",
    "DuckDBEngine",
    "EngineKind",
    "Snapshot",
    "SnapshotDamaged",
    "SparkEngine",
    "open_batch_engine",
    "read_snapshot",
    "spark_session",
    "write_snapshot",
]
