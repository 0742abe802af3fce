"""Undo the damage Excel does to 16-digit identity numbers (NIK, NO_KK), exactly or not at all.

Excel stores numbers as floating point with 15 significant digits, so a NIK typed as a number is
shown as ``3.60401E+15`` and its 16th digit is lost. Files also arrive with a leading apostrophe
(Excel's "treat as text" marker), a trailing ``.0`` from a float column, and grouping spaces.
What can be recovered exactly is cleaned; a number whose digits are gone is an error, never a
guess. Whether the result is a valid NIK is :func:`terpadu.identity.check_nik`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import polars as pl

from terpadu.identity.issue import Issue

#: Whitespace removed anywhere in the value: ASCII whitespace plus the no-break and thin spaces
#: that Excel and word processors put into grouped numbers.
_SPACES: Final = " \t\n\r\x0b\x0c\u00a0\u2007\u202f"
_SPACE_CLASS: Final = "[ \\t\\n\\r\\x0b\\x0c\\x{00a0}\\x{2007}\\x{202f}]"
_APOSTROPHES: Final = "['`\u2018\u2019]"
#: Excel's scientific display: one non-zero digit, optional fraction (dot or Indonesian comma),
#: exponent of at most two digits.
_SCIENTIFIC: Final = r"^([1-9])(?:[.,]([0-9]*))?[eE]\+?([0-9]{1,2})$"
_TRAILING_ZERO_FRACTION: Final = r"^([0-9]+)[.,]0+$"

_SCIENTIFIC_RE = re.compile(_SCIENTIFIC)
_TRAILING_RE = re.compile(_TRAILING_ZERO_FRACTION)
_APOSTROPHE_RE = re.compile("^" + _APOSTROPHES)


@dataclass(frozen=True, slots=True)
class Repair:
    """Cleaned identity number. ``repaired`` is true when the value differs from the input with
    surrounding whitespace removed; ``error`` is set (and ``value`` None) when digits were lost."""

    value: str | None
    repaired: bool
    error: Issue | None = None


def repair_identity_number(raw: str | None, label: str = "NIK") -> Repair:
    """Clean one identity number as written in a file; ``label`` names it in the message.

    Removes spaces anywhere and one leading apostrophe, drops a zero fraction (``.0``, ``,00``)
    and expands scientific notation when the mantissa still carries every digit
    (``3.604011505870001E+15``). ``3.60401E+15`` is the error ``number_digits_lost``. Blank or
    None gives value None without error. Anything else is returned cleaned but unvalidated.
    """
    if raw is None:
        return Repair(None, False)
    stripped = raw.strip(_SPACES)
    text = _APOSTROPHE_RE.sub("", "".join(ch for ch in stripped if ch not in _SPACES))
    if not text:
        return Repair(None, False)

    scientific = _SCIENTIFIC_RE.match(text)
    if scientific is not None:
        lead, fraction, exponent = scientific[1], scientific[2] or "", int(scientific[3])
        if len(fraction) < exponent:
            return Repair(
                None,
                False,
                Issue(
                    "number_digits_lost",
                    f"{label} rusak oleh Excel (notasi ilmiah {text}): digit hilang, tidak bisa "
                    "dipulihkan. Ketik ulang sebagai teks.",
                ),
            )
        if set(fraction[exponent:]) <= {"0"}:
            text = lead + fraction[:exponent]
    else:
        trailing = _TRAILING_RE.match(text)
        if trailing is not None:
            text = trailing[1]
    return Repair(text, text != stripped)


def repair_identity_frame(s: pl.Series) -> pl.DataFrame:
    """Vectorised :func:`repair_identity_number`: columns ``value`` (String), ``repaired``
    (Boolean) and ``error_code`` (null or ``number_digits_lost``), one row per input row."""
    raw = s if s.dtype == pl.String else s.cast(pl.String)
    # Nearly every value is plain digits, which need no repair: only the rest are worked on.
    damaged = ~raw.str.contains("^[0-9]+$").fill_null(False)
    positions = damaged.arg_true()
    worked = _repair_all(raw.filter(damaged))
    rows = len(raw)
    return pl.DataFrame(
        {
            "value": raw.clone().scatter(positions, worked["value"]),
            "repaired": pl.repeat(False, rows, eager=True).scatter(positions, worked["repaired"]),
            "error_code": pl.repeat(None, rows, dtype=pl.String, eager=True).scatter(
                positions, worked["error_code"]
            ),
        }
    )


def _repair_all(raw: pl.Series) -> pl.DataFrame:
    v = pl.col("raw")
    stripped = v.str.strip_chars(_SPACES)
    text = stripped.str.replace_all(_SPACE_CLASS, "").str.replace("^" + _APOSTROPHES, "")
    frame = pl.DataFrame({"raw": raw}).with_columns(stripped.alias("stripped"), text.alias("text"))

    t = pl.col("text")
    lead = t.str.extract(_SCIENTIFIC, 1)
    fraction = t.str.extract(_SCIENTIFIC, 2).fill_null("")
    exponent = t.str.extract(_SCIENTIFIC, 3).cast(pl.Int32)
    is_scientific = lead.is_not_null()
    lost = is_scientific & (fraction.str.len_chars() < exponent)
    exact = is_scientific & ~lost & fraction.str.slice(exponent).str.contains("^0*$")
    trailing = t.str.extract(_TRAILING_ZERO_FRACTION, 1)
    cleaned = (
        pl.when(exact)
        .then(pl.concat_str(lead, fraction.str.head(exponent)))
        .when(~is_scientific & trailing.is_not_null())
        .then(trailing)
        .otherwise(t)
    )
    value = (
        pl.when(t.is_null() | (t == "") | lost)
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(cleaned)
    )
    return frame.with_columns(value.alias("value")).select(
        pl.col("value"),
        (pl.col("value").is_not_null() & (pl.col("value") != pl.col("stripped"))).alias("repaired"),
        pl.when(lost)
        .then(pl.lit("number_digits_lost"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("error_code"),
    )
