"""CSV files: encoding, separator, title rows, and rows that are not what they seem.

polars reads a well-formed file from memory in one pass. It is trusted when
it found one record per line (counting line feeds costs a few milliseconds per
100 MB), or when each record it read across lines is a quoted value with line
breaks as ``csv_lines`` judges it, and when the last line is whole. Any other
file (one polars refuses: a row longer than the header, a quote it cannot
place; a stray quote that swallowed lines; a last line opening a quote never
closed) is read line by line by ``csv_lines``, which rejects or repairs single
rows instead. What the bytes are (encoding, line breaks, text at all) is found
by ``encodings``; cells are cleaned of control and invisible characters by the
caller (``readers``), told here whether a file may hold any.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from terpadu.files.csv_lines import fits, read_records, split_line, stray_quote
from terpadu.files.encodings import (
    UTF8_BOM,
    FileText,
    LineNote,
    as_utf8,
    binary_lines,
    file_text,
)
from terpadu.files.form import HEADER_SEARCH_ROWS, InputFileError, header_row, unique_headers
from terpadu.files.text_cells import (
    may_hold_unwanted,
    suspect_bytes,
    visible,
    without_unwanted,
)

# A problem with a row or the file: (row, column, value, severity, code), as ISSUE_SCHEMA.
RowIssue = tuple[int, str, str, str, str]
WHOLE_ROW = "BARIS"  # the column named by a problem with a whole row
WHOLE_FILE = "BERKAS"  # the column named by a note about the whole file


@dataclass
class CsvRead:
    """A CSV file as text cells, with what the reader found on the way."""

    frame: pl.DataFrame  # all Utf8, unique column names, no row numbers yet
    headers: list[str]  # each column's header as written (cleaned of invisible characters)
    encoding: str
    delimiter: str
    above_header: int
    issues: list[RowIssue] = field(default_factory=list)
    bom_rows: list[int] = field(default_factory=list)  # rows whose line began with a BOM
    may_hold_unwanted: bool = True  # cells may hold control or invisible characters


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


def _split_any(line: str) -> list[str]:
    delimiter = _sniff_delimiter(line)
    return split_line(line, delimiter) or line.split(delimiter)


def _without_line_start_boms(data: bytes) -> tuple[bytes, list[int]]:
    """BOMs at the start of a line (exports joined end to end) taken out, with their lines.

    Taken out of the bytes, not the cell, so that a quote after one still opens a value.
    """
    marker = b"\n" + UTF8_BOM
    position = data.find(marker)
    if position < 0:
        return data, []
    lines: list[int] = []
    line, scanned = 1, 0
    while position >= 0:
        line += data.count(b"\n", scanned, position + 1)
        scanned = position + 1
        lines.append(line)
        position = data.find(marker, position + 1)
    return data.replace(marker, b"\n"), lines


def _head_lines(data: bytes) -> list[str]:
    """The first lines of the file, where its header is looked for."""
    head = data[: 1 << 16].decode("utf-8", errors="replace")
    return [line.rstrip("\r") for line in head.split("\n")[:HEADER_SEARCH_ROWS]]


def _line_count(data: bytes, feeds: int | None) -> int:
    """Lines of ``data``; ``feeds``: its line feeds when counted already."""
    feeds = data.count(b"\n") if feeds is None else feeds
    return feeds + (0 if not data or data.endswith(b"\n") else 1)


def _last_line(data: bytes) -> str:
    end = len(data) - 1 if data.endswith(b"\n") else len(data)  # no copy of the file
    line = data[data.rfind(b"\n", 0, end) + 1 : end]
    return line.decode("utf-8", errors="replace").rstrip("\r")


def _fast(
    data: bytes, delimiter: str, above_header: int, feeds: int | None = None
) -> tuple[pl.DataFrame, list[int] | None] | None:
    """polars' reading of the file, when it can be trusted (see the module's docstring),
    with the line each record begins on when some span lines (else each is one line)."""
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
        frame = pl.read_csv(data, **options)  # type: ignore[arg-type]
    except pl.exceptions.ComputeError:
        return None  # rows longer than the header, a stray quote, not UTF-8: read by line
    spanned = _line_count(data, feeds) - above_header - 1 - frame.height
    first_lines = None
    if spanned:
        first_lines = _first_lines(frame, data, delimiter, above_header, spanned)
        if first_lines is None:
            return None  # a stray quote swallowed lines: read line by line
    last = _last_line(data)
    if '"' in last and split_line(last, delimiter) is None:
        return None  # the last line opens a quote it never closes
    return frame, first_lines


def _first_lines(
    frame: pl.DataFrame, data: bytes, delimiter: str, above_header: int, spanned: int
) -> list[int] | None:
    """The line each record begins on, when each record polars read across lines is a
    quoted value with line breaks (judged as ``csv_lines`` judges it, ``spanned`` lines
    in all); None when one is a stray quote."""
    breaks = frame.select(
        pl.sum_horizontal(
            pl.col(c).str.count_matches("\n", literal=True).fill_null(0) for c in frame.columns
        )
    ).to_series()
    if breaks.sum() != spanned:
        return None
    lines = data.decode("utf-8").replace("\r\n", "\n").split("\n")
    before = 0  # lines spanned by the records above this one
    for index in (breaks > 0).arg_true().to_list():
        begin = above_header + 1 + index + before
        end = begin + breaks[index] + 1
        record = ["" if value is None else value for value in frame.row(index)]
        if (
            end > len(lines)
            or not fits(record, frame.width)
            or stray_quote(lines, begin, end, record, delimiter, frame.width)
        ):
            return None
        before += breaks[index]
    first = pl.int_range(frame.height, eager=True) + above_header + 2
    return (first + breaks.cum_sum() - breaks).to_list()


def _place(
    line_notes: list[LineNote], first_lines: list[int] | None, above: int
) -> list[tuple[int, str, str]]:
    """Line notes as (row, code, value): a line's row is that of the record it is in."""
    placed = []
    for line, code, value in line_notes:
        if first_lines is None:  # one record per line
            row = line
        else:
            index = bisect.bisect_right(first_lines, line) - 1
            if index < 0:
                continue  # a note on the header or the rows above it
            row = above + 2 + index
        placed.append((row, code, value))
    return placed


