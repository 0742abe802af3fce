"""CSV records read line by line, so that one stray quote costs one row.

A value that opens with a quote and never closes it (``"Budi Santoso``) makes
a CSV reader take the following lines into that value: one row read, the rest
of the file gone. So a record that spans lines is judged. When its quote is
never closed, or the line after its first is a row by itself (it splits into
the header's number of values) and the first line is one too with its stray
quote taken as a letter, or the record has the wrong number of values, the
quote was stray: the first line is read alone (landed with a warning when it
then has the header's number of values, else rejected), and reading goes on
at the next line. A value that really holds a line break (an address typed
with Alt+Enter, quoted and closed) continues on a line that is no row by
itself, and stays one record. A row that ends the file unfinished (no line
break and fewer values than the header: the transfer was cut) is rejected.

Python's csv module does the splitting (in C); only records that span lines,
and the last one, are looked at in Python. Polars reads files that need none
of this (``csv_files``); this reader is for the others.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from itertools import accumulate

# A quoted value spanning more lines than this is no address: it swallowed rows.
MAX_CELL_LINES = 20
# (row, severity, code, value as received)
RecordIssue = tuple[int, str, str, str]


@dataclass
class Records:
    """A CSV file's header and records, each cut or padded to the header's width."""

    header: list[str]
    fields: list[list[str]] = field(default_factory=list)
    first_lines: list[int] = field(default_factory=list)  # line (from 1) where each begins
    issues: list[RecordIssue] = field(default_factory=list)


def split_line(line: str, delimiter: str, literal: int | None = None) -> list[str] | None:
    """The values of one line by strict CSV rules, or None when its quotes do not pair up.

    ``literal``: the position of a quote to read as a letter (a stray one).
    """
    fields: list[str] = []
    value: list[str] = []
    at_start, quoted, i, n = True, False, 0, len(line)
    while i < n:
        char = line[i]
        if quoted:
            if char == '"' and i != literal:
                if i + 1 < n and line[i + 1] == '"':
                    value.append('"')
                    i += 2
                    continue
                quoted = False
                if i + 1 < n and line[i + 1] != delimiter:
                    return None  # text after a closing quote
            else:
                value.append(char)
        elif char == delimiter:
            fields.append("".join(value))
            value, at_start = [], True
        elif char == '"' and at_start and i != literal:
            quoted, at_start = True, False
        else:
            value.append(char)
            at_start = False
        i += 1
    if quoted:
        return None
    fields.append("".join(value))
    return fields


def fits(values: list[str], width: int) -> bool:
    """The header's number of values, allowing blank ones after the last column."""
    return len(values) == width or (
        len(values) > width and not any(v.strip() for v in values[width:])
    )


def line_alone(line: str, delimiter: str, width: int) -> tuple[list[str], bool] | None:
    """(values, a stray quote was read as a letter) of one line read by itself.

    A line whose quotes pair up is split as it is; otherwise each quote in turn is
    taken as a letter, and the first reading with the header's width is kept.
    """
    values = split_line(line, delimiter)
    if values is not None:
        return values, False
    for position, char in enumerate(line):
        if char == '"':
            candidate = split_line(line, delimiter, literal=position)
            if candidate is not None and fits(candidate, width):
                return candidate, True
    return None


def closed_value(lines: list[str], begin: int, end: int, delimiter: str) -> bool:
    """Lines ``begin:end`` make one record whose quoted value with line breaks is properly
    closed (within ``MAX_CELL_LINES``)."""
    if end - begin > MAX_CELL_LINES:
        return False
    return split_line("\n".join(lines[begin:end]), delimiter) is not None


def row_starts_at(lines: list[str], index: int, delimiter: str, width: int) -> bool:
    """Whether line ``index`` begins a row of the header's width: by itself (a stray quote
    in it read as a letter), or with the lines after it (a quoted value with line breaks)."""
    alone = line_alone(lines[index], delimiter, width)
    if alone is not None:
        return fits(alone[0], width)
    for end in range(index + 2, min(index + MAX_CELL_LINES, len(lines)) + 1):
        values = split_line("\n".join(lines[index:end]), delimiter)
        if values is not None:
            return fits(values, width)
    return False


