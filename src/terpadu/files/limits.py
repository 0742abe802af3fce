"""How big an input file may be, and the error that names the limit a file passed.

A small file can ask for a great deal of memory: a CSV whose header has a million
columns, a line of 100 MB without a line break, a quote left open that swallows the rest
of the file into one value, an XLSX whose few megabytes unpack to gigabytes. The readers
check these limits before they parse (``preflight``) and, for what only parsing can tell
(one cell's length), on the raw text right after the parser, before anything copies it.
The values come from :class:`terpadu.settings.Settings` (``input_*``, ``xlsx_*``).

One long cell in a good file costs its row, not the file (``flag_long_cells``): the
other rows land. A caller that takes no partial file is refused at the first
(``check_cells``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from terpadu.files.form import ROW, InputFileError
from terpadu.files.text_cells import visible
from terpadu.settings import Settings


@dataclass(frozen=True)
class InputLimits:
    """The limits an input file must stay within (see the settings of the same names)."""

    max_bytes: int = 2 * 1024**3
    max_columns: int = 500
    max_header_chars: int = 200
    max_cell_chars: int = 10_000
    max_rows: int = 2_000_000
    max_line_bytes: int = 8 * 1024 * 1024
    xlsx_max_inflated_bytes: int = 1024**3
    xlsx_max_ratio: int = 100
    xlsx_max_sheets: int = 50
    xlsx_max_shared_strings_bytes: int = 256 * 1024**2

    @classmethod
    def from_settings(cls, s: Settings) -> InputLimits:
        return cls(
            max_bytes=s.input_max_bytes,
            max_columns=s.input_max_columns,
            max_header_chars=s.input_max_header_chars,
            max_cell_chars=s.input_max_cell_chars,
            max_rows=s.input_max_rows,
            max_line_bytes=s.input_max_line_bytes,
            xlsx_max_inflated_bytes=s.xlsx_max_inflated_bytes,
            xlsx_max_ratio=s.xlsx_max_ratio,
            xlsx_max_sheets=s.xlsx_max_sheets,
            xlsx_max_shared_strings_bytes=s.xlsx_max_shared_strings_bytes,
        )


class InputTooLarge(InputFileError):
    """The file passes one of the input limits; ``code`` names which, ``data`` holds the file,
    the limit, what was found and, where it applies, the row and the column."""

    def __init__(self, code: str, path: Path, *, sizes: bool = False, **data: Any) -> None:
        # Sizes in bytes (``sizes``) are also given in words an operator reads (``1,9 MB``).
        if sizes:
            for key in ("found", "limit"):
                if isinstance(data.get(key), int):
                    data[f"{key}_text"] = size_text(data[key])
        super().__init__(code=code, file=str(path), **data)


def size_text(size: int) -> str:
    """A size in bytes as an operator reads it, the Indonesian way (``1,9 MB``)."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} byte"


def check_header(path: Path, headers: list[str], limits: InputLimits, row: int = 1) -> None:
    """The header's width and each header's length; ``row``: the header's row number."""
    if len(headers) > limits.max_columns:
        raise InputTooLarge(
            "input_too_many_columns", path, row=row, found=len(headers), limit=limits.max_columns
        )
    for index, name in enumerate(headers, start=1):
        if len(name) > limits.max_header_chars:
            raise InputTooLarge(
                "input_header_too_long",
                path,
                column=index,
                found=len(name),
                limit=limits.max_header_chars,
            )


def check_cells(path: Path, frame: pl.DataFrame, first_row: int, limits: InputLimits) -> None:
    """Every text cell within ``max_cell_chars``; the first one beyond it is named by row
    (``first_row`` is the row number of the frame's first row) and column header.

    Bytes are measured first (one pass, no copy): a cell has at least as many bytes as
    characters, so characters are counted only in a column that may hold a long cell.
    """
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text or frame.height == 0:
        return
    widest = frame.select(pl.col(text).str.len_bytes().max()).row(0)
    for name, size in zip(text, widest, strict=True):
        if size is None or size <= limits.max_cell_chars:
            continue
        chars = frame.get_column(name).str.len_chars()
        over = (chars > limits.max_cell_chars).fill_null(False)
        if over.any():
            index = int(over.arg_true()[0])
            raise InputTooLarge(
                "input_cell_too_long",
                path,
                row=first_row + index,
                column=name,
                found=int(chars[index]),
                limit=limits.max_cell_chars,
            )


# (row, column, value, severity, code), as ISSUE_SCHEMA
LongCell = tuple[int, str, str, str, str]
LONG_CELL_CODE = "cell_too_long"
_SHOWN_CHARS = 40  # of a long cell, in the report


def flag_long_cells(
    frame: pl.DataFrame, limits: InputLimits
) -> tuple[pl.DataFrame, list[LongCell]]:
    """Rows with a cell beyond ``max_cell_chars``, each as an error naming the column, the
    length and the limit (the row is rejected, the others land), and the frame with those
    cells cut to the limit so that nothing after holds them whole (not the report either:
    it shows their start)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text or frame.height == 0:
        return frame, []
    cap = limits.max_cell_chars
    widest = frame.select(pl.col(text).str.len_bytes().max()).row(0)
    issues: list[LongCell] = []
    for name, size in zip(text, widest, strict=True):
        if size is None or size <= cap:
            continue
        hits = frame.select(
            pl.col(ROW),
            pl.col(name).str.len_chars().alias("chars"),
            pl.col(name).str.slice(0, _SHOWN_CHARS).alias("start"),
        ).filter(pl.col("chars") > cap)
        for row, chars, start in hits.iter_rows():
            value = f"{chars} karakter, batas {cap}: {visible(start)}…"
            issues.append((row, name, value, "error", LONG_CELL_CODE))
        if hits.height:
            frame = frame.with_columns(pl.col(name).str.slice(0, cap))
    return frame, issues
