"""The batch engine handle: DuckDB by default, Apache Spark for national scale.

Stages are written as SQL over named tables, so the same stage runs on both
engines. The handle registers inputs (Parquet files or Arrow tables), runs
SQL and returns Arrow tables.
"""

from __future__ import annotations

import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from terpadu.engine.dialects import DIALECTS, SQL_TYPES, Dialect
from terpadu.engine.kind import EngineKind

if TYPE_CHECKING:
    import duckdb


class BatchEngine(Protocol):
    """What every batch stage may ask of an engine."""

    kind: EngineKind
    dialect: Dialect

    def register_parquet(self, name: str, path: Path) -> None: ...

    def register_arrow(self, name: str, table: pa.Table) -> None: ...

    def sql(self, query: str) -> pa.Table: ...

    def execute(self, statement: str) -> None: ...

    def close(self) -> None: ...

    def register_table(self, name: str, table: pa.Table) -> None: ...

    def materialise(self, name: str, query: str) -> None: ...

    def drop_materialised(self, name: str) -> None: ...

    def view(self, name: str, query: str) -> None: ...

    def drop_view(self, name: str) -> None: ...


class _Tables(ABC):
    """Intermediate tables on any engine, written in the engine's dialect."""

    dialect: Dialect

    @abstractmethod
    def register_arrow(self, name: str, table: pa.Table) -> None: ...

    @abstractmethod
    def execute(self, statement: str) -> None: ...

    def register_table(self, name: str, table: pa.Table) -> None:
        """Register an Arrow table; an empty one as a typed empty view (Spark cannot infer it)."""
        if table.num_rows > 0:
            self.register_arrow(name, table)
            return
        columns = ", ".join(
            f"CAST(NULL AS {SQL_TYPES.get(str(f.type), 'STRING')}) AS {f.name}"
            for f in table.schema
        )
        self.execute(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT {columns} WHERE 1 = 0")

    def materialise(self, name: str, query: str) -> None:
        """Compute ``query`` once and keep it as ``name`` (a temp table, or a cached view)."""
        for statement in self.dialect.materialise(name, query):
            self.execute(statement)

    def drop_materialised(self, name: str) -> None:
        for statement in self.dialect.drop_materialised(name):
            self.execute(statement)

    def view(self, name: str, query: str) -> None:
        """Name ``query`` without computing it (read where it is used)."""
        self.execute(self.dialect.view(name, query))

    def drop_view(self, name: str) -> None:
        self.execute(self.dialect.drop_view(name))


class DuckDBEngine(_Tables):
    """DuckDB in-process: the default, for a kabupaten up to a province on one machine."""

    kind: EngineKind = "duckdb"
    dialect: Dialect = DIALECTS["duckdb"]

    def __init__(self, database: str = ":memory:", threads: int | None = None) -> None:
        import duckdb

        self.connection: duckdb.DuckDBPyConnection = duckdb.connect(database)
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        self._arrow: dict[str, pa.Table] = {}

    def register_parquet(self, name: str, path: Path) -> None:
        self.connection.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{path.as_posix()}')"
        )

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self._arrow[name] = table  # keep a reference while DuckDB scans it
        self.connection.register(name, table)

    def sql(self, query: str) -> pa.Table:
        return self.connection.execute(query).to_arrow_table()

    def execute(self, statement: str) -> None:
        self.connection.execute(statement)

    def close(self) -> None:
        self.connection.close()


class SparkEngine(_Tables):
    """Apache Spark (PySpark): the same SQL on a cluster, or local[*] for tests."""

    kind: EngineKind = "spark"
    dialect: Dialect = DIALECTS["spark"]

    def __init__(self, session: Any | None = None) -> None:
        self.session = session or spark_session()

    def register_parquet(self, name: str, path: Path) -> None:
        self.session.read.parquet(str(path)).createOrReplaceTempView(name)

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self.session.createDataFrame(table.to_pandas()).createOrReplaceTempView(name)

    def sql(self, query: str) -> pa.Table:
        frame = self.session.sql(query)
        if hasattr(frame, "toArrow"):
            return frame.toArrow()
        return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)

    def execute(self, statement: str) -> None:
        self.session.sql(statement)

    def close(self) -> None:
        """Spark sessions are shared per process; stopping is left to the process."""


def spark_session(app_name: str = "terpadu", checkpoint_dir: Path | None = None) -> Any:
    """A local Spark session ready for Splink (its similarity jar, a checkpoint folder).

    The faces pass ``checkpoint_dir`` (``Settings.spark_checkpoints_dir``); without one
    the checkpoints go to a fresh temporary folder.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    checkpoints = checkpoint_dir or Path(tempfile.mkdtemp(prefix="terpadu-spark-"))
    checkpoints.mkdir(parents=True, exist_ok=True)
    session = (
        SparkSession.builder.appName(app_name)
        .master("local[*]")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(str(checkpoints))
    session.sparkContext.setLogLevel("ERROR")
    return session


def open_batch_engine(kind: EngineKind = "duckdb", **options: Any) -> BatchEngine:
    """The batch engine by name."""
    if kind == "duckdb":
        return DuckDBEngine(**options)
    if kind == "spark":
        return SparkEngine(**options)
    raise ValueError(f"unknown engine {kind!r}: use duckdb or spark")
