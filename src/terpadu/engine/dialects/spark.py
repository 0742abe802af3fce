"""Spark SQL where it differs from DuckDB's."""

from __future__ import annotations

from terpadu.engine.dialects.base import Dialect
from terpadu.engine.kind import EngineKind


class SparkDialect(Dialect):
    kind: EngineKind = "spark"

    def sorted_join(self, expr: str, separator: str = ";") -> str:
        return f"concat_ws('{separator}', array_sort(collect_list({expr})))"

    def materialise(self, name: str, query: str) -> list[str]:
        # Spark has no temporary tables: a cached view is computed once, on first read.
        return [f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}", f"CACHE TABLE {name}"]

    def drop_materialised(self, name: str) -> list[str]:
        return [f"UNCACHE TABLE IF EXISTS {name}", f"DROP VIEW IF EXISTS {name}"]
