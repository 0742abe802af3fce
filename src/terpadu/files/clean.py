"""Clean and check one input table, column by column, without per-row Python.

The result is the table's values in registry form plus a table of issues
(row, column, value as received, severity, code). A row with any ``error``
is rejected; ``warning`` rows land and their warnings are kept.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from terpadu.files.form import ROW, InputFileError
from terpadu.files.issues import ISSUE_SCHEMA
from terpadu.files.parsing import (
    over_series,
    parse_code_series,
    parse_date,
    parse_number_series,
)
from terpadu.files.readers import RawTable
from terpadu.files.text_cells import CONTROL_CODE, INVISIBLE_CODE
from terpadu.identity import check_kk_frame, check_nik_frame, repair_identity_frame
from terpadu.layouts import LAYOUTS, Column, header_index, normalize_header
from terpadu.regions import regions_frame

REPAIRED = "__repaired"
#: One row per repaired cell: its row, layout column, the value as sent and as repaired.
REPAIR_LIST_SCHEMA = pl.Schema(
    {ROW: pl.Int64(), "column": pl.Utf8(), "value": pl.Utf8(), "repaired": pl.Utf8()}
)
EXTRA = "__extra"
TEXT_LIMITS = {
    "nama": 200,
    "nama_ibu_kandung": 200,
    "tempat_lahir": 100,
    "rt": 10,
    "rw": 10,
    "id_anggota": 100,
}
KEY_LIMIT = 100
# Spaces no one types into a key (no-break, figure, thin, ideographic…): pasted from a
# web page or Word, they make "K 1" and "K1" look alike on screen but not in the registry.
WIDE_SPACES = r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]"


@dataclass(frozen=True)
class CleanTable:
    """Values in registry form (one column per target, plus ROW, REPAIRED, EXTRA)."""

    values: pl.DataFrame
    issues: pl.DataFrame
    raw: pl.DataFrame  # the input as received (trimmed), original headers, plus ROW
    mapping: dict[str, str]  # original header → layout column name
    extra_columns: list[str]
    # Values written again in registry form (REPAIR_LIST_SCHEMA): the problem file shows
    # each as sent and as repaired, so the sender can see what was changed.
    repairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REPAIR_LIST_SCHEMA))


def _column_letter(position: int) -> str:
    """A spreadsheet's name for column ``position`` (from 1): A, B, … Z, AA."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _place(position: int, header: str) -> str:
    return f"kolom ke-{position} ({_column_letter(position)}) '{header}'"


def map_headers(
    raw: RawTable, columns: tuple[Column, ...]
) -> tuple[dict[str, Column], list[str], pl.DataFrame]:
    """Match the file's headers to the layout; the rest are extra attributes.

    Returns (header → column, extra headers, notes). A layout column given twice
    (``NAMA`` and ``Nama Lengkap``, or ``KODE_WILAYAH`` twice) is one column when
    both hold the same value on every row (a note says which is used); when they
    differ no one can tell which is meant, and the file is refused naming both.
    """
    index = header_index(columns)
    mapped: dict[str, Column] = {}
    first_of: dict[str, tuple[str, int]] = {}  # layout column → (header, position)
    extra: list[str] = []
    notes: list[tuple[int, str, str, str, str]] = []
    names = [h for h in raw.frame.columns if h != ROW]
    written = list(raw.headers) if len(raw.headers) == len(names) else names
    for position, (header, as_written) in enumerate(zip(names, written, strict=True), start=1):
        column = index.get(normalize_header(as_written))
        if column is None:
            extra.append(header)
        elif column.name in first_of:
            first, first_position = first_of[column.name]
            where = f"{_place(first_position, written[first_position - 1])} dan " + _place(
                position, as_written
            )
            _same_or_refuse(raw, column.name, first, header, where)
            notes.append((raw.header_row, column.name, where, "warning", "column_duplicated"))
        else:
            mapped[header] = column
            first_of[column.name] = (header, position)
    missing = [c.name for c in columns if c.required and c.name not in first_of]
    if missing:
        raise InputFileError(
            f"{raw.path}: kolom wajib tidak ditemukan: {', '.join(missing)} "
            f"(judul kolom yang ada: {', '.join(written)})" + _other_layout_hint(raw, columns)
        )
    return mapped, extra, pl.DataFrame(notes, schema=ISSUE_SCHEMA, orient="row")


