"""Vectorised parsers for the forms values arrive in (dates, numbers, codes).

Each takes a polars expression over text cells that are already stripped
(blank is null) and returns the parsed value, null where the text cannot be
read. Callers compare "text present but value null" to flag errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

EXCEL_EPOCH = dt.date(1899, 12, 30)


def over_series(series: pl.Series, expr_of: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``expr_of`` evaluated over ``series`` as a frame's column.

    Not as ``pl.select(expr_of(pl.lit(series)))``: polars 2.1 panics on some of
    these expressions over a literal series (a Date branch beside others in a
    coalesce, as mixed date forms give).
    """
    return series.to_frame("v").select(expr_of(pl.col("v")).alias(series.name)).to_series()


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    text = pl.concat_str(
        [year.cast(pl.Utf8).str.zfill(4), month.str.zfill(2), day.str.zfill(2)], separator="-"
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


# Month names as Indonesians write them (and Excel's English abbreviations).
MONTHS: dict[str, str] = {
    name: f"{number:02d}"
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "pebruari", "feb", "peb"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "ags", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}


def _full_year(year: pl.Expr, today: dt.date) -> pl.Expr:
    """Four-digit years as they are; two-digit ones pivot on today (``05`` is 2005 unless
    that is in the future, then 1905)."""
    number = year.cast(pl.Int32, strict=False)
    two_digit = year.str.len_chars() == 2
    pivoted = pl.when(number <= today.year % 100).then(number + 2000).otherwise(number + 1900)
    return pl.when(two_digit).then(pivoted).otherwise(number)


def parse_date(col: pl.Expr, today: dt.date) -> pl.Expr:
    """Dates as YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, DD-MM-YY, Excel serial numbers, or
    with the month by name (``15 Juli 1987``, ``15-Jul-87``, ``5 Agt 2001``).

    Two-digit years pivot on today: ``05`` is 2005 when that is not in the
    future, else 1905. A time part after an ISO date (from XLSX) is ignored.
    """
    iso = col.str.extract_groups(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$")
    dmy = col.str.extract_groups(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
    dmyy = col.str.extract_groups(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2})$")
    named = col.str.to_lowercase().str.extract_groups(
        r"^(\d{1,2})[\s\-/.]+([a-z]{3,9})\.?[\s\-/.,]+(\d{4}|\d{2})$"
    )
    serial = col.str.extract(r"^(\d{1,5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    century_year = _full_year(dmyy.struct.field("3"), today)
    month = named.struct.field("2").replace_strict(MONTHS, default=None, return_dtype=pl.Utf8)
    from_serial = (
        pl.when(serial.is_between(1, 109_575))  # up to year 2199
        .then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
        .otherwise(None)
    ).cast(pl.Date)
    return pl.coalesce(
        _ymd(iso.struct.field("1"), iso.struct.field("2"), iso.struct.field("3")),
        _ymd(dmy.struct.field("3"), dmy.struct.field("2"), dmy.struct.field("1")),
        _ymd(century_year, dmyy.struct.field("2"), dmyy.struct.field("1")),
        _ymd(_full_year(named.struct.field("3"), today), month, named.struct.field("1")),
        from_serial,
    )


def parse_number(col: pl.Expr) -> pl.Expr:
    """Numbers written the Indonesian way or the English way.

    ``36,5`` and ``36.5`` are 36.5; ``1.250,75`` is 1250.75; units such as
    ``m2`` or ``VA`` and inner spaces are ignored.
    """
    text = col.str.to_lowercase().str.replace_all(r"\s+|m2|m²|va|rp\.?", "")
    thousands_id = text.str.contains(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
    thousands_en = text.str.contains(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
    normalised = (
        pl.when(thousands_id)
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(thousands_en & text.str.contains(r"\."))
        .then(text.str.replace_all(",", ""))
        .otherwise(text.str.replace(",", "."))
    )
    return normalised.cast(pl.Float64, strict=False)


def _folded_keys(label_map: dict[str, int]) -> dict[str, int]:
    # Labels were folded like the cells; "1.0" from Excel keeps its dot in the map.
    return {k.replace(".", ""): v for k, v in label_map.items()}


def parse_code(col: pl.Expr, label_map: dict[str, int]) -> pl.Expr:
    """A coded value given as its number or one of its labels."""
    folded = col.str.to_lowercase().str.replace_all(r"[\s._\-/]+", "")
    return folded.replace_strict(_folded_keys(label_map), default=None, return_dtype=pl.Int16)


def parse_code_series(text: pl.Series, label_map: dict[str, int]) -> pl.Series:
    """:func:`parse_code` over a column, looking plain numbers ("1", "01") up directly.

    Folding leaves a plain number as it is, so the direct look-up gives what
    folding would; only the other cells (labels, "1.0") are folded.
    """
    keys = _folded_keys(label_map)
    plain = {k: v for k, v in keys.items() if k.isascii() and k.isdigit()}
    value = text.replace_strict(plain, default=None, return_dtype=pl.Int16)
    rest = (value.is_null() & text.is_not_null()).fill_null(False)
    if rest.any():
        folded = over_series(text.filter(rest), lambda cell: parse_code(cell, label_map))
        value = value.scatter(rest.arg_true(), folded)
    return value


def parse_number_series(text: pl.Series) -> pl.Series:
    """:func:`parse_number` over a column; plain integers ("77", "007") are read directly."""
    value = text.cast(pl.Int64, strict=False).cast(pl.Float64)
    rest = (value.is_null() & text.is_not_null()).fill_null(False)
    if rest.any():
        parsed = over_series(text.filter(rest), parse_number)
        value = value.scatter(rest.arg_true(), parsed)
    return value
