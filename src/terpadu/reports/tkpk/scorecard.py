"""The indicator scorecard as a section of the TKPK profile: every catalogue indicator of the
region in the edition against its target (on track, behind, no target, no data).

The values are those stored by ``terpadu indikator hitung`` for the edition; the report
computes nothing itself, so the scorecard says the same as ``terpadu indikator skor``.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from sqlalchemy import Engine

from terpadu.locale import text as words
from terpadu.reports.tkpk.model import Chart, Section, Table

Say = Callable[..., str]
STATUSES = ("on_track", "behind", "no_target", "no_data")


def scorecard_section(
    engine: Engine, prefix: str, period: str | None, lang: str, say: Say
) -> Section:
    """The scorecard of region ``prefix`` ('' for the nation) in edition ``period``."""
    # Imported here: the indicators bring their catalogue and the batch engine.
    from terpadu.indicators.reads import scorecard

    if period is None:
        return Section("indikator", say("scorecard_title"), say("scorecard_no_edition"))
    rows = scorecard(engine, period, prefix or None)
    if all(r.status == "no_data" for r in rows):
        return Section(
            "indikator", say("scorecard_title"), say("scorecard_not_computed", edition=period)
        )
    frame = pl.DataFrame(
        {
            "indikator": [r.indicator.id for r in rows],
            "nama": [r.indicator.label(lang) for r in rows],
            "program": [r.program for r in rows],
            "satuan": [words(f"indicators.unit.{r.indicator.unit}", lang) for r in rows],
            "nilai": [r.value for r in rows],
            "target": [r.target for r in rows],
            "status": [words(f"indicators.status.{r.status}", lang) for r in rows],
        },
        schema={
            "indikator": pl.Utf8,
            "nama": pl.Utf8,
            "program": pl.Utf8,
            "satuan": pl.Utf8,
            "nilai": pl.Float64,
            "target": pl.Float64,
            "status": pl.Utf8,
        },
    )
    tally = {s: sum(r.status == s for r in rows) for s in STATUSES}
    chart = Chart(
        say("scorecard_chart"),
        [(words(f"indicators.status.{s}", lang), float(n)) for s, n in tally.items() if n],
        kind="hbar",
        color="#8a5a00",
    )
    return Section(
        "indikator",
        say("scorecard_title"),
        say("scorecard_text", edition=period, on_track=tally["on_track"], behind=tally["behind"]),
        [
            Table(
                "indikator",
                say("scorecard_table"),
                frame,
                {
                    "nama": words("indicators.column.indicator", lang),
                    "program": words("indicators.column.program", lang),
                    "satuan": words("indicators.column.unit", lang),
                    "nilai": words("indicators.column.value", lang),
                    "target": words("indicators.column.target", lang),
                    "status": words("indicators.column.status", lang),
                },
                internal=("indikator",),
            )
        ],
        [chart],
    )
