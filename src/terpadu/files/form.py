"""The shape every input file is read into: its errors and where its header is.

Shared by the CSV and workbook readers (``csv_files``, ``workbooks``) and by
``readers``, which picks between them.
"""

from __future__ import annotations

from collections.abc import Sequence

from terpadu.errors import TerpaduError

# The column that holds each row's number as an operator sees it in a spreadsheet.
ROW = "__row"
# Title and note rows above a table's header are looked for among this many first rows.
HEADER_SEARCH_ROWS = 10


class InputFileError(TerpaduError):
    """The file as a whole cannot be read; the message names the file and why."""

    code = "input_file"


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


def unique_headers(header: list[str]) -> list[str]:
    """Header names as columns can take them: a blank one is named by its place
    (``KOLOM_3``), a repeated one numbered (``NAMA_2``)."""
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
