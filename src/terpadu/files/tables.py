"""Write a table to CSV, XLSX or Parquet, chosen by the file's extension."""

from __future__ import annotations

from pathlib import Path

import polars as pl

XLSX_MAX_ROWS = 1_048_575


class TableFormatError(ValueError):
    """The file name asks for a format Terpadu does not write."""


def write_table(frame: pl.DataFrame, path: Path, sheet: str = "data") -> Path:
    """Write ``frame`` to ``path`` as .csv, .xlsx or .parquet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        if frame.height > XLSX_MAX_ROWS:
            raise TableFormatError(
                f"{path}: {frame.height} baris melebihi batas Excel ({XLSX_MAX_ROWS}); "
                "gunakan .csv atau .parquet"
            )
        # Identity numbers and codes stay text so Excel does not damage them.
        frame.write_excel(
            path, worksheet=sheet, autofit=frame.height <= 10_000, dtype_formats={pl.Utf8: "@"}
        )
    else:
        raise TableFormatError(f"{path}: gunakan akhiran .csv, .xlsx atau .parquet")
    return path