def _same_or_refuse(raw: RawTable, name: str, first: str, second: str, where: str) -> None:
    frame = raw.frame
    differ = frame.filter(pl.col(first).ne_missing(pl.col(second)))
    if differ.height:
        raise InputFileError(
            f"{raw.path}: kolom {name} ada dua kali ({where}) dan isinya berbeda di "
            f"{differ.height} baris (pertama baris {differ[ROW][0]}): tidak bisa dipastikan "
            "mana yang benar. Hapus atau ganti judul salah satu kolom lalu kirim ulang"
        )


def _other_layout_hint(raw: RawTable, columns: tuple[Column, ...]) -> str:
    """A hint when the file has every required column of another layout (files swapped)."""
    headers = {normalize_header(h) for h in raw.headers or raw.frame.columns if h != ROW}
    for name, layout in LAYOUTS.items():
        if layout is columns:
            continue
        index = header_index(layout)
        required = {c.name for c in layout if c.required}
        found = {index[h].name for h in headers if h in index}
        # Only a file that is clearly the other layout: its required columns and more.
        if required <= found and len(found) > len(required):
            return f"; berkas ini tampaknya berkas {name}: apakah berkasnya tertukar?"
    return ""


def clean_table(raw: RawTable, columns: tuple[Column, ...], today: dt.date) -> CleanTable:
    mapped, extra, notes = map_headers(raw, columns)
    stripped = raw.frame  # the reader trimmed every cell already
    by_name = {column.name: header for header, column in mapped.items()}
    values: list[pl.Series] = [stripped[ROW]]
    cell_issues = _cell_repair_issues(raw, mapped, extra)
    issues: list[pl.DataFrame] = [notes, cell_issues]
    repaired = (
        stripped[ROW]
        .is_in(cell_issues.filter(pl.col("severity") == "warning")[ROW].implode())
        .alias(REPAIRED)
    )

    def add_issues(header: str, column_name: str, codes: pl.Series, severity: str) -> None:
        frame = pl.DataFrame({ROW: stripped[ROW], "value": stripped[header], "code": codes})
        found = frame.filter(pl.col("code").is_not_null())
        if found.height:
            issues.append(
                found.select(
                    pl.col(ROW),
                    pl.lit(column_name).alias("column"),
                    pl.col("value"),
                    pl.lit(severity).alias("severity"),
                    pl.col("code"),
                )
            )

    repairs: list[pl.DataFrame] = []
    present_columns = [c for c in columns if c.name in by_name]
    # Columns are independent and polars releases the GIL: clean them side by side.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        cleaned = dict(
            zip(
                [c.name for c in present_columns],
                pool.map(
                    lambda c: _clean_column(c, stripped[by_name[c.name]], today), present_columns
                ),
                strict=True,
            )
        )
    for column in columns:
        header = by_name.get(column.name)
        if header is None:
            values.append(pl.Series(column.target, [None] * stripped.height, dtype=_dtype(column)))
            continue
        text = stripped[header]
        present = text.is_not_null()
        if column.required:
            add_issues(header, column.name, _when(~present, "required"), "error")
        value, errors, warnings, was_repaired = cleaned[column.name]
        add_issues(header, column.name, errors, "error")
        if warnings is not None:
            add_issues(header, column.name, warnings, "warning")
        if was_repaired is not None:
            repaired = repaired | was_repaired.fill_null(False)
            repairs.append(_repair_list(stripped[ROW], column.name, text, value, was_repaired))
        values.append(value.alias(column.target))

    frame = pl.DataFrame(values).with_columns(repaired)
    if extra:
        frame = frame.with_columns(
            pl.struct([stripped[h] for h in extra]).struct.json_encode().alias(EXTRA)
        )
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(EXTRA))
    issue_frame = (pl.concat(issues) if issues else pl.DataFrame(schema=ISSUE_SCHEMA)).cast(
        ISSUE_SCHEMA
    )
    mapping = {header: column.name for header, column in mapped.items()}
    # The trimmed input stands for the input from here on (issues quote it, the
    # quarantine keeps it); the untrimmed copy is not held, to save memory.
    repair_list = pl.concat(repairs) if repairs else pl.DataFrame(schema=REPAIR_LIST_SCHEMA)
    return CleanTable(frame, issue_frame, stripped, mapping, extra, repair_list)


def _repair_list(
    rows: pl.Series, name: str, sent: pl.Series, value: pl.Series, was_repaired: pl.Series
) -> pl.DataFrame:
    """The cells of one column whose value was written again, as sent and as repaired."""
    changed = pl.DataFrame(
        {
            ROW: rows,
            "value": sent,
            "repaired": value.cast(pl.Utf8),
            "flag": was_repaired.fill_null(False),
        }
    ).filter(pl.col("flag") & pl.col("value").ne_missing(pl.col("repaired")))
    return changed.select(ROW, pl.lit(name).alias("column"), "value", "repaired").cast(
        REPAIR_LIST_SCHEMA
    )


