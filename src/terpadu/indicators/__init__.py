"""Indicators: a catalogue as data, values per region and edition, targets, trends.

The catalogue (``catalogue.yaml``) defines each indicator as SQL over an edition's tables;
:func:`compute_indicators` runs it on the batch engine and stores the values per region
(reproducible: the run records the catalogue's and the inputs' sha256);
:func:`indicator_values`, :func:`scorecard` and :func:`trend` read them for the CLI,
reports and pages. docs/indicators.md describes every shipped indicator.
"""

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
