"""What a TKPK report is made of: sections, each with a title, a short text, tables, charts.

A report is a list of :class:`Section`; the PDF and XLSX writers know nothing of what a
section holds, so more sections (an indicator scorecard, a trend) plug in by adding to the
list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

ChartKind = Literal["bar", "hbar"]


@dataclass(frozen=True)
class Table:
    """One table of a section: its title, a short name (sheet and file name) and its rows.

    ``headers`` gives each column's words for people, in the report's language; the
    frame keeps plain column names (the downloads' headers)."""

    key: str
    title: str
    frame: pl.DataFrame
    headers: dict[str, str] = field(default_factory=dict)
    # Columns holding a share (0-1): shown as a percentage in the PDF and the page.
    percent: tuple[str, ...] = ()
    # Columns for machines (a measure's code): in the downloads, not in the PDF or the page.
    internal: tuple[str, ...] = ()

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def shown(self) -> pl.DataFrame:
        """The table as people read it (without the internal columns)."""
        return self.frame.drop(*self.internal)


@dataclass(frozen=True)
class Chart:
    """A chart of ``(label, value)`` pairs: vertical bars, or one horizontal bar per row."""

    title: str
    items: list[tuple[str, float]]
    kind: ChartKind = "bar"
    percent: bool = False
    color: str = "#2f6f4f"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    text: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """A report on one region, from one edition, in one language."""

    kind: Literal["profil", "rekap"]
    title: str
    region: str
    region_name: str
    edition: str | None
    lang: str
    generated: dt.datetime
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key), None)


__all__ = ["Chart", "ChartKind", "Report", "Section", "Table"]