def _is_key(column: Column) -> bool:
    """Columns that identify or locate a record: an invisible character there splits one
    family or person in two, so a control character there rejects the row."""
    return column.kind in ("key", "nik", "kk", "region") or column.target == "id_anggota"


def _cell_repair_issues(raw: RawTable, mapped: dict[str, Column], extra: list[str]) -> pl.DataFrame:
    """The reader's cell repairs as issues named by layout column: warnings, except a
    control character in a key, which no one can say was the only damage (an error)."""
    repairs = raw.cell_repairs
    kept = [*mapped, *extra]
    repairs = repairs.filter(pl.col("header").is_in(kept))
    if repairs.height == 0:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    names = {header: column.name for header, column in mapped.items()}
    keys = [header for header, column in mapped.items() if _is_key(column)]
    in_key = pl.col("header").is_in(keys) & (pl.col("code") == CONTROL_CODE)
    return repairs.select(
        pl.col(ROW),
        pl.col("header").replace(names).alias("column"),
        pl.col("value"),
        pl.when(in_key).then(pl.lit("error")).otherwise(pl.lit("warning")).alias("severity"),
        pl.when(in_key).then(pl.lit("control_char_in_key")).otherwise(pl.col("code")).alias("code"),
    ).cast(ISSUE_SCHEMA)


def _key_text(text: pl.Series) -> tuple[pl.Series, pl.Series | None]:
    """A key's text single-spaced, without wide spaces; (value, cells that had them).

    The cells are found by the check ``single_spaced`` makes anyway, so a clean
    column costs nothing more.
    """
    uneven = text.str.contains(r"\s\s|[^\S ]").fill_null(False)
    if not uneven.any():
        return text, None
    part = text.filter(uneven)
    wide = part.str.contains(WIDE_SPACES)
    fixed = part.str.replace_all(WIDE_SPACES, "").str.replace_all(r"\s+", " ")
    positions = uneven.arg_true()
    had_wide = pl.repeat(False, len(text), eager=True).scatter(positions, wide)
    return text.clone().scatter(positions, fixed), had_wide if had_wide.any() else None


def _dtype(column: Column) -> pl.DataType:
    return {
        "code": pl.Int16(),
        "flag": pl.Int16(),
        "int": pl.Int64(),
        "power": pl.Int64(),
        "number": pl.Float64(),
        "date": pl.Date(),
    }.get(column.kind, pl.Utf8())


def _when(mask: pl.Series, code: str, otherwise: pl.Series | None = None) -> pl.Series:
    """``code`` where ``mask`` holds, else ``otherwise`` (null when not given)."""
    base = otherwise if otherwise is not None else pl.Series([None] * len(mask), dtype=pl.Utf8)
    return (
        pl.DataFrame({"mask": mask.fill_null(False), "base": base})
        .select(pl.when(pl.col("mask")).then(pl.lit(code)).otherwise(pl.col("base")).alias("c"))
        .to_series()
    )


def _kept(value: pl.Series, errors: pl.Series) -> pl.Series:
    """``value`` where there is no error, else null."""
    return (
        pl.DataFrame({"v": value, "e": errors})
        .select(pl.when(pl.col("e").is_null()).then(pl.col("v")).alias("v"))
        .to_series()
    )


# What operators write in a NIK or NO_KK cell for "there is none": read as blank, with a
# warning, so the person lands flagged for civil registration instead of being rejected.
# (A lone dash is an empty cell already: the reader blanks it in every column.)
IDENTITY_PLACEHOLDERS: frozenset[str] = frozenset(
    {
        ".", "tidak ada", "tdk ada", "belum ada", "blm ada", "belum punya", "blm punya",
        "tidak punya", "kosong", "nihil", "n/a", "na", "#n/a", "null", "none",
    }
)  # fmt: skip


def _identity_placeholders(text: pl.Series) -> pl.Series:
    """Cells that say "none" rather than give a number: a placeholder word, or only zeros.

    A number starting with 1-9 (nearly every NIK) is none of these, so only the other
    cells are folded and matched.
    """
    maybe = (~text.str.slice(0, 1).is_in(list("123456789"))).fill_null(False)
    if not maybe.any():
        return maybe
    rest = text.filter(maybe)
    folded = rest.str.to_lowercase().str.replace_all(r"\s+", " ")
    found = folded.is_in(list(IDENTITY_PLACEHOLDERS)) | rest.str.contains(r"^0+$")
    return maybe.scatter(maybe.arg_true(), found)


