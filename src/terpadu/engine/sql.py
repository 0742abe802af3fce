"""SQL expressions that DuckDB and Spark evaluate alike, shared by welfare and targeting."""

from __future__ import annotations

import datetime as dt


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


__all__ = ["age_sql"]
