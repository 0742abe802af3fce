"""Table downloads of the pages: CSV and XLSX of one frame, NIKs and codes kept as text.

The XLSX has every text column as text cells (a 16-digit NIK stays a NIK, not 3.6E+15,
and a region code keeps its leading zero), a frozen header row and a filter on it. The
personal columns are masked for the reader's role before either file is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Final, Literal

import polars as pl
from fastapi.responses import Response

from terpadu.access import Disclosure
from terpadu.files.tables import csv_text

Format = Literal["csv", "xlsx"]
FORMATS: Final = ("csv", "xlsx")
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(sheets: Sequence[tuple[str, pl.DataFrame]]) -> bytes:
    """An XLSX workbook of ``sheets`` (name, frame): text as text, header frozen, filter on."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as workbook:
        text = workbook.add_format({"num_format": "@"})
        head = workbook.add_format({"bold": True, "num_format": "@"})
        for name, frame in sheets:
            sheet = workbook.add_worksheet(_SHEET_BAD.sub("_", name)[:31] or "data")
            for col, column in enumerate(frame.columns):
                sheet.write_string(0, col, column, head)
                numeric = frame.schema[column].is_numeric()
                for row, value in enumerate(frame[column].to_list(), start=1):
                    if value is None:
                        continue
                    if numeric and not isinstance(value, bool):
                        sheet.write_number(row, col, float(value))
                    else:
                        sheet.write_string(row, col, str(value), text)
                sheet.set_column(col, col, min(max(len(column) + 2, 12), 40))
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(frame.height, 1), max(len(frame.columns) - 1, 0))
    return buffer.getvalue()


def table_download(
    frame: pl.DataFrame, name: str, fmt: str, shown: Disclosure, sheet: str = "data"
) -> Response:
    """``frame`` as ``name.csv`` or ``name.xlsx``, masked for the reader (``shown``)."""
    masked = shown.frame(frame)
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
