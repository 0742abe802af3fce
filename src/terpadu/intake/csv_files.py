"""CSV files: encoding, separator, title rows, and rows longer than the header.

polars reads a well-formed file straight from disk; a file it refuses for a
row with more values than the header is read again record by record, so
that only that row is rejected.
"""

from __future__ import annotations

import csv
import io
from itertools import chain, repeat
from pathlib import Path

import polars as pl

from terpadu.intake.form import HEADER_SEARCH_ROWS, InputFileError, header_row, unique_headers

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text" export
# A row longer than the header: (row number, number of values, the row as received).
LongRow = tuple[int, int, str]


def _decode(data: bytes) -> tuple[str, str]:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 with its BOM, else
    Windows-1252."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def _sniff_delimiter(first_line: str) -> str:
    counts = {sep: 0 for sep in (",", ";", "\t", "|")}
    in_quotes = False
    for char in first_line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _split_line(line: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=_sniff_delimiter(line)), [])
    except csv.Error:  # not text: the reader says so below
        return [line]


def _read_csv_records(
    text: str, delimiter: str, above_header: int
) -> tuple[pl.DataFrame, list[LongRow]]:
    """A CSV whose rows do not all have the header's width, record by record.

    Values beyond the header's width that are blank (trailing separators) are
    dropped; a row with more values is cut to the header's width and listed as
    (row number, number of values, the row as received). Short rows are padded.
    Slower than polars' reader, so it only reads files that one refused.
    """
    lines = io.StringIO(text)
    for _ in range(above_header):
        lines.readline()
    records = csv.reader(lines, delimiter=delimiter, quotechar='"')
    header = unique_headers([name.strip() for name in next(records, [])])
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    long_rows: list[LongRow] = []
    for index, record in enumerate(records):
        if len(record) > width and any(value.strip() for value in record[width:]):
            long_rows.append((index + 2 + above_header, len(record), delimiter.join(record)))
        for column, value in zip(columns, chain(record[:width], repeat(None)), strict=False):
            column.append(value if value else None)
    frame = pl.DataFrame(
        {
            name: pl.Series(name, values, dtype=pl.Utf8)
            for name, values in zip(header, columns, strict=True)
        }
    )
    return frame, long_rows


def read_csv(path: Path) -> tuple[pl.DataFrame, str, str, int, list[LongRow]]:
    """(table, encoding, delimiter, lines above the header, rows longer than the header)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise InputFileError(f"{path}: berkas kosong (empty file)")
    utf16 = head.startswith(_UTF16_BOMS)
    bom = utf16 or head.startswith(b"\xef\xbb\xbf")
    head_text = head.decode("utf-16" if utf16 else "utf-8", errors="replace")
    first_lines = head_text.lstrip("\ufeff").split("\n")
    first_lines = [line.rstrip("\r") for line in first_lines[:HEADER_SEARCH_ROWS]]
    above_header = header_row([_split_line(line) for line in first_lines])
    delimiter = _sniff_delimiter(first_lines[above_header])
    options: dict[str, object] = {
        "separator": delimiter,
        "infer_schema": False,
        "has_header": True,
        "quote_char": '"',
        "raise_if_empty": False,
    }
    if above_header:
        options["skip_lines"] = above_header
    decoded: tuple[str, str] | None = None  # (text, encoding), once the file was decoded
    try:
        if not bom:
            try:  # the common case, read straight from the file
                frame = pl.read_csv(path, **options)  # type: ignore[arg-type]
                return frame, "utf-8", delimiter, above_header, []
            except pl.exceptions.ComputeError as exc:
                if "utf-8" not in str(exc).lower():
                    raise
        decoded = _decode(path.read_bytes())
        text, encoding = decoded
        frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), **options)  # type: ignore[arg-type]
    except pl.exceptions.ComputeError:
        # Rows longer than the header (polars refuses the file): read record by record.
        text, encoding = decoded or _decode(path.read_bytes())
        try:
            frame, long_rows = _read_csv_records(text, delimiter, above_header)
        except csv.Error as exc:
            raise InputFileError(
                f"{path}: isi CSV rusak (tanda kutip tidak ditutup, atau berkas ini bukan teks "
                f"CSV): {exc}"
            ) from exc
        return frame, encoding, delimiter, above_header, long_rows
    return frame, encoding, delimiter, above_header, []
