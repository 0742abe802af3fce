"""The engines' SQL dialects: what DuckDB and Spark write differently gives the same answer."""

import pyarrow as pa
import pytest

from terpadu.engine import BatchEngine, DuckDBEngine, dialect_for
from terpadu.engine.dialects import DuckDBDialect, SparkDialect

WORDS = pa.table({"k": [1, 1, 1, 2], "w": ["pir", "apel", "jeruk", "nanas"]})


def _check(engine: BatchEngine) -> None:
    engine.register_table("words", WORDS)
    joined = engine.dialect.sorted_join("w")
    engine.materialise("t_joined", f"SELECT k, {joined} AS ws FROM words GROUP BY k")
    rows = engine.sql("SELECT k, ws FROM t_joined ORDER BY k").to_pylist()
    assert rows == [{"k": 1, "ws": "apel;jeruk;pir"}, {"k": 2, "ws": "nanas"}]
    engine.view("t_view", "SELECT k FROM t_joined WHERE k = 2")
    assert engine.sql("SELECT count(*) AS n FROM t_view").column("n").to_pylist() == [1]
    engine.drop_view("t_view")
    engine.drop_materialised("t_joined")
    engine.drop_materialised("t_joined")  # dropping what is not there is no error
    with pytest.raises(Exception):  # noqa: B017 - each engine raises its own kind
        engine.sql("SELECT * FROM t_joined")
    # An empty table keeps its column types (Spark cannot infer them from no rows).
    empty = pa.table({"i": pa.array([], pa.int64()), "s": pa.array([], pa.string())})
    engine.register_table("t_empty", empty)
    result = engine.sql("SELECT i + 1 AS j, concat(s, 'x') AS t FROM t_empty")
    assert result.num_rows == 0 and result.column_names == ["j", "t"]


def test_dialect_by_engine_kind() -> None:
    assert isinstance(dialect_for("duckdb"), DuckDBDialect)
    assert isinstance(dialect_for("spark"), SparkDialect)
    with pytest.raises(ValueError, match="unknown engine"):
        dialect_for("sqlite")  # type: ignore[arg-type]


def test_duckdb_dialect() -> None:
    engine = DuckDBEngine()
    try:
        assert engine.dialect.kind == engine.kind
        _check(engine)
    finally:
        engine.close()


@pytest.mark.spark
def test_spark_dialect() -> None:
    pytest.importorskip("pyspark")
    from terpadu.engine import SparkEngine

    engine = SparkEngine()
    try:
        assert engine.dialect.kind == engine.kind
        _check(engine)
    finally:
        engine.close()
