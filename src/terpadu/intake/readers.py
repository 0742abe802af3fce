"""Read an input file (CSV, XLSX, Parquet) into a table of text cells.

Everything is read as text: cleaning and checking decide what a value means,
so nothing is lost to a reader's type guess (a NIK read as a float loses
digits; one typed into an Excel number cell already lost its 16th, see
``_long_number_text``). Each row keeps its number as the operator sees it in a
spreadsheet or editor: with the header in row 1 the first data row is row 2,
and title rows above the header (see ``header_row``) shift both.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any

import polars as pl

ROW = "__row"
# One problem with one cell or row: the row, the column, the value as received, its weight.
ISSUE_SCHEMA = pl.Schema(
    {
        ROW: pl.Int64(),
        "column": pl.Utf8(),
        "value": pl.Utf8(),
        "severity": pl.Utf8(),
        "code": pl.Utf8(),
    }
)
# The column named by a problem that concerns a whole row.
WHOLE_ROW = "BARIS"
# Title and note rows above a table's header are looked for among this many first rows.
HEADER_SEARCH_ROWS = 10


class InputFileError(Exception):
    """The file as a whole cannot be read; the message names the file and why."""


@dataclass(frozen=True)
class RawTable:
    """A file read as text, with the facts the import report shows."""

    path: Path
    frame: pl.DataFrame  # all columns Utf8 (original headers, cells trimmed) plus ROW (Int64)
    file_format: str
    encoding: str | None
    delimiter: str | None
    sha256: str
    size_bytes: int
    # Rows the reader could not split into the header's columns (ISSUE_SCHEMA).
    row_issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ISSUE_SCHEMA))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Spreadsheet formats recognised only to say how to convert them.
UNSUPPORTED_FORMATS = {"xls": "Excel 97-2003 (.xls)", "ods": "OpenDocument (.ods)"}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the container of .xls files
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text" export


def detect_format(path: Path) -> str:
    """The file's format: by its first bytes for the binary formats (a workbook renamed
    ``.csv`` is still a workbook), else by its extension; text is CSV."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    suffix = path.suffix.lower()
    if magic == b"PK\x03\x04":  # a zip: XLSX, or an OpenDocument sheet
        return "ods" if suffix == ".ods" else "xlsx"
    if magic == b"PAR1":
        return "parquet"
    if magic == _OLE2_MAGIC:
        return "xls"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".xls", ".ods"}:
        return suffix[1:]
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    return "csv"


def require_file(path: Path) -> None:
    if not path.exists():
        raise InputFileError(f"{path}: berkas tidak ditemukan (file not found)")


def read_table(
    path: Path,
    sheet: str | None = None,
    *,
    sha256: str | None = None,
    report_long_rows: bool = False,
) -> RawTable:
    """Read ``path`` by its format; raise ``InputFileError`` with a clear reason.

    ``sha256``: the file's digest when the caller has taken it already.
    ``report_long_rows``: a CSV row with more values than the header has columns
    (a separator inside an unquoted value shifts every value after it) is kept
    with the header's width and reported in ``row_issues``, for a caller that
    rejects such rows one by one; otherwise the first one refuses the file.
    """
    require_file(path)
    file_format = detect_format(path)
    if sheet is not None and file_format != "xlsx":
        raise InputFileError(f"{path}: sheet '{sheet}' diminta, padahal berkas ini bukan XLSX")
    if file_format in UNSUPPORTED_FORMATS:
        raise InputFileError(
            f"{path}: format {UNSUPPORTED_FORMATS[file_format]} belum didukung; buka berkasnya "
            "di Excel atau LibreOffice lalu simpan sebagai .xlsx atau CSV"
        )
    size = path.stat().st_size
    sha = sha256 or file_digest(path)
    encoding: str | None = None
    delimiter: str | None = None
    above_header = 0  # title and note rows above the header (see header_row)
    long_rows: list[tuple[int, int, str]] = []
    try:
        if file_format == "csv":
            frame, encoding, delimiter, above_header, long_rows = _read_csv(path)
        elif file_format == "xlsx":
            frame, above_header = _read_xlsx(path, sheet)
        else:
            frame = _read_parquet(path)
    except InputFileError:
        raise
    except Exception as exc:  # the reader's own words, behind our file name
        raise InputFileError(
            f"{path}: berkas tidak bisa dibaca sebagai {file_format}: {exc}"
        ) from exc
    if frame.width == 0:
        raise InputFileError(f"{path}: berkas kosong, tidak ada baris judul (header)")
    # A column without a header (a spreadsheet's index column) is named by its place,
    # as in XLSX files, so its values are kept under a name an operator can find.
    frame = frame.rename(
        {name: f"KOLOM_{index + 1}" for index, name in enumerate(frame.columns) if not name.strip()}
    )
    frame = frame.with_row_index(ROW, offset=2 + above_header).with_columns(
        pl.col(ROW).cast(pl.Int64)
    )
    if long_rows and not report_long_rows:
        row, values, _ = long_rows[0]
        raise InputFileError(
            f"{path}: baris {row} berisi {values} nilai, padahal judul hanya {frame.width - 1} "
            f"kolom (ada pemisah '{delimiter}' di dalam nilai yang tidak diberi tanda kutip?); "
            f"{len(long_rows)} baris seperti ini"
        )
    issues = pl.DataFrame(
        {
            ROW: [row for row, _, _ in long_rows],
            "column": [WHOLE_ROW] * len(long_rows),
            "value": [text for _, _, text in long_rows],
            "severity": ["error"] * len(long_rows),
            "code": ["row_too_many_fields"] * len(long_rows),
        },
        schema=ISSUE_SCHEMA,
    )
    return RawTable(
        path, _without_blank_rows(frame), file_format, encoding, delimiter, sha, size, issues
    )


