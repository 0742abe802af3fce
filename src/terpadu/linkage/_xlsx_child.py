"""Child process: write Parquet tables as XLSX workbooks (``terpadu.tables.write_table``).

A link run hands its family reports to this process so that building the workbooks (several
seconds of one core at a hundred thousand rows) overlaps the run's own writes to the
registry. Input on stdin (JSON): a list of ``[parquet, xlsx]`` paths.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

from terpadu.files import write_table


def main() -> None:
    for source, target in json.load(sys.stdin):
        write_table(pl.read_parquet(source), Path(target))
        Path(source).unlink()


if __name__ == "__main__":
    main()
