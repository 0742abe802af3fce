"""The input limits checked before a file is parsed, from what costs no more than a scan.

- every format: the file's size;
- CSV: the columns of the first lines (where the header is) and the length of each
  header, from the first bytes; then one streaming pass (a block at a time, constant
  memory) counts the lines and measures the longest, so a million rows too many or a
  100 MB line without a line break is refused before any reader holds it;
- XLSX: from the zip's directory, without unpacking: the members' total unpacked size,
  each member's compression ratio, the sheets, the shared-strings table; then each member
  is unpacked once as a stream with a counter, so a directory that lies about a size is
  caught too (the reader would otherwise trust it);
- Parquet: columns, rows and unpacked size from the file's footer.

What only parsing can tell (the length of one cell, the rows of a sheet) is checked by
the readers as they go (``limits.check_cells``, ``workbooks``).
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from terpadu.files.form import HEADER_SEARCH_ROWS, InputFileError, header_row
from terpadu.files.limits import InputLimits, InputTooLarge, check_header

BLOCK = 1 << 20
HEAD_BYTES = 2 << 20  # where the header is looked for: far beyond any real header
_SEPARATORS = (",", ";", "\t", "|")
# A member smaller than this unpacked is never a bomb, whatever its ratio (an empty
# sheet's XML compresses a hundredfold).
RATIO_FLOOR_BYTES = 1 << 20


def check_file(path: Path, file_format: str, limits: InputLimits) -> None:
    """Refuse ``path`` with :class:`InputTooLarge` when it passes a limit a scan can see."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputTooLarge("input_too_big", path, sizes=True, found=size, limit=limits.max_bytes)
    if file_format == "csv":
        check_csv_head(path, limits)
        check_csv_lines(path, limits)
    elif file_format == "xlsx":
        check_xlsx(path, limits)
    elif file_format == "parquet":
        check_parquet(path, limits)


# -- CSV ----------------------------------------------------------------------------------
def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    zeros = head[:4096].count(0)
    if zeros * 4 > min(len(head), 4096):  # UTF-16 without a BOM: a NUL beside every letter
        return head.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _fields(line: str) -> list[str]:
    """The values of one line, split by its likeliest separator (quotes respected)."""
    separator = max(_SEPARATORS, key=line.count)
    try:
        return next(csv.reader([line], delimiter=separator), [])
    except csv.Error:  # a value beyond the csv module's own limit: no header, surely
        return line.split(separator)


def check_csv_head(path: Path, limits: InputLimits) -> None:
    """The first lines' widths and the header's names.

    Separators are counted first (in C, quotes ignored: at least as many as there are
    columns); only a line that seems too wide is split by CSV rules. A first line longer
    than the bytes read here (so beyond ``max_line_bytes``) is counted to its end as a
    stream, and left to the line check.
    """
    wanted = max(HEAD_BYTES, limits.max_line_bytes + 1)
    with path.open("rb") as handle:
        head = handle.read(wanted)
        whole = len(head) < wanted
    if not whole and b"\n" not in head and b"\r" not in head:
        # One line longer than any allowed: its width is the better words, else its length.
        found = _first_line_width(path)
        if found > limits.max_columns:
            raise InputTooLarge(
                "input_too_many_columns", path, row=1, found=found, limit=limits.max_columns
            )
        return  # refused by check_csv_lines
    lines = _head_text(head).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not whole and len(lines) > 1:
        lines.pop()  # the last line may be cut
    lines = lines[:HEADER_SEARCH_ROWS]
    for number, line in enumerate(lines, start=1):
        upper = max(line.count(s) for s in _SEPARATORS) + 1
        if upper <= limits.max_columns:
            continue
        found = len(_fields(line))
        if found > limits.max_columns:
            raise InputTooLarge(
                "input_too_many_columns", path, row=number, found=found, limit=limits.max_columns
            )
    rows = [_fields(line) for line in lines]
    header = rows[header_row(rows)] if rows else []
    check_header(path, [cell.strip() for cell in header], limits)