def read_csv(path: Path) -> CsvRead:
    """Read a CSV file; raise ``InputFileError`` naming the file and line when it is no CSV.

    The file's size, lines and header are within the input limits (``preflight``)."""
    raw = path.read_bytes()
    if not raw or raw.isspace():  # (isspace stops at the first letter: no copy, no scan)
        raise InputFileError(f"{path}: berkas kosong (empty file)")
    rest = raw[len(UTF8_BOM) : 4096]
    if raw.startswith(UTF8_BOM) and len(raw) < 4096 and (not rest or rest.isspace()):
        raise InputFileError(f"{path}: berkas kosong, hanya berisi tanda BOM (empty file)")
    text = file_text(raw, path)
    suspects, feeds = suspect_bytes(text.data)
    bom_lines: list[int] = []
    if 0xEF in suspects:
        text.data, bom_lines = _without_line_start_boms(text.data)
    data = text.data
    unwanted = text.decoded or may_hold_unwanted(data, suspects)
    binary = binary_lines(data, path) if unwanted else []
    head = _head_lines(data)
    above_header = header_row([_split_any(line) for line in head])
    delimiter = _sniff_delimiter(head[above_header])

    fast = _fast(text.data, delimiter, above_header, feeds)
    if fast is None and not text.decoded:
        found = text.encoding
        text = as_utf8(text)
        if text.encoding != found:  # it was not UTF-8: polars may read it now
            unwanted = True
            fast = _fast(text.data, delimiter, above_header)
    issues: list[RowIssue] = []
    first_lines_of_records: list[int] | None = None
    if fast is None:
        text = as_utf8(text)
        records = read_records(text.data.decode("utf-8"), delimiter, above_header)
        header_names = [without_unwanted(name).strip() for name in records.header]
        names = unique_headers(header_names)
        # Blank cells are made null with the rest (readers).
        frame = pl.DataFrame(records.fields, schema={name: pl.Utf8 for name in names}, orient="row")
        issues += [
            (row, WHOLE_ROW, visible(value), severity, code)
            for row, severity, code, value in records.issues
        ]
        first_lines_of_records = records.first_lines
    else:
        frame, first_lines_of_records = fast
        header_line_text = _head_lines(text.data)[above_header]
        header_names = [without_unwanted(n).strip() for n in _split_any(header_line_text)]
        if len(header_names) != frame.width:
            header_names = [without_unwanted(name).strip() for name in frame.columns]
        frame.columns = unique_headers(header_names)
        last_lines = 1
        if first_lines_of_records:  # the last row may span lines
            last_lines = _line_count(text.data, None) - first_lines_of_records[-1] + 1
        issues += _truncated_last_row(text, frame, delimiter, above_header, last_lines)
    header_line = above_header + 1
    issues += [(header_line, WHOLE_FILE, value, "warning", code) for code, value in text.notes]
    issues += [
        (row, WHOLE_ROW, visible(value), "warning", code)
        for row, code, value in _place(text.line_notes, first_lines_of_records, above_header)
    ]
    issues += [
        (row, WHOLE_ROW, visible(value), "error", code)
        for row, code, value in _place(
            [(line, "row_not_text", value) for line, value in binary],
            first_lines_of_records,
            above_header,
        )
    ]
    bom_rows = [
        row
        for row, _, _ in _place(
            [(line, "", "") for line in bom_lines], first_lines_of_records, above_header
        )
    ]
    return CsvRead(
        frame,
        header_names,
        text.encoding,
        delimiter,
        above_header,
        issues,
        bom_rows,
        unwanted or bool(bom_rows),
    )


def _truncated_last_row(
    text: FileText, frame: pl.DataFrame, delimiter: str, above_header: int, lines: int
) -> list[RowIssue]:
    """The last row, when the file ends in it without a line break and it has fewer values
    than the header (the transfer was cut): polars would give it blank values.

    ``lines``: how many lines the last row spans (a quoted value with line breaks).
    """
    data = text.data
    if data.endswith(b"\n") or frame.height == 0:
        return []
    start = len(data)
    for _ in range(lines):
        start = data.rfind(b"\n", 0, start)
    line = data[start + 1 :].decode("utf-8", errors="replace").replace("\r\n", "\n")
    values = split_line(line, delimiter) or line.split(delimiter)
    if len(values) >= frame.width or not any(v.strip() for v in values):
        return []
    row = above_header + 1 + frame.height
    return [(row, WHOLE_ROW, visible(line), "error", "row_too_few_fields")]
