"""Workbooks and Parquet files, read as text without trusting what a spreadsheet rounded.

Excel keeps 15 significant digits of a number, so a long number cell (a NIK typed
as a number) is given the way Excel shows it and the identity checks reject it;
Parquet float columns, which came through a spreadsheet, follow the same rule.
"""

from __future__ import annotations

import datetime as dt
from itertools import chain, islice
from pathlib import Path
from typing import Any

import polars as pl

from terpadu.files.form import HEADER_SEARCH_ROWS, InputFileError, header_row, unique_headers
from terpadu.files.limits import InputLimits, InputTooLarge, check_header

# Excel keeps 15 significant digits of a number; a 16-digit NIK typed into a number cell
# is saved with its last digit as 0 (3604051507870001 → 3604051507870000).
EXCEL_DIGITS = 15


def _long_number_text(value: int) -> str:
    """A whole number of 16 or more digits, as exact as the cell can be trusted.

    Ending in a non-zero digit, it was written by a program, not rounded by
    Excel: its digits are exact. Ending in zeros, digits may have been dropped;
    it is given the way Excel shows it (``3.60405150787E+15``), which the identity
    checks reject as digits lost rather than accept a wrong NIK.
    """
    digits = str(abs(value))
    if not digits.endswith("0"):
        return str(value)
    significant = digits.rstrip("0")
    mantissa = significant[0] + (f".{significant[1:]}" if len(significant) > 1 else "")
    return f"{'-' if value < 0 else ''}{mantissa}E+{len(digits) - 1}"


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float) and abs(value) >= 10**EXCEL_DIGITS:
        if isinstance(value, int) or value.is_integer():
            return _long_number_text(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text


def _first_visible(workbook: Any) -> Any:
    """The first sheet the user sees: a hidden one first (code lists, lookups) is not it."""
    for worksheet in workbook.worksheets:
        if getattr(worksheet, "sheet_state", "visible") == "visible":
            return worksheet
    return workbook.worksheets[0]


def _xlsx_cells(
    path: Path, workbook: Any, sheet: str | None, limits: InputLimits
) -> tuple[list[str], list[list[str | None]], int]:
    """(header as written, columns of cell texts, rows above the header) of one sheet;
    closes the book.

    The sheet's stated size (its ``dimension``) is not trusted: a sheet claiming
    A1:XFD1048576 would have every row padded to 16,384 cells. Rows beyond
    ``max_rows`` refuse the file as they come (a cell's length is judged by the caller,
    row by row: the workbook's unpacked size bounds them all).
    """
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputFileError(
                f"{path}: sheet '{sheet}' tidak ada (sheet yang ada: "
                f"{', '.join(workbook.sheetnames)})"
            )
        worksheet = workbook[sheet] if sheet is not None else _first_visible(workbook)
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=True)
        first = [tuple(values or ()) for values in islice(rows, HEADER_SEARCH_ROWS)]
        if not any(v is not None and str(v).strip() for values in first for v in values):
            return [], [], 0
        above_header = header_row(first)
        header = [str(v).strip() if v is not None else "" for v in first[above_header]]
        if len(header) > limits.max_columns:  # blank cells after the last header: not columns
            header = header[: max((i + 1 for i, name in enumerate(header) if name), default=0)]
        check_header(path, header, limits, row=above_header + 1)
        columns: list[list[str | None]] = [[] for _ in header]
        for number, values in enumerate(chain(first[above_header + 1 :], rows)):
            if number >= limits.max_rows:
                raise InputTooLarge("input_too_many_rows", path, limit=limits.max_rows)
            cells = list(values or ()) + [None] * (len(header) - len(values or ()))
            for index in range(len(header)):
                columns[index].append(_cell_text(cells[index]))
        return header, columns, above_header
    finally:
        workbook.close()


def read_xlsx(
    path: Path, sheet: str | None, limits: InputLimits | None = None
) -> tuple[pl.DataFrame, int, list[str]]:
    """(table, rows above the header, each column's header as written); ``limits``: see
    ``_xlsx_cells`` (the workbook's zip is checked before, by ``preflight``)."""
    from openpyxl import load_workbook

    # Opened by us, not by name: openpyxl refuses a workbook whose name does not end in .xlsx.
    with path.open("rb") as handle:
        header, columns, above_header = _xlsx_cells(
            path,
            load_workbook(handle, read_only=True, data_only=True),
            sheet,
            limits or InputLimits(),
        )
    frame = pl.DataFrame(
        {
            name: pl.Series(name, col, dtype=pl.Utf8)
            for name, col in zip(unique_headers(header), columns, strict=True)
        }
    )
    return frame, above_header, header


def _float_text(column: pl.Expr) -> pl.Expr:
    """Floats as text; whole numbers of 16 or more digits as ``_long_number_text`` gives them.

    A NIK stored as a float has passed through a spreadsheet (a typed export would hold
    text or integers), so the same 15-digit rule as for XLSX cells applies.
    """
    long = column.is_finite() & (column.abs() >= 10**EXCEL_DIGITS) & (column.round(0) == column)
    digits = column.abs().cast(pl.Int64, strict=False).cast(pl.Utf8)
    significant = digits.str.strip_chars_end("0")
    mantissa = (
        pl.when(significant.str.len_chars() > 1)
        .then(pl.concat_str([significant.str.head(1), pl.lit("."), significant.str.slice(1)]))
        .otherwise(significant)
    )
    sign = pl.when(column < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    rounded = pl.concat_str(
        [sign, mantissa, pl.lit("E+"), (digits.str.len_chars() - 1).cast(pl.Utf8)]
    )
    exact = pl.concat_str([sign, digits])
    return (
        pl.when(long & digits.str.ends_with("0"))
        .then(rounded)
        .when(long)
        .then(exact)
        .otherwise(column.cast(pl.Utf8))
    )


def read_parquet(path: Path) -> pl.DataFrame:
    frame = pl.read_parquet(path)
    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Utf8:
            casts.append(pl.col(name))
        elif dtype.is_temporal():
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d").alias(name))
        elif dtype.is_float():
            casts.append(_float_text(pl.col(name)).alias(name))
        else:
            casts.append(pl.col(name).cast(pl.Utf8).alias(name))
    return frame.select(casts)
