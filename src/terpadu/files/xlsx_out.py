"""Write a table as an XLSX workbook people can work in: frozen header, filter, readable widths.

Every XLSX Terpadu hands out (downloads in the web, ``--errors`` and ``--out`` files of the
CLI) goes through :func:`write_xlsx`. Text is written as text cells in a text-formatted
column, so a 16-digit NIK or KK number stays ``3201010101900001`` and never becomes
``3.2E+15`` (the damage the importer refuses); identifier columns are text even when the
frame holds them as numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import IO, Any, Final

import polars as pl

#: The most data rows a worksheet holds (Excel's 1,048,576 rows less the header).
XLSX_MAX_ROWS: Final = 1_048_575
#: Column names that identify people, families, records or regions: always text cells.
IDENTIFIER: Final = re.compile(
    r"^(NIK|NO_?KK|KK|NIK_.*|.*_NIK|ID|ID_.*|.*_ID|KODE.*|.*_KODE|KD_.*|PERSON_ID|FAMILY_ID)$",
    re.IGNORECASE,
)
#: Widths are measured on the first rows only (a million rows need not all be read).
WIDTH_SAMPLE: Final = 1_000
MIN_WIDTH, MAX_WIDTH = 6, 60


class TooManyRows(ValueError):
    """More rows than one worksheet holds."""


def is_identifier(name: str) -> bool:
    return bool(IDENTIFIER.match(name))


def _as_written(frame: pl.DataFrame) -> pl.DataFrame:
    """Identifier columns as text (a number column named NIK would lose its digits)."""
    casts = [
        pl.col(name).cast(pl.Utf8)
        for name, dtype in frame.schema.items()
        if is_identifier(name) and dtype != pl.Utf8 and dtype.is_numeric()
    ]
    return frame.with_columns(casts) if casts else frame


def _width(name: str, column: pl.Series) -> float:
    lengths = column.head(WIDTH_SAMPLE).cast(pl.Utf8, strict=False).str.len_chars().drop_nulls()
    longest = max([len(name), *lengths.to_list()])
    return float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))


def write_xlsx(frame: pl.DataFrame, target: Path | IO[bytes], sheet: str = "data") -> None:
    """Write ``frame`` to ``target`` (a path or a binary stream) as one worksheet."""
    write_sheets({sheet: frame}, target)


def write_sheets(sheets: dict[str, pl.DataFrame], target: Path | IO[bytes]) -> None:
    """Write each frame of ``sheets`` as a worksheet of one workbook, in order."""
    import xlsxwriter  # imported here: only downloads and --out files need it

    for frame in sheets.values():
        if frame.height > XLSX_MAX_ROWS:
            raise TooManyRows(
                f"{frame.height} baris melebihi batas Excel ({XLSX_MAX_ROWS}); "
                "gunakan .csv atau .parquet"
            )
    options: dict[str, Any] = {"constant_memory": True, "strings_to_numbers": False}
    if not isinstance(target, Path):
        options["in_memory"] = True
    workbook = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
    try:
        formats = {
            "header": workbook.add_format({"bold": True, "bg_color": "#E8EFEA", "bottom": 1}),
            "text": workbook.add_format({"num_format": "@"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        }
        for name, frame in sheets.items():
            _sheet(workbook.add_worksheet(name[:31] or "data"), _as_written(frame), formats)
    finally:
        workbook.close()


def _kind(dtype: pl.DataType) -> str:
    if dtype == pl.Utf8 or dtype == pl.Categorical:
        return "text"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Datetime:
        return "datetime"
    if dtype.is_numeric() or dtype == pl.Boolean:
        return "number"
    return "text"  # lists, structs: written as their text


def _sheet(ws: Any, frame: pl.DataFrame, formats: dict[str, Any]) -> None:
    kinds = [_kind(dtype) for dtype in frame.schema.values()]
    for index, name in enumerate(frame.columns):
        ws.set_column(index, index, _width(name, frame[name]), formats.get(kinds[index]))
        ws.write_string(0, index, name, formats["header"])
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is not None:
                _write(ws, r, c, value, kinds[c], formats)
    # The header stays in view and every column can be filtered.
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(frame.height, 1), max(frame.width - 1, 0))


def _write(ws: Any, r: int, c: int, value: Any, kind: str, formats: dict[str, Any]) -> None:
    if kind == "number":
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif not (isinstance(value, float) and value != value):  # NaN: an empty cell
            ws.write_number(r, c, value)
    elif kind == "date" and isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats["date"])
    elif kind == "datetime" and isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), formats["datetime"])
    else:
        ws.write_string(r, c, str(value), formats["text"])


def xlsx_bytes(frame: pl.DataFrame | dict[str, pl.DataFrame], sheet: str = "data") -> bytes:
    """``frame`` (or several sheets) as the bytes of an XLSX workbook, for a download."""
    buffer = io.BytesIO()
    write_sheets(frame if isinstance(frame, dict) else {sheet: frame}, buffer)
    return buffer.getvalue()


#: The media type of an XLSX download.
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
