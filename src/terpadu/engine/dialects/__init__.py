"""The SQL dialects of the batch engines, one module per engine."""

from __future__ import annotations

from terpadu.engine.dialects.base import SQL_TYPES, Dialect, age_sql, date_literal
from terpadu.engine.dialects.duckdb import DuckDBDialect
from terpadu.engine.dialects.spark import SparkDialect
from terpadu.engine.kind import EngineKind

DIALECTS: dict[EngineKind, Dialect] = {"duckdb": DuckDBDialect(), "spark": SparkDialect()}


def dialect_for(kind: EngineKind) -> Dialect:
    """The dialect of the engine ``kind``."""
    try:
        return DIALECTS[kind]
    except KeyError:
        raise ValueError(f"unknown engine {kind!r}: use duckdb or spark") from None


__all__ = [
    "DIALECTS",
    "SQL_TYPES",
    "Dialect",
    "DuckDBDialect",
    "SparkDialect",
    "age_sql",
    "date_literal",
    "dialect_for",
]
