"""Indicators: a catalogue as data, values per region and edition, targets, trends.

The catalogue (``catalogue.yaml``) defines each indicator as SQL over an edition's tables;
:func:`compute_indicators` runs it on the batch engine and stores the values per region
(reproducible: the run records the catalogue's and the inputs' sha256);
:func:`indicator_values`, :func:`scorecard` and :func:`trend` read them for the CLI,
reports and pages. docs/indicators.md describes every shipped indicator.

Names are loaded on first use: computing brings Arrow and the batch engine, which the
commands that only read the catalogue should not pay for at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from terpadu.indicators.catalogue import Catalogue, Indicator, load_catalogue
    from terpadu.indicators.compute import IndicatorRun, compute_indicators
    from terpadu.indicators.imports import import_survey, import_targets
    from terpadu.indicators.reads import (
        ScoreRow,
        indicator_values,
        scorecard,
        status,
        targets_for,
        trend,
    )

_HOME = {
    "Catalogue": "catalogue",
    "Indicator": "catalogue",
    "load_catalogue": "catalogue",
    "IndicatorRun": "compute",
    "compute_indicators": "compute",
    "import_survey": "imports",
    "import_targets": "imports",
    "ScoreRow": "reads",
    "indicator_values": "reads",
    "scorecard": "reads",
    "status": "reads",
    "targets_for": "reads",
    "trend": "reads",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"terpadu.indicators.{home}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "Catalogue",
    "Indicator",
    "IndicatorRun",
    "ScoreRow",
    "compute_indicators",
    "import_survey",
    "import_targets",
    "indicator_values",
    "load_catalogue",
    "scorecard",
    "status",
    "targets_for",
    "trend",
]