def _dates(text: pl.Series, today: dt.date) -> pl.Series:
    """ISO dates take the fast path; only the rest go through every accepted form."""
    value = text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    # %Y also takes a two-digit year: "05-07-26" (DD-MM-YY) would land as 26 July 0005.
    slow = (value.is_null() | (value.dt.year() < 1000)) & text.is_not_null()
    if slow.any():
        parsed = over_series(text.filter(slow), lambda cell: parse_date(cell, today))
        value = value.scatter(slow.arg_true(), parsed)
    return value


def single_spaced(text: pl.Series) -> pl.Series:
    """Runs of whitespace as one space; only the cells that have such a run are rewritten."""
    uneven = text.str.contains(r"\s\s|[^\S ]").fill_null(False)
    if not uneven.any():
        return text
    return text.clone().scatter(uneven.arg_true(), text.filter(uneven).str.replace_all(r"\s+", " "))


def _clean_column(
    column: Column, text: pl.Series, today: dt.date
) -> tuple[pl.Series, pl.Series, pl.Series | None, pl.Series | None]:
    """(value, error codes, warning codes, repaired flags) for one column."""
    present = text.is_not_null()
    kind = column.kind
    if _is_key(column) and kind in ("key", "text"):
        value, wide = _key_text(text)
        limit = KEY_LIMIT if kind == "key" else TEXT_LIMITS.get(column.target, 2000)
        errors = _when(value.str.len_chars() > limit, "text_too_long")
        warnings = None if wide is None else _when(wide, INVISIBLE_CODE)
        return value, errors, warnings, wide
    if kind in ("key", "text"):
        value = single_spaced(text)
        limit = KEY_LIMIT if kind == "key" else TEXT_LIMITS.get(column.target, 2000)
        return value, _when(value.str.len_chars() > limit, "text_too_long"), None, None
    if kind in ("code", "flag"):
        value = parse_code_series(text, column.label_map())
        return value, _when(present & value.is_null(), "code_unknown"), None, None
    if kind in ("number", "int", "power"):
        number = parse_number_series(text)
        errors = _when(present & number.is_null(), "number_invalid")
        if kind == "number":
            value = number
        else:
            whole = number.is_not_null() & (number.round(0) != number)
            errors = _when(whole, "number_invalid", errors)
            value = number.cast(pl.Int64, strict=False)
        if column.min_value is not None:
            low = number < column.min_value if column.min_inclusive else number <= column.min_value
            errors = _when(low, "number_out_of_range", errors)
        if column.max_value is not None:
            errors = _when(number > column.max_value, "number_out_of_range", errors)
        if kind == "power":
            standard = number.is_in([450.0, 900.0, 1300.0, 2200.0]) | (number >= 3500)
            errors = _when(number.is_not_null() & ~standard, "power_invalid", errors)
        return value, errors, None, None
    if kind == "date":
        value = _dates(text, today)
        errors = _when(present & value.is_null(), "date_invalid")
        errors = _when(value > today, "date_future", errors)
        errors = _when(value < dt.date(1900, 1, 1), "date_too_old", errors)
        return value, errors, None, None
    if kind in ("nik", "kk"):
        placeholder = _identity_placeholders(text)
        has_placeholder = bool(placeholder.any())
        if has_placeholder:
            text = text.zip_with(~placeholder, pl.Series([None] * len(text), dtype=pl.Utf8))
        repair = repair_identity_frame(text)
        checked = (check_nik_frame if kind == "nik" else check_kk_frame)(repair["value"], today)
        errors = repair["error_code"].fill_null(checked["error_code"]).alias("c")
        value = _kept(checked["nik" if kind == "nik" else "kk"], errors)
        warnings = checked["warning_code"]
        if has_placeholder:
            warnings = _when(placeholder, f"{kind}_placeholder", warnings)
        return value, errors, warnings, repair["repaired"] & errors.is_null()
    if kind == "region":
        # Excel users type a leading apostrophe to keep the code as text, as for NIK.
        apostrophe = text.str.starts_with("'")  # cells are trimmed already
        quoted = bool(apostrophe.any())
        code = (text.str.strip_chars_start("'") if quoted else text).str.replace_all(r"[\s.]", "")
        well_formed = code.str.contains(r"^[0-9]{10}$")
        known = code.is_in(regions_frame("desa")["code"].implode())
        errors = _when(present & ~well_formed, "region_format")
        errors = _when(present & well_formed & ~known, "region_unknown", errors)
        value = _kept(code, errors)
        repaired = apostrophe.fill_null(False) & errors.is_null() if quoted else None
        return value, errors, None, repaired
    raise ValueError(f"unknown column kind {kind}")  # pragma: no cover
