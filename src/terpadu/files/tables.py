"""Write a table to CSV, XLSX or Parquet, chosen by the file's extension.

Every CSV Terpadu writes is spreadsheet-safe: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run as a formula when the file is opened
in a spreadsheet (``=HYPERLINK(...)`` sending data away, ``+cmd|' /C calc'!A0``), so such a
cell is written with a leading apostrophe, as OWASP recommends for CSV injection. Number
columns are left alone (a negative number is a number); XLSX cells are written as typed text
and need nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from terpadu.files.xlsx_out import TooManyRows, write_xlsx

if TYPE_CHECKING:  # terpadu.access reads files through this package
    from terpadu.access import Disclosure

#: What a spreadsheet takes as the start of a formula.
FORMULA_START = r"^[=+\-@\t\r]"


class TableFormatError(ValueError):
    """The file name asks for a format Terpadu does not write."""


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text cell a spreadsheet would run as a formula prefixed with an
    apostrophe (see the module's docstring)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def csv_text(frame: pl.DataFrame, *, shown: Disclosure | None = None) -> str:
    """``frame`` as spreadsheet-safe CSV text (for downloads), masked for ``shown``."""
    if shown is not None:
        frame = shown.frame(frame)
    return spreadsheet_safe(frame).write_csv()


def write_table(
    frame: pl.DataFrame, path: Path, sheet: str = "data", *, shown: Disclosure | None = None
) -> Path:
    """Write ``frame`` to ``path`` as .csv, .xlsx or .parquet.

    ``shown``: the reader's :class:`~terpadu.access.Disclosure`; their personal columns
    (NIK, NO_KK, TGL_LAHIR, KODE_WILAYAH, ALAMAT …) are masked before anything is written.
    """
    if shown is not None:
        frame = shown.frame(frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        spreadsheet_safe(frame).write_csv(path)
    elif suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".xlsx":
        try:
            # Frozen header, filter, widths; identifiers as text so Excel keeps their digits.
            write_xlsx(frame, path, sheet)
        except TooManyRows as exc:
            raise TableFormatError(f"{path}: {exc}") from exc
    else:
        raise TableFormatError(f"{path}: gunakan akhiran .csv, .xlsx atau .parquet")
    return path
