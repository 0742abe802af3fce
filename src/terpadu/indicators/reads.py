"""Reading stored indicator values: per region and level, the scorecard against targets,
and the trend across editions (with the change in family counts explained).

Used by ``terpadu indikator`` and by the report and dashboard pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.indicators.catalogue import Catalogue, Indicator, load_catalogue
from terpadu.indicators.compute import CHANGE, CHANGE_REASONS, LEVELS, VALUE_SCHEMA
from terpadu.periods import parse_period
from terpadu.regions import normalize_code
from terpadu.store.models.indicators import IndicatorRun, IndicatorTarget, IndicatorValue

Status = Literal["on_track", "behind", "no_target", "no_data"]
LEVEL_OF_LENGTH = {length: level for level, length in LEVELS}


def region_code(region: str | None) -> str:
    """A region code undotted; '' for the nation."""
    return normalize_code(region) if region else ""


def level_of(region: str | None) -> str:
    """The level of a region code ('' is the nation)."""
    return LEVEL_OF_LENGTH[len(region_code(region))]


def current_run(engine: Engine, edition: str, region: str | None = None) -> IndicatorRun | None:
    """The latest current run of ``edition`` that covers ``region``."""
    label, _, _ = parse_period(edition)
    code = region_code(region)
    with Session(engine) as session:
        runs = session.scalars(
            select(IndicatorRun)
            .where(IndicatorRun.edition_period == label, IndicatorRun.is_current == 1)
            .order_by(IndicatorRun.id.desc())
        ).all()
        for run in runs:
            if run.region is None or code.startswith(run.region):
                session.expunge(run)
                return run
    return None


def _values(engine: Engine, run_id: int, *conditions: object) -> pl.DataFrame:
    columns = [getattr(IndicatorValue, name) for name in VALUE_SCHEMA]
    with Session(engine) as session:
        rows = session.execute(
            select(*columns).where(IndicatorValue.run_id == run_id, *conditions)  # type: ignore[arg-type]
        ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=VALUE_SCHEMA, orient="row")


def indicator_values(engine: Engine, edition: str, region: str | None, level: str) -> pl.DataFrame:
    """Every value of ``edition`` at ``level`` (nasional … desa) within ``region``
    (:data:`~terpadu.indicators.compute.VALUE_SCHEMA`); empty when never computed."""
    run = current_run(engine, edition, region)
    if run is None:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    code = region_code(region)
    within = [IndicatorValue.kode_wilayah.startswith(code)] if code else []
    return _values(engine, run.id, IndicatorValue.level == level, *within).sort(
        "indicator_id", "kode_wilayah", "program", "breakdown", "breakdown_value"
    )


def targets_for(
    engine: Engine, year: int, region: str | None, catalogue: Catalogue | None = None
) -> dict[str, float | None]:
    """Each indicator's target for ``year`` in ``region``: the imported target of the
    nearest region containing it (the region itself, then upwards to the nation), else the
    catalogue's."""
    catalogue = catalogue or load_catalogue()
    code = region_code(region)
    prefixes = {code[:n] for n in (0, 2, 4, 6, 10) if n <= len(code)}
    with Session(engine) as session:
        imported = session.execute(
            select(
                IndicatorTarget.indicator_id, IndicatorTarget.kode_wilayah, IndicatorTarget.target
            ).where(IndicatorTarget.year == year, IndicatorTarget.kode_wilayah.in_(prefixes))
        ).all()
    nearest: dict[str, tuple[int, float]] = {}
    for indicator_id, kode, target in imported:
        if indicator_id not in nearest or len(kode) > nearest[indicator_id][0]:
            nearest[indicator_id] = (len(kode), float(target))
    return {
        i.id: nearest[i.id][1] if i.id in nearest else i.targets.for_year(year)
        for i in catalogue.indicators
    }


def status(indicator: Indicator, value: float | None, target: float | None) -> Status:
    """on_track when the value meets the target in the indicator's direction."""
    if value is None:
        return "no_data"
    if target is None:
        return "no_target"
    met = value >= target if indicator.direction == "higher" else value <= target
    return "on_track" if met else "behind"


@dataclass(frozen=True)
class ScoreRow:
    """One line of a scorecard."""

    indicator: Indicator
    program: str
    value: float | None
    target: float | None
    status: Status


def scorecard(
    engine: Engine, edition: str, region: str | None, catalogue: Catalogue | None = None
) -> list[ScoreRow]:
    """Every catalogue indicator in ``region`` for ``edition`` against its target (one row per
    programme for per-programme indicators); no data where the edition lacks it."""
    catalogue = catalogue or load_catalogue()
    label, _, _ = parse_period(edition)
    targets = targets_for(engine, int(label[:4]), region, catalogue)
    values = indicator_values(engine, edition, region, level_of(region)).filter(
        (pl.col("breakdown") == "") & (pl.col("kode_wilayah") == region_code(region))
    )
    rows: list[ScoreRow] = []
    for indicator in catalogue.indicators:
        target = targets[indicator.id]
        mine = values.filter(pl.col("indicator_id") == indicator.id).sort("program")
        if mine.is_empty():
            rows.append(ScoreRow(indicator, "", None, target, status(indicator, None, target)))
        for r in mine.iter_rows(named=True):
            rows.append(
                ScoreRow(
                    indicator,
                    r["program"],
                    r["value"],
                    target,
                    status(indicator, r["value"], target),
                )
            )
    return rows


def trend(
    engine: Engine,
    indicator_id: str,
    region: str | None,
    editions: Sequence[str],
    catalogue: Catalogue | None = None,
) -> pl.DataFrame:
    """The indicator in ``region`` across ``editions`` (oldest first): value, numerator,
    denominator, target, the change since the edition before and, for family counts, that
    change by reason (``perubahan_baru`` … ``perubahan_keluar``; they add up to it)."""
    catalogue = catalogue or load_catalogue()
    indicator = catalogue.get(indicator_id)
    code = region_code(region)
    rows = []
    for edition in editions:
        label, _, _ = parse_period(edition)
        run = current_run(engine, label, region)
        found = (
            _values(
                engine,
                run.id,
                IndicatorValue.indicator_id == indicator_id,
                IndicatorValue.kode_wilayah == code,
                IndicatorValue.level == level_of(region),
                IndicatorValue.program == "",
            )
            if run is not None
            else pl.DataFrame(schema=VALUE_SCHEMA)
        )
        total = found.filter(pl.col("breakdown") == "")
        change = dict(
            found.filter(pl.col("breakdown") == CHANGE)
            .select("breakdown_value", "numerator")
            .iter_rows()
        )
        row: dict[str, object] = {
            "edition": label,
            "value": total["value"][0] if total.height else None,
            "numerator": total["numerator"][0] if total.height else None,
            "denominator": total["denominator"][0] if total.height else None,
            "target": targets_for(engine, int(label[:4]), region, catalogue)[indicator_id],
        }
        if indicator.family_set:
            for reason in CHANGE_REASONS:
                row[f"perubahan_{reason}"] = change.get(reason, 0.0) if change else None
        rows.append(row)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    if frame.is_empty():
        return frame
    return frame.with_columns((pl.col("value") - pl.col("value").shift(1)).alias("change"))


__all__ = [
    "ScoreRow",
    "Status",
    "current_run",
    "indicator_values",
    "level_of",
    "scorecard",
    "status",
    "targets_for",
    "trend",
]
