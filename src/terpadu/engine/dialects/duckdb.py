"""DuckDB's SQL where it differs from Spark's."""

from __future__ import annotations

from terpadu.engine.dialects.base import Dialect
from terpadu.engine.kind import EngineKind


class DuckDBDialect(Dialect):
    kind: EngineKind = "duckdb"

    def sorted_join(self, expr: str, separator: str = ";") -> str:
        return f"string_agg({expr}, '{separator}' ORDER BY {expr})"

    def materialise(self, name: str, query: str) -> list[str]:
        return [f"CREATE OR REPLACE TEMP TABLE {name} AS {query}"]

    def drop_materialised(self, name: str) -> list[str]:
        return [f"DROP TABLE IF EXISTS {name}"]
