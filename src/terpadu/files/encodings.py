"""The text of a CSV file: its encoding and line breaks, found and named.

Every file becomes UTF-8 bytes with LF or CRLF line breaks, so that one CSV
reader reads them all, and what was found is said in the import report:

- UTF-16 with a BOM (Excel's "Unicode Text"), or without one: ASCII text in
  UTF-16 has a NUL beside every letter, after it (LE) or before it (BE), so
  more than 30% of the bytes on one side and almost none on the other name it;
- UTF-8 with or without a BOM; a file that is not UTF-8 is Windows-1252 (what
  Excel on Windows writes), unless some of its lines are UTF-8: then each line
  is read by itself and those in Windows-1252 are named one by one (a file
  appended to by an older tool), rather than refusing a batch for a few
  accented names;
- bare-CR line breaks (Excel on old Macs), alone or mixed with LF: read as
  line breaks;
- a line where control bytes make up a tenth or more (at least three) is not
  text: the file is refused naming the first such line when it is not text at
  all (such a line where the header is, or a tenth of its lines), as a renamed
  spreadsheet or an archive would be; a few such lines further down are
  damaged rows, rejected one by one. A lone NUL in a name is not refused here:
  the cell loses it with a warning (``text_cells``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from terpadu.files.form import HEADER_SEARCH_ROWS, InputFileError

UTF8_BOM = b"\xef\xbb\xbf"
# (line number in the file, code, value): notes about single lines, placed on rows later.
LineNote = tuple[int, str, str]
# Control bytes (tab, LF, CR excepted), C1 controls and the replacement character in UTF-8.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf\xbd")
_BINARY_SHARE = 0.10
_BINARY_MIN = 3
# What UTF-8 text looks like when read as Windows-1252: a sign the file holds both.
_MOJIBAKE = ("\u00c3", "\u00e2\u20ac", "\u00c2")


@dataclass
class FileText:
    """A file's bytes as UTF-8, with what was found on the way."""

    data: bytes
    encoding: str  # as stored with the batch file (at most 30 characters)
    notes: list[tuple[str, str]] = field(default_factory=list)  # file-wide (code, value)
    line_notes: list[LineNote] = field(default_factory=list)
    decoded: bool = False  # the bytes were decoded and encoded again (known to be UTF-8)


def _utf16(data: bytes) -> tuple[str, bool] | None:
    """(codec, had a BOM) for UTF-16 text, else None."""
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", True
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be", True
    sample = data[: 4096 - 4096 % 2]
    sample = sample[: len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le", False
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be", False
    return None


def _decode_utf16(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise InputFileError(
            f"{path}: baris {line} tidak dapat dibaca sebagai teks {codec.upper()} "
            "(urutan byte rusak); berkas terpotong atau rusak saat dikirim"
        ) from exc


def _line_breaks(data: bytes) -> tuple[bytes, tuple[str, str] | None]:
    """LF or CRLF line breaks left as they are; bare CR (old Mac Excel) made LF, and named."""
    if b"\r" not in data:
        return data, None
    carriage = data.count(b"\r")
    if carriage == data.count(b"\r\n"):
        return data, None
    found = "CR (Excel Mac lama)" if b"\n" not in data else "CR dan LF bercampur"
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"), ("line_endings_cr", found)


def _without_eof_marker(data: bytes, marker: bytes) -> bytes:
    """The file without the Ctrl-Z that old DOS tools write after its last line: an end of
    file mark, not a row (read as one, it would be a truncated last row)."""
    while data.endswith(marker):
        data = data[: -len(marker)]
    return data


def file_text(data: bytes, path: Path) -> FileText:
    """The file as UTF-8 bytes (not yet checked to be valid UTF-8: see ``as_utf8``)."""
    utf16 = _utf16(data)
    if utf16 is not None:
        codec, bom = utf16
        data = _without_eof_marker(data, b"\x1a\x00" if codec.endswith("le") else b"\x00\x1a")
        body = data[2:] if bom else data
        if len(body) % 2:  # cut short in the middle of a character: its half is no text
            body = body[:-1]
        text = _decode_utf16(body, codec, path)
        notes = [] if bom else [("encoding_guessed", f"UTF-16 {codec[-2:].upper()} tanpa BOM")]
        converted, breaks = _line_breaks(text.encode("utf-8"))
        return FileText(
            converted,
            "utf-16" if bom else codec,
            notes + ([breaks] if breaks else []),
            decoded=True,
        )
    encoding = "utf-8"
    if data.startswith(UTF8_BOM):
        data, encoding = data[len(UTF8_BOM) :], "utf-8-sig"
    converted, breaks = _line_breaks(_without_eof_marker(data, b"\x1a"))
    return FileText(converted, encoding, [breaks] if breaks else [])


def as_utf8(text: FileText) -> FileText:
    """``text`` made valid UTF-8: Windows-1252 as a whole, or line by line in a mixed file."""
    if text.decoded:
        return text
    data = text.data
    try:
        data.decode("utf-8")
        return FileText(data, text.encoding, text.notes, text.line_notes, decoded=True)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if data[:first_bad].isascii():
        whole = data.decode("cp1252", errors="replace")
        if not any(mark in whole for mark in _MOJIBAKE):
            return FileText(whole.encode("utf-8"), "windows-1252", text.notes, decoded=True)
    lines = data.split(b"\n")
    out: list[str] = []
    odd: list[int] = []
    utf8_seen = False
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            out.append(line.decode("utf-8"))
            utf8_seen = True
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            odd.append(number)
    joined = "\n".join(out).encode("utf-8")
    if not utf8_seen:
        return FileText(joined, "windows-1252", text.notes, decoded=True)
    notes = [(n, "encoding_mixed", out[n - 1].rstrip("\r")) for n in odd]
    return FileText(joined, "utf-8+windows-1252", text.notes, notes, decoded=True)


def binary_lines(data: bytes, path: Path) -> list[tuple[int, str]]:
    """Lines of UTF-8 ``data`` that are not text, as (line number, line), for rows to reject.

    A file is refused, naming its first such line, when it is not text at all: such a line
    among the first ten (where the header is), or a tenth of its lines or more. A few such
    lines further down are damage to those rows (a name padded with NULs by a fixed-width
    export, a block of a transfer zeroed): the rows are rejected and the rest of the file
    is read.
    """
    counts: dict[int, tuple[int, int]] = {}  # line → (control bytes, where one is)
    line, scanned = 1, 0
    for found in _BINARY.finditer(data):
        line += data.count(b"\n", scanned, found.start())
        scanned = found.start()
        counts[line] = (counts.get(line, (0, 0))[0] + 1, scanned)
    bad: list[tuple[int, str]] = []
    for number, (count, position) in sorted(counts.items()):
        start = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end
        if count >= _BINARY_MIN and count >= _BINARY_SHARE * (end - start):
            bad.append((number, data[start:end].decode("utf-8", errors="replace").rstrip("\r")))
    lines = data.count(b"\n") + 1
    if bad and (bad[0][0] <= HEADER_SEARCH_ROWS or len(bad) >= _BINARY_SHARE * lines):
        raise InputFileError(
            f"{path}: baris {bad[0][0]} tidak dapat dibaca sebagai teks (berisi byte kendali "
            f"atau biner; {len(bad)} baris seperti ini): berkas ini bukan CSV, atau rusak saat "
            "dikirim. Buka berkas aslinya dan simpan ulang sebagai CSV"
        )
    return bad
