"""Table downloads of the pages: CSV and XLSX of one frame, NIKs and codes kept as text.

The XLSX comes from the one workbook writer (:mod:`terpadu.files.xlsx_out`): identifiers
and text as text cells (a 16-digit NIK stays a NIK, not 3.6E+15, and a region code keeps
its leading zero), a frozen header row and a filter on it. The
personal columns are masked for the reader's role before either file is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, Literal

import polars as pl
from fastapi.responses import Response

from terpadu.access import Disclosure
from terpadu.files.tables import csv_text
from terpadu.files.xlsx_out import xlsx_bytes as workbook_bytes

Format = Literal["csv", "xlsx"]
FORMATS: Final = ("csv", "xlsx")
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(sheets: Sequence[tuple[str, pl.DataFrame]]) -> bytes:
    """An XLSX workbook of ``sheets`` (name, frame), written by the one workbook writer
    (:mod:`terpadu.files.xlsx_out`: identifiers as text, header frozen, filter on)."""
    named = {_SHEET_BAD.sub("_", name)[:31] or "data": frame for name, frame in sheets}
    return workbook_bytes(named)


def table_download(
    frame: pl.DataFrame,
    name: str,
    fmt: str,
    shown: Disclosure,
    sheet: str = "data",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``frame`` as ``name.csv`` or ``name.xlsx``, masked for the reader (``shown``).

    ``headers``: words for columns (column name → heading), put on after the masking,
    which knows the personal columns by their names.
    """
    masked = shown.frame(frame)
    if headers:
        masked = masked.rename({c: headers[c] for c in masked.columns if c in headers})
    if fmt == "xlsx":
        body: bytes | str = xlsx_bytes([(sheet, masked)])
        media = XLSX_TYPE
    else:
        body, media = csv_text(masked), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


__all__ = ["FORMATS", "XLSX_TYPE", "Format", "table_download", "xlsx_bytes"]
