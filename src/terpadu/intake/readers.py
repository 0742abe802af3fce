"""Read an input file (CSV, XLSX, Parquet) into a table of text cells.

Everything is read as text: cleaning and checking decide what a value means,
so nothing is lost to a reader's type guess (a NIK read as a float loses
digits; one typed into an Excel number cell already lost its 16th, see
``workbooks``). Each row keeps its number as the operator sees it in a
spreadsheet or editor: with the header in row 1 the first data row is row 2,
and title rows above the header (see ``form.header_row``) shift both. The
formats are read by ``csv_files`` and ``workbooks``; this module picks one and
gives every reader's table the same shape.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from terpadu.intake.csv_files import LongRow, read_csv
from terpadu.intake.form import InputFileError
from terpadu.intake.workbooks import read_parquet, read_xlsx

__all__ = [
    "ISSUE_SCHEMA",
    "ROW",
    "WHOLE_ROW",
    "InputFileError",
    "RawTable",
    "detect_format",
    "file_digest",
    "read_table",
    "require_file",
]

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
    long_rows: list[LongRow] = []
    try:
        if file_format == "csv":
            frame, encoding, delimiter, above_header, long_rows = read_csv(path)
        elif file_format == "xlsx":
            frame, above_header = read_xlsx(path, sheet)
        else:
            frame = read_parquet(path)
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


# Cells that say "nothing here": empty, or the dash operators type into an empty cell.
BLANK_CELLS = ["", "-", "--", "---", "\u2013", "\u2014"]


def _without_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim every cell (blank or a lone dash becomes null) and drop rows with no value left.

    Blank lines and ``;;;;`` rows left by spreadsheets are not data: neither
    landed nor rejected. The other rows keep the row numbers they have in the
    file. Trimming here, once, means no second copy of the table later.
    """
    data = [c for c in frame.columns if c != ROW]
    trimmed = frame.with_columns(
        pl.col(c).str.strip_chars().replace(BLANK_CELLS, None) for c in data
    )
    return trimmed.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in data))
