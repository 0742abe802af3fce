"""Child process: read registry tables from SQLite through ADBC into Parquet.

ADBC brings its own SQLite library. Two SQLite libraries in one process break
each other's POSIX file locks, so the parent (which holds the database open
through Python's sqlite3) runs this in a separate process, like any other
reader. Input on stdin (JSON): the database path and, per table, the query,
the output file and the polars type of each column.
"""

from __future__ import annotations

import json
import sys

import adbc_driver_sqlite.dbapi as adbc_sqlite
import polars as pl

TYPES = {"int": pl.Int64(), "float": pl.Float64(), "text": pl.Utf8()}


def main() -> None:
    spec = json.load(sys.stdin)
    connection = adbc_sqlite.connect(spec["database"])
    try:
        for table in spec["tables"]:  # one connection, one read transaction: consistent
            with connection.cursor() as cursor:
                # Type inference looks at the first batch only: make it the whole result,
                # so a column that is null for a while and text later is read as text.
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000000"})
                cursor.execute(table["sql"])
                frame = pl.from_arrow(cursor.fetch_arrow_table())
            assert isinstance(frame, pl.DataFrame)
            schema = {name: TYPES[kind] for name, kind in table["schema"].items()}
            frame = frame.select(
                pl.col(name).cast(dtype, strict=False) for name, dtype in schema.items()
            )
            frame.write_parquet(table["out"])
    finally:
        connection.rollback()
        connection.close()


if __name__ == "__main__":
    main()