def stray_quote(
    lines: list[str], begin: int, end: int, record: list[str], delimiter: str, width: int
) -> bool:
    """Whether the record read from lines ``begin:end`` (more than one) swallowed rows.

    Yes when its quote is never closed (or only after more lines than any address
    has), or when the next line begins a row and either the first line is one by
    itself (its quote read as a letter) or the record has the wrong number of values.
    """
    if not closed_value(lines, begin, end, delimiter):
        return True
    if not row_starts_at(lines, begin + 1, delimiter, width):
        return False  # the next line starts no row: a value with a line break
    first = line_alone(lines[begin], delimiter, width)
    if first is not None and fits(first[0], width):
        return True
    return not fits(record, width)


class _Reader:
    def __init__(
        self, text: str, lines: list[str], delimiter: str, header_row: int, ends_newline: bool
    ):
        self.text = io.StringIO(text)  # the csv module reads lines from it, in C
        self.offsets: list[int] = []  # where each line starts in ``text`` (on first need)
        self.lines = lines
        self.delimiter = delimiter
        self.header_row = header_row  # the header's row number (from 1)
        self.ends_newline = ends_newline
        header = lines[header_row - 1] if header_row <= len(lines) else ""
        self.out = Records(split_line(header, delimiter) or _naive(header, delimiter))
        self.width = len(self.out.header)

    def read(self) -> Records:
        start = self.header_row  # index of the first line under the header
        while start < len(self.lines):
            start = self._read_from(start)
        return self.out

    def _read_from(self, start: int) -> int:
        """Read records from line index ``start``; the index to restart at after a stray
        quote, or the end.

        The csv module reads the lines (in C) and counts those it took for each record;
        only records of more than one line, and the last one, are looked at here.
        """
        lines, width, out = self.lines, self.width, self.out
        if not self.offsets:
            self.offsets = [0, *accumulate(len(line) + 1 for line in lines)]
        self.text.seek(self.offsets[start])
        reader = csv.reader(self.text, delimiter=self.delimiter, quotechar='"')
        begin = start
        try:
            for record in reader:
                end = start + reader.line_num
                if end - begin > 1:
                    if stray_quote(lines, begin, end, record, self.delimiter, width):
                        self._alone(begin)
                        return begin + 1
                    # A value with line breaks (in a row maybe too long, which _emit judges).
                    self._emit(record, begin, end, None)
                elif len(record) == width and end < len(lines):
                    out.fields.append(record)  # the common row: nothing to look at
                    out.first_lines.append(end)
                elif end == len(lines) and split_line(lines[begin], self.delimiter) is None:
                    # The last line: a quote never closed has nothing left to swallow.
                    self._alone(begin)
                    return begin + 1
                else:
                    self._emit(record, begin, end, None)
                begin = end
        except csv.Error:  # a value beyond the csv module's size limit: swallowed rows
            self._alone(begin)
            return begin + 1
        return len(lines)

    def _alone(self, index: int) -> None:
        """Line ``index`` as a record by itself: its stray quote read as a letter."""
        line = self.lines[index]
        found = line_alone(line, self.delimiter, self.width)
        if found is not None and fits(found[0], self.width):
            self._emit(found[0], index, index + 1, "unbalanced_quote_repaired")
        else:
            values = found[0] if found is not None else _naive(line, self.delimiter)
            self._emit(values, index, index + 1, "unbalanced_quote")

    def _emit(self, values: list[str], begin: int, end: int, problem: str | None) -> None:
        out = self.out
        row = self.header_row + 1 + len(out.fields)
        width = self.width
        code, severity = problem, "error"
        if problem == "unbalanced_quote_repaired":
            severity = "warning"
        elif problem is not None:
            pass
        elif len(values) > width and any(v.strip() for v in values[width:]):
            code = "row_too_many_fields"
        elif (
            len(values) < width
            and end == len(self.lines)
            and not self.ends_newline
            and any(v.strip() for v in values)
        ):
            code = "row_too_few_fields"
        if code is not None:
            out.issues.append((row, severity, code, "\n".join(self.lines[begin:end])))
        out.fields.append(values[:width] + [""] * (width - len(values)))
        out.first_lines.append(begin + 1)


def _naive(line: str, delimiter: str) -> list[str]:
    return line.split(delimiter)


def read_records(text: str, delimiter: str, above_header: int) -> Records:
    """The records of CSV ``text`` under its header (line ``above_header + 1``).

    Blank lines are records with no values (the caller drops them); every other
    line belongs to exactly one record, so rows read add up to the lines of the file.
    """
    text = text.replace("\r\n", "\n")
    ends_newline = text.endswith("\n")
    lines = text.split("\n")
    if ends_newline:
        lines.pop()
    return _Reader(text, lines, delimiter, above_header + 1, ends_newline).read()
