"""What every batch engine's SQL shares, and the few places a dialect must say its own.

Stages are written once as SQL over named tables. Where DuckDB and Spark SQL read the
same, the expression lives here; where they differ (sorted list aggregation, keeping a
result for reuse, dropping it again), each dialect module writes its own form, as
splink's dialects do.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from terpadu.engine.kind import EngineKind

#: Arrow types of registered tables and their SQL names (both engines accept these).
SQL_TYPES: dict[str, str] = {
    "int64": "BIGINT",
    "int32": "INT",
    "double": "DOUBLE",
    "string": "STRING",
    "large_string": "STRING",
}


def date_literal(day: dt.date) -> str:
    """A date constant both engines read alike."""
    return f"DATE '{day.isoformat()}'"


def age_sql(column: str, on: dt.date) -> str:
    """Completed years at ``on`` of the date in ``column`` (NULL stays NULL).

    Written with plain date parts rather than an engine's own ``date_diff``, so both
    engines give the same answer: a birthday on 29 February is reached on 1 March in a
    common year.
    """
    return (
        f"({on.year} - year({column}) - CASE WHEN month({column}) > {on.month} OR "
        f"(month({column}) = {on.month} AND dayofmonth({column}) > {on.day}) THEN 1 ELSE 0 END)"
    )


class Dialect(ABC):
    """One engine's SQL: the shared expressions, and its own where the engines differ."""

    kind: EngineKind

    def age(self, column: str, on: dt.date) -> str:
        return age_sql(column, on)

    def date(self, day: dt.date) -> str:
        return date_literal(day)

    @abstractmethod
    def sorted_join(self, expr: str, separator: str = ";") -> str:
        """The group's values of ``expr``, sorted and joined by ``separator`` (an aggregate)."""

    @abstractmethod
    def materialise(self, name: str, query: str) -> list[str]:
        """Statements that compute ``query`` once and keep the result as ``name``."""

    @abstractmethod
    def drop_materialised(self, name: str) -> list[str]:
        """Statements that drop what :meth:`materialise` kept (nothing if it is not there)."""

    def view(self, name: str, query: str) -> str:
        """Name ``query`` without computing it."""
        return f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}"

    def drop_view(self, name: str) -> str:
        return f"DROP VIEW IF EXISTS {name}"