def _first_line_width(path: Path) -> int:
    """The separators of the file's first line plus one, read as a stream (a first line
    of megabytes is a header of a million columns, not a table)."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            end = block.find(b"\n")
            part = block if end < 0 else block[:end]
            for separator in _SEPARATORS:
                counts[separator] += part.count(separator.encode())
            if end >= 0:
                break
    return max(counts.values()) + 1


def check_csv_lines(path: Path, limits: InputLimits) -> None:
    """The number of lines (an upper bound of the rows: a quoted value with line breaks
    counts each of its lines) and the longest line, in one pass of constant memory."""
    lines = 0  # line breaks before this block
    run = 0  # bytes of the line still open at the end of the last block
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            if b"\r" in block:  # CRLF, and a bare CR (old Mac files), each end one line
                block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            parts = block.split(b"\n")
            lengths = [len(part) for part in parts]
            lengths[0] += run
            longest = max(lengths)
            if longest > limits.max_line_bytes:
                raise InputTooLarge(
                    "input_line_too_long",
                    path,
                    sizes=True,
                    row=lines + lengths.index(longest) + 1,
                    limit=limits.max_line_bytes,
                )
            run = lengths[-1] if len(parts) > 1 else lengths[0]
            lines += len(parts) - 1
            # The header and a few title lines above the data rows.
            if lines - 1 > limits.max_rows + HEADER_SEARCH_ROWS:
                break
    total = lines + (1 if run else 0)
    if total - 1 > limits.max_rows:
        raise InputTooLarge("input_too_many_rows", path, limit=limits.max_rows)


# -- XLSX ---------------------------------------------------------------------------------
SHARED_STRINGS = "xl/sharedStrings.xml"


def check_xlsx(path: Path, limits: InputLimits) -> None:
    """The workbook's zip directory, then its members unpacked as a counted stream."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_directory(path, members, limits)
            for member in members:
                _check_member(path, archive, member)
    except zipfile.BadZipFile as exc:
        raise InputFileError(f"{path}: berkas XLSX rusak (isi zip tidak utuh): {exc}") from exc


def _check_directory(path: Path, members: list[zipfile.ZipInfo], limits: InputLimits) -> None:
    total = sum(member.file_size for member in members)
    if total > limits.xlsx_max_inflated_bytes:
        raise InputTooLarge(
            "xlsx_inflated_too_big",
            path,
            sizes=True,
            found=total,
            limit=limits.xlsx_max_inflated_bytes,
        )
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size >= RATIO_FLOOR_BYTES and ratio > limits.xlsx_max_ratio:
            raise InputTooLarge(
                "xlsx_ratio_too_high",
                path,
                member=member.filename,
                found=ratio,
                limit=limits.xlsx_max_ratio,
            )
    sheets = [
        m
        for m in members
        if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
    ]
    if len(sheets) > limits.xlsx_max_sheets:
        raise InputTooLarge(
            "xlsx_too_many_sheets", path, found=len(sheets), limit=limits.xlsx_max_sheets
        )
    shared = next((m for m in members if m.filename == SHARED_STRINGS), None)
    if shared is not None and shared.file_size > limits.xlsx_max_shared_strings_bytes:
        raise InputTooLarge(
            "xlsx_shared_strings_too_big",
            path,
            sizes=True,
            found=shared.file_size,
            limit=limits.xlsx_max_shared_strings_bytes,
        )


def _check_member(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Unpack ``member`` as a stream, counting: more bytes than the directory says, or a
    checksum that fails (the zip module stops at the stated size), is a lying directory."""
    counted = 0
    try:
        with archive.open(member) as stream:
            while block := stream.read(BLOCK):
                counted += len(block)
                if counted > member.file_size:
                    break
    except Exception as exc:  # a failed checksum, a cut or broken deflate stream
        raise InputTooLarge("xlsx_member_mismatch", path, member=member.filename) from exc
    if counted != member.file_size:
        raise InputTooLarge("xlsx_member_mismatch", path, member=member.filename)


# -- Parquet ------------------------------------------------------------------------------
def check_parquet(path: Path, limits: InputLimits) -> None:
    """Columns, rows and unpacked size from the footer (no data read)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:
        return  # not readable as Parquet: the reader says so in its own words
    check_header(path, [str(name) for name in meta.schema.names], limits)
    if meta.num_rows > limits.max_rows:
        raise InputTooLarge("input_too_many_rows", path, limit=limits.max_rows)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > limits.max_bytes:
        raise InputTooLarge(
            "input_too_big", path, sizes=True, found=unpacked, limit=limits.max_bytes
        )