def _without_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim every cell (blank becomes null) and drop rows with no value left.

    Blank lines and ``;;;;`` rows left by spreadsheets are not data: neither
    landed nor rejected. The other rows keep the row numbers they have in the
    file. Trimming here, once, means no second copy of the table later.
    """
    data = [c for c in frame.columns if c != ROW]
    trimmed = frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in data)
    return trimmed.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in data))


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


def header_row(rows: Sequence[Sequence[object]]) -> int:
    """Which of a file's first rows is the header.

    Spreadsheets often open with a title (*DATA KELUARGA DESA ...*), a line of
    notes or a blank row above the table. The header is the first row with at
    least two values and at least half as many as the fullest of these rows; a
    file of one column has its header in its first non-blank row.
    """
    filled = [sum(1 for v in row if v is not None and str(v).strip()) for row in rows]
    widest = max(filled, default=0)
    for index, count in enumerate(filled):
        if count >= 2 and count * 2 >= widest:
            return index
    return next((index for index, count in enumerate(filled) if count), 0)


def _split_line(line: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=_sniff_delimiter(line)), [])
    except csv.Error:  # not text: the reader says so below
        return [line]


def _read_csv_records(
    text: str, delimiter: str, above_header: int
) -> tuple[pl.DataFrame, list[tuple[int, int, str]]]:
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
    header = _unique_headers([name.strip() for name in next(records, [])])
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    long_rows: list[tuple[int, int, str]] = []
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


def _read_csv(path: Path) -> tuple[pl.DataFrame, str, str, int, list[tuple[int, int, str]]]:
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
    try:
        if not bom:
            try:  # the common case, read straight from the file
                frame = pl.read_csv(path, **options)  # type: ignore[arg-type]
                return frame, "utf-8", delimiter, above_header, []
            except pl.exceptions.ComputeError as exc:
                if "utf-8" not in str(exc).lower():
                    raise
        text, encoding = _decode(path.read_bytes())
        frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), **options)  # type: ignore[arg-type]
    except pl.exceptions.ComputeError:
        # Rows longer than the header (polars refuses the file): read record by record.
        text, encoding = _decode(path.read_bytes())
        try:
            frame, long_rows = _read_csv_records(text, delimiter, above_header)
        except csv.Error as exc:
            raise InputFileError(
                f"{path}: isi CSV rusak (tanda kutip tidak ditutup, atau berkas ini bukan teks "
                f"CSV): {exc}"
            ) from exc
        return frame, encoding, delimiter, above_header, long_rows
    return frame, encoding, delimiter, above_header, []


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


def _xlsx_cells(
    path: Path, workbook: Any, sheet: str | None
) -> tuple[list[str], list[list[str | None]], int]:
    """(header, columns of cell texts, rows above the header) of one sheet; closes the book."""
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputFileError(
                f"{path}: sheet '{sheet}' tidak ada (sheet yang ada: "
                f"{', '.join(workbook.sheetnames)})"
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        first = [tuple(values or ()) for values in islice(rows, HEADER_SEARCH_ROWS)]
        if not any(v is not None and str(v).strip() for values in first for v in values):
            return [], [], 0
        above_header = header_row(first)
        header = _unique_headers(
            [str(v).strip() if v is not None else "" for v in first[above_header]]
        )
        columns: list[list[str | None]] = [[] for _ in header]
        for values in chain(first[above_header + 1 :], rows):
            cells = list(values or ()) + [None] * (len(header) - len(values or ()))
            for index in range(len(header)):
                columns[index].append(_cell_text(cells[index]))
        return header, columns, above_header
    finally:
        workbook.close()


def _read_xlsx(path: Path, sheet: str | None) -> tuple[pl.DataFrame, int]:
    """(table, rows above the header)."""
    from openpyxl import load_workbook

    # Opened by us, not by name: openpyxl refuses a workbook whose name does not end in .xlsx.
    with path.open("rb") as handle:
        header, columns, above_header = _xlsx_cells(
            path, load_workbook(handle, read_only=True, data_only=True), sheet
        )
    frame = pl.DataFrame(
        {
            name: pl.Series(name, col, dtype=pl.Utf8)
            for name, col in zip(header, columns, strict=True)
        }
    )
    return frame, above_header


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(header):
        name = name or f"KOLOM_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        result.append(name)
    return result


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


def _read_parquet(path: Path) -> pl.DataFrame:
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
