"""Read an input file (CSV, XLSX, Parquet) into a table of text cells.

Everything is read as text: cleaning and checking decide what a value means,
so nothing is lost to a reader's type guess (a NIK read as a float loses
digits; one typed into an Excel number cell already lost its 16th, see
``workbooks``). Each row keeps its number as the operator sees it in a
spreadsheet or editor: with the header in row 1 the first data row is row 2,
and title rows above the header (see ``form.header_row``) shift both. The
formats are read by ``csv_files`` and ``workbooks``; this module picks one and
gives every reader's table the same shape: every cell trimmed and without
control or invisible characters (``text_cells``; each such cell listed for the
report), blank rows and repeated header rows left out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from terpadu.files.csv_files import WHOLE_FILE, WHOLE_ROW, RowIssue, read_csv
from terpadu.files.form import ROW, InputFileError, unique_headers
from terpadu.files.issues import ISSUE_SCHEMA
from terpadu.files.limits import InputLimits, check_cells, flag_long_cells
from terpadu.files.messages import message
from terpadu.files.preflight import check_file
from terpadu.files.text_cells import (
    INVISIBLE_CODE,
    REPAIR_SCHEMA,
    clean_cells,
    visible,
    without_unwanted,
)
from terpadu.files.workbooks import read_parquet, read_xlsx
from terpadu.layouts import normalize_header

__all__ = [
    "REPAIR_SCHEMA",
    "ROW",
    "WHOLE_FILE",
    "WHOLE_ROW",
    "InputFileError",
    "RawTable",
    "detect_format",
    "file_digest",
    "read_table",
    "require_file",
]


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
    # Problems with whole rows (a row the reader could not split into the header's
    # columns, a stray quote, a repeated header) and notes on the file (ISSUE_SCHEMA).
    row_issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ISSUE_SCHEMA))
    # Cells that lost control or invisible characters (REPAIR_SCHEMA, by file header):
    # cleaning names them by layout column, and refuses a key that held a control character.
    cell_repairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REPAIR_SCHEMA))
    header_row: int = 1  # the header's row number (title rows above it shift it)
    headers: tuple[str, ...] = ()  # each column's header as written in the file, in order


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Spreadsheet formats recognised only to say how to convert them.
UNSUPPORTED_FORMATS = {"xls": "Excel 97-2003 (.xls)", "ods": "OpenDocument (.ods)"}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the container of .xls files


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
    limits: InputLimits | None = None,
) -> RawTable:
    """Read ``path`` by its format; raise ``InputFileError`` with a clear reason.

    ``sha256``: the file's digest when the caller has taken it already.
    ``report_long_rows``: a CSV row the reader could not take as it stands (more
    values than the header has columns, so a separator inside an unquoted value
    shifts every value after it; a quote never closed; a last row cut short) is
    kept with the header's width and reported in ``row_issues``, for a caller
    that rejects such rows one by one; otherwise the first one refuses the file.
    A cell longer than ``max_cell_chars`` is such a row too (``cell_too_long``, the
    cell cut to the limit). Warnings (a repaired stray quote, a repeated header
    row, what the encoding and line breaks were found to be) are in ``row_issues``
    either way.

    ``limits`` (default: the settings'): a file beyond one is refused with
    ``InputTooLarge`` naming the limit, before it is parsed where a scan can tell
    (``preflight``), else as soon as the reader has the cell or row.
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
    limits = limits or InputLimits()
    check_file(path, file_format, limits)
    size = path.stat().st_size
    sha = sha256 or file_digest(path)
    encoding: str | None = None
    delimiter: str | None = None
    above_header = 0  # title and note rows above the header (see header_row)
    issues: list[RowIssue] = []
    bom_rows: list[int] = []
    scan = True  # whether cells may hold control or invisible characters
    try:
        if file_format == "csv":
            read = read_csv(path)
            frame, encoding, delimiter = read.frame, read.encoding, read.delimiter
            above_header, issues, bom_rows = read.above_header, read.issues, read.bom_rows
            headers = read.headers
            scan = read.may_hold_unwanted
        elif file_format == "xlsx":
            frame, above_header, headers = read_xlsx(path, sheet, limits)
        else:
            frame = read_parquet(path)
            headers = frame.columns
    except InputFileError:
        raise
    except Exception as exc:  # the reader's own words, behind our file name
        raise InputFileError(
            f"{path}: berkas tidak bisa dibaca sebagai {file_format}: {exc}"
        ) from exc
    if frame.width == 0:
        raise InputFileError(f"{path}: berkas kosong, tidak ada baris judul (header)")
    # Headers as written, without invisible characters; a column without a header (a
    # spreadsheet's index column) is named by its place, as in XLSX files, so its values
    # are kept under a name an operator can find.
    headers = [without_unwanted(name).strip() for name in headers]
    frame.columns = unique_headers(headers)
    if not report_long_rows:  # a caller taking no partial file: the first long cell refuses it
        check_cells(path, frame, 2 + above_header, limits)
    frame = frame.with_row_index(ROW, offset=2 + above_header).with_columns(
        pl.col(ROW).cast(pl.Int64)
    )
    frame, long_cells = flag_long_cells(frame, limits)
    issues = issues + long_cells
    repairs = pl.DataFrame(schema=REPAIR_SCHEMA)
    if scan:
        frame, repairs = clean_cells(frame)
    repairs = pl.concat([_bom_repairs(frame, bom_rows), repairs])
    # A row reported as an error stays even when cleaning left it blank: it is counted.
    frame = _without_blank_rows(frame, [i[0] for i in issues if i[3] == "error"])
    frame, repeated = _without_repeated_headers(frame, headers, path)
    issues = issues + repeated
    repairs = repairs.filter(pl.col(ROW).is_in(frame[ROW].implode()))
    errors = [issue for issue in issues if issue[3] == "error"]
    if errors and not report_long_rows:
        raise InputFileError(_refusal(path, errors, frame.width - 1, delimiter))
    row_issues = pl.DataFrame(issues, schema=ISSUE_SCHEMA, orient="row")
    return RawTable(
        path,
        frame,
        file_format,
        encoding,
        delimiter,
        sha,
        size,
        row_issues,
        repairs,
        above_header + 1,
        tuple(headers),
    )


def _refusal(path: Path, errors: list[RowIssue], width: int, delimiter: str | None) -> str:
    """The words refusing a file for its first bad row (for callers that take no partial file)."""
    row, _, value, _, code = errors[0]
    if code == "row_too_many_fields" and delimiter:
        return (
            f"{path}: baris {row} berisi {len(value.split(delimiter))} nilai, padahal judul "
            f"hanya {width} kolom (ada pemisah '{delimiter}' di dalam nilai yang tidak diberi "
            f"tanda kutip?); {len(errors)} baris seperti ini"
        )
    return f"{path}: baris {row}: {message(code, WHOLE_ROW, value)} ({code}; {len(errors)} baris)"


def _bom_repairs(frame: pl.DataFrame, rows: list[int]) -> pl.DataFrame:
    """A BOM taken from the start of a line, as a repair of that row's first cell."""
    first = next((c for c in frame.columns if c != ROW), None)
    if not rows or first is None:
        return pl.DataFrame(schema=REPAIR_SCHEMA)
    cells = frame.filter(pl.col(ROW).is_in(rows)).select(ROW, first)
    return pl.DataFrame(
        {
            ROW: cells[ROW],
            "header": [first] * cells.height,
            "value": ["<U+FEFF>" + visible(v or "") for v in cells[first].to_list()],
            "code": [INVISIBLE_CODE] * cells.height,
        },
        schema=REPAIR_SCHEMA,
    )


def _without_repeated_headers(
    frame: pl.DataFrame, headers: list[str], path: Path
) -> tuple[pl.DataFrame, list[RowIssue]]:
    """Rows that repeat the header (exports joined end to end) dropped, each with a warning.

    A row holding the header's names in another order means the rows under it are in
    another layout: the file is refused, naming that row.
    """
    data = [c for c in frame.columns if c != ROW]
    folded = [normalize_header(h) for h in headers]
    if len(data) < 2 or not folded[0]:
        return frame, []
    # A joined export repeats the header as written: its first cell is one of the names.
    candidates = frame.filter(pl.col(data[0]).is_in([h for h in headers if h]))
    if candidates.height == 0:
        return frame, []
    issues: list[RowIssue] = []
    repeated: list[int] = []
    for record in candidates.iter_rows(named=True):
        cells = [normalize_header(record[c] or "") for c in data]
        if cells == folded:
            repeated.append(record[ROW])
            text = ",".join(record[c] or "" for c in data)
            issues.append((record[ROW], WHOLE_ROW, text, "warning", "header_repeated"))
        elif sorted(cells) == sorted(folded):
            raise InputFileError(
                f"{path}: baris {record[ROW]} mengulang judul kolom dengan urutan lain (berkas "
                "gabungan dari ekspor yang berbeda susunan kolomnya?): baris-baris di bawahnya "
                "tidak bisa dibaca dengan judul baris pertama. Pisahkan berkasnya lalu kirim ulang"
            )
    return frame.filter(~pl.col(ROW).is_in(repeated)), issues


# Cells that say "nothing here": empty, or the dash operators type into an empty cell.
BLANK_CELLS = ["", "-", "--", "---", "\u2013", "\u2014"]


def _without_blank_rows(frame: pl.DataFrame, keep: list[int]) -> pl.DataFrame:
    """Trim every cell (blank or a lone dash becomes null) and drop rows with no value left.

    Blank lines and ``;;;;`` rows left by spreadsheets are not data: neither
    landed nor rejected. The other rows keep the row numbers they have in the
    file. Trimming here, once, means no second copy of the table later.
    """
    data = [c for c in frame.columns if c != ROW]
    trimmed = frame.with_columns(
        pl.col(c).str.strip_chars().replace(BLANK_CELLS, None) for c in data
    )
    has_value = pl.any_horizontal(pl.col(c).is_not_null() for c in data)
    if keep:
        has_value = has_value | pl.col(ROW).is_in(keep)
    return trimmed.filter(has_value)
