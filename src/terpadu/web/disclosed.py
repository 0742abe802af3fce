"""Files the web hands out, as the reader's role may see them (:class:`terpadu.access.Disclosure`).

An import's problem list quotes the cells it found wrong (a NIK, a birth date, a
mother's name); a masked reader gets a copy with each value masked like the column
it came from, written beside the full one and readable by the server only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from terpadu.access import Disclosure
from terpadu.files.tables import write_table
from terpadu.web import imports as web_imports


def masked_issues(frame: pl.DataFrame, shown: Disclosure) -> pl.DataFrame:
    """Each VALUE masked as its COLUMN's field, each MESSAGE with NIKs masked."""
    values = [
        shown.field(str(column or ""), value)
        for column, value in zip(frame["COLUMN"].to_list(), frame["VALUE"].to_list(), strict=True)
    ]
    messages = [shown.text(m) for m in frame["MESSAGE"].to_list()]
    masked = frame.with_columns(
        pl.Series("VALUE", [None if v is None else str(v) for v in values], dtype=pl.Utf8),
        pl.Series("MESSAGE", messages, dtype=pl.Utf8),
    )
    if "REPAIRED_VALUE" not in frame.columns:
        return masked
    # A repaired NIK is the same NIK: masked like the value it was sent as.
    repaired = [
        None if value is None else str(shown.field(str(column or ""), value))
        for column, value in zip(
            frame["COLUMN"].to_list(), frame["REPAIRED_VALUE"].cast(pl.Utf8).to_list(), strict=True
        )
    ]
    return masked.with_columns(pl.Series("REPAIRED_VALUE", repaired, dtype=pl.Utf8))


def import_job(job: dict[str, Any], shown: Disclosure) -> dict[str, Any]:
    """An import job as this reader may see it: a failure message quoting a NIK is masked."""
    if shown.full:
        return job
    return job | {
        "message": shown.text(job.get("message")),
        "summary": shown.record(job.get("summary")),
    }


def problem_list(job: dict[str, Any], fmt: str, shown: Disclosure) -> Path | None:
    """The job's problem list as CSV or XLSX for this reader (None before it finished)."""
    full = web_imports.issues_file(job, fmt)
    if full is None or shown.full:
        return full
    target = full.with_name(f"{full.stem}-tersamar{full.suffix}")
    if not target.exists():
        frame = pl.read_parquet(Path(job["folder"]) / web_imports.ISSUES_FILE)
        frame = frame.rename(
            {k: v for k, v in web_imports.ISSUE_COLUMNS.items() if k in frame.columns}
        )
        if {"COLUMN", "VALUE", "MESSAGE"} <= set(frame.columns):
            frame = masked_issues(frame.cast({"VALUE": pl.Utf8, "MESSAGE": pl.Utf8}), shown)
        else:  # an unknown layout: no values at all rather than unmasked ones
            frame = shown.frame(frame.drop("VALUE", strict=False))
        write_table(frame, target, sheet="masalah").chmod(0o600)
    return target
