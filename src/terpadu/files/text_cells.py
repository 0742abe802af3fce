"""Characters no cell should hold: control characters and invisible ones.

A NUL or another control character (C0 but tab and line breaks, DEL, C1) in a
cell is never data: it comes from a damaged file or a fixed-width export, and
PostgreSQL refuses a NUL outright (one in a million rows would fail the whole
batch). Invisible characters (BOM, zero-width space/joiners, word joiner)
come from copy-paste and concatenated exports; left in a key they make
``K1`` and ``\\ufeffK1`` two families. Both are removed from every cell of
every reader's table, and each cell that lost one is listed (row, column,
the value as received made visible) for the import report.
"""

from __future__ import annotations

import re

import polars as pl

from terpadu.files.form import ROW

# C0 controls but tab, LF and CR (line breaks inside a quoted address are text), DEL, C1.
# (Written as regex escapes, read alike by Python's re and by polars' Rust regex.)
CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# BOM / zero-width no-break space, zero-width space, non-joiner, joiner, word joiner.
INVISIBLE_CLASS = r"\u200b\u200c\u200d\u2060\ufeff"
CONTROL_CODE = "control_char_removed"
INVISIBLE_CODE = "invisible_char_removed"
# One cell that lost characters: (row, header, value as received made visible, code).
REPAIR_SCHEMA = pl.Schema(
    {ROW: pl.Int64(), "header": pl.Utf8(), "value": pl.Utf8(), "code": pl.Utf8()}
)
# Bytes that start such a character in UTF-8 (or are one), and CR: a file without any
# of them has no such cell and no line break to look at. One pass finds which of them a
# file holds, and counts its line feeds on the way (about 10 ms per 100 MB).
_SUSPECT_BYTES = bytes(
    [*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20), 0x7F, 0xC2, 0xE2, 0xEF]
)
_KEEP_BYTES = bytes(b for b in range(256) if b not in _SUSPECT_BYTES + b"\n")
# Lead bytes that are common alone (é, “, –) and CR: only their sequences are looked for.
_NOT_ALONE = {0x0D, 0xC2, 0xE2, 0xEF}
_C1 = re.compile(rb"\xc2[\x80-\x9f]")  # a literal first byte: searched as fast as a string
_ZERO_WIDTH = (b"\xe2\x80\x8b", b"\xe2\x80\x8c", b"\xe2\x80\x8d", b"\xe2\x81\xa0")
_UNWANTED = re.compile(f"[{CONTROL_CLASS}{INVISIBLE_CLASS}]")


def suspect_bytes(data: bytes) -> tuple[set[int], int]:
    """(which of the bytes that may start a control or invisible character, or are CR,
    ``data`` holds; how many line feeds it has)."""
    kept = data.translate(None, _KEEP_BYTES)
    feeds = kept.count(b"\n")
    return set(kept.replace(b"\n", b"")), feeds


def may_hold_unwanted(data: bytes, suspects: set[int] | None = None) -> bool:
    """Whether UTF-8 ``data`` may hold a control or invisible character (fast byte scan);
    ``suspects``: its ``suspect_bytes`` when known."""
    if suspects is None:
        suspects = suspect_bytes(data)[0]
    if suspects - _NOT_ALONE:
        return True
    return (
        (0xC2 in suspects and _C1.search(data) is not None)
        or (0xE2 in suspects and any(seq in data for seq in _ZERO_WIDTH))
        or (0xEF in suspects and b"\xef\xbb\xbf" in data)
    )


def visible(text: str) -> str:
    """``text`` with every control or invisible character written as ``<U+0000>``.

    What the report and the quarantine quote must be storable and readable:
    PostgreSQL and XLSX refuse a NUL, and an invisible character cannot be seen.
    """
    return _UNWANTED.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def without_unwanted(text: str) -> str:
    return _UNWANTED.sub("", text)


def clean_cells(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(``frame`` without control or invisible characters, the cells that had them).

    ``frame`` is all text plus the row-number column ``ROW``. Only the rows where a
    cell matches are worked on in Python.
    """
    row = ROW
    data = [c for c in frame.columns if c != row]
    pattern = f"[{CONTROL_CLASS}{INVISIBLE_CLASS}]"
    marks = frame.select(pl.col(row), *(pl.col(c).str.contains(pattern).alias(c) for c in data))
    dirty = marks.filter(pl.any_horizontal(pl.col(c).fill_null(False) for c in data))
    if dirty.height == 0:
        return frame, pl.DataFrame(schema=REPAIR_SCHEMA)
    data = [c for c in data if dirty[c].any()]
    rows: list[int] = []
    headers: list[str] = []
    values: list[str] = []
    codes: list[str] = []
    control = re.compile(f"[{CONTROL_CLASS}]")
    cleaned = frame.with_columns(pl.col(c).str.replace_all(pattern, "") for c in data)
    originals = frame.filter(pl.col(row).is_in(dirty[row].implode()))
    for record in originals.iter_rows(named=True):
        for header in data:
            text = record[header]
            if text is None or _UNWANTED.search(text) is None:
                continue
            rows.append(record[row])
            headers.append(header)
            values.append(visible(text))
            codes.append(CONTROL_CODE if control.search(text) else INVISIBLE_CODE)
    repairs = pl.DataFrame(
        {ROW: rows, "header": headers, "value": values, "code": codes}, schema=REPAIR_SCHEMA
    )
    return cleaned, repairs
