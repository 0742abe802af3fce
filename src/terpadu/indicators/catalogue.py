"""The indicator catalogue (``catalogue.yaml``), loaded and checked with pydantic.

The catalogue is data: each indicator's names, definition (SQL over the edition's tables),
unit, direction, disaggregations, source and default targets. Its sha256 is recorded on
every run, so a stored value can be traced to the definition it was computed with.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")

Unit = Literal["percent", "index", "count", "months"]
Direction = Literal["higher", "lower"]
Requirement = Literal["survey", "desil", "enrol", "previous", "flags"]
#: The disaggregations an indicator's query may return, besides the region.
BREAKDOWNS: tuple[str, ...] = ("jenis_kelamin", "kelompok_umur", "desil")
#: What a value is multiplied by: a share of 1 shown in per cent.
SCALE: dict[str, float] = {"percent": 100.0, "index": 1.0, "count": 1.0, "months": 1.0}


class Names(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    en: str


class Targets(BaseModel):
    """The catalogue's targets: one for every year, and per year where they differ."""

    model_config = ConfigDict(extra="forbid")
    default: float | None = None
    years: dict[int, float] = Field(default_factory=dict)

    def for_year(self, year: int) -> float | None:
        return self.years.get(year, self.default)


class Indicator(BaseModel):
    """One indicator of the catalogue."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,49}$")
    name: Names
    unit: Unit
    direction: Direction
    source: str
    sql: str
    params: dict[str, str] = Field(default_factory=dict)
    requires: list[Requirement] = Field(default_factory=list)
    disaggregations: list[str] = Field(default_factory=list)
    per_program: bool = False
    family_set: str | None = None
    targets: Targets = Field(default_factory=Targets)

    @field_validator("disaggregations")
    @classmethod
    def _known_breakdowns(cls, value: list[str]) -> list[str]:
        unknown = [b for b in value if b not in BREAKDOWNS]
        if unknown:
            raise ValueError(f"unknown disaggregation {unknown}: use {list(BREAKDOWNS)}")
        return value

    @model_validator(mode="after")
    def _counts_have_no_denominator(self) -> Indicator:
        if self.family_set is not None and self.unit != "count":
            raise ValueError(f"{self.id}: family_set is for family counts only")
        return self

    @property
    def query(self) -> str:
        """The SQL with its parameters filled in."""
        return self.sql.format(**self.params) if self.params else self.sql

    @property
    def scale(self) -> float:
        return SCALE[self.unit]

    def label(self, lang: str) -> str:
        return self.name.en if lang == "en" else self.name.id


class Catalogue(BaseModel):
    """Every indicator, in the order reports show them; its version and sha256."""

    model_config = ConfigDict(extra="forbid")
    version: str
    indicators: list[Indicator]
    sha256: str = ""

    @field_validator("indicators")
    @classmethod
    def _unique_ids(cls, value: list[Indicator]) -> list[Indicator]:
        ids = [i.id for i in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"indicator ids given twice: {twice}")
        return value

    def get(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def parse_catalogue(text: str) -> Catalogue:
    """A catalogue from its YAML text (pydantic says what is wrong, and where)."""
    data = yaml.safe_load(text)
    catalogue = Catalogue.model_validate(data)
    return catalogue.model_copy(update={"sha256": hashlib.sha256(text.encode()).hexdigest()})


@lru_cache(maxsize=1)
def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The catalogue shipped with Terpadu (or the one at ``path``)."""
    return parse_catalogue(path.read_text(encoding="utf-8"))


__all__ = [
    "BREAKDOWNS",
    "CATALOGUE_PATH",
    "Catalogue",
    "Indicator",
    "Targets",
    "load_catalogue",
    "parse_catalogue",
]
