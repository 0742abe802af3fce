"""Computing the catalogue's indicators on an edition, per region, and storing them.

Each indicator's query is summed per desa (and programme and disaggregation) once, then
rolled up the region tree by code prefix: desa (10 digits), kecamatan (6), kab/kota (4),
provinsi (2) and the nation (''). Everything is SQL over named tables, so the same batch
runs on DuckDB or Spark. Family-count indicators also get the change since the previous
edition, reason by reason (``breakdown = 'perubahan'``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from terpadu.audit import record_event
from terpadu.engine import BatchEngine, open_batch_engine
from terpadu.indicators.catalogue import Catalogue, Indicator, load_catalogue
from terpadu.indicators.inputs import EditionInputs, load_inputs, register_inputs
from terpadu.regions import normalize_code
from terpadu.store.bulk import bulk_insert
from terpadu.store.models.indicators import IndicatorRun as IndicatorRunRow

#: Region levels and the length of their code prefix.
LEVELS: tuple[tuple[str, int], ...] = (
    ("nasional", 0),
    ("provinsi", 2),
    ("kabupaten", 4),
    ("kecamatan", 6),
    ("desa", 10),
)
LEVEL_LENGTH = dict(LEVELS)
#: Disaggregations are kept down to the kecamatan; a desa gets its totals.
BREAKDOWN_LEVELS = ("nasional", "provinsi", "kabupaten", "kecamatan")
UNKNOWN = "tidak_diketahui"
CHANGE = "perubahan"
#: Why a family count changed between two editions (docs/indicators.md).
CHANGE_REASONS = ("baru", "masuk", "pindah", "nonaktif", "lulus", "keluar")

VALUE_SCHEMA = pl.Schema(
    {
        "indicator_id": pl.Utf8(),
        "level": pl.Utf8(),
        "kode_wilayah": pl.Utf8(),
        "program": pl.Utf8(),
        "breakdown": pl.Utf8(),
        "breakdown_value": pl.Utf8(),
        "numerator": pl.Float64(),
        "denominator": pl.Float64(),
        "value": pl.Float64(),
    }
)


@dataclass(frozen=True)
class IndicatorRun:
    """A stored run: its row, and its values (:data:`VALUE_SCHEMA`)."""

    run_id: int
    edition: str
    previous: str | None
    region: str | None
    catalogue_sha256: str
    inputs_sha256: str
    values_sha256: str
    values: pl.DataFrame
    skipped: dict[str, list[str]]


def _rollup_sql(indicator: Indicator, base: str, region: str | None) -> list[str]:
    """Every level's (and breakdown's) sums of ``base``, one query each, limited to the levels
    within ``region``. One query per level rather than one union of them all: DuckDB 1.5 was
    seen to stall on such a union over ten million members."""
    program = "program" if indicator.per_program else "''"
    denominator = "sum(den)" if indicator.unit != "count" else "CAST(NULL AS DOUBLE)"
    floor = len(region or "")
    parts = []
    for level, length in LEVELS:
        if length and length < floor:
            continue
        if not length and floor:
            continue
        code = f"substr(kode_wilayah, 1, {length})" if length else "''"
        breakdowns = [""] + (indicator.disaggregations if level in BREAKDOWN_LEVELS else [])
        for breakdown in breakdowns:
            value = f"coalesce(CAST({breakdown} AS STRING), '{UNKNOWN}')" if breakdown else "''"
            keys = ", ".join(k for k in (code, program, value) if not k.startswith("'"))
            parts.append(
                f"SELECT '{level}' AS level, {code} AS kode_wilayah, {program} AS program, "
                f"'{breakdown}' AS breakdown, {value} AS breakdown_value, "
                f"CAST(coalesce(sum(num), 0) AS DOUBLE) AS numerator, CAST({denominator} AS DOUBLE) "
                f"AS denominator FROM {base}" + (f" GROUP BY {keys}" if keys else "")
            )
    return parts


def _base_sql(indicator: Indicator) -> str:
    """The indicator's query summed per desa, programme and disaggregation."""
    keys = ["kode_wilayah", *(["program"] if indicator.per_program else [])]
    keys += indicator.disaggregations
    den = "sum(den) AS den" if indicator.unit != "count" else "CAST(NULL AS DOUBLE) AS den"
    return (
        f"SELECT {', '.join(keys)}, sum(num) AS num, {den} "
        f"FROM ({indicator.query}) q GROUP BY {', '.join(keys)}"
    )


def change_sql(family_set: str) -> str:
    """Signed family moves between the previous edition and this one, per region and reason.

    A family in this edition's set and not the previous one's is ``baru`` (not in the
    previous edition at all) or ``masuk`` (there, but outside the set); one in the previous
    set and not this one is ``nonaktif`` (gone or inactive), ``lulus`` (active with desil
    above 4) or ``keluar`` (any other reason); one in both under another region code is
    ``pindah`` (-1 where it was, +1 where it is).
    """
    cur = family_set.format(fam="fam_all")
    prv = family_set.format(fam="prev_fam_all")
    return f"""
        WITH cur AS ({cur}), prv AS ({prv})
        SELECT c.kode_wilayah,
               CASE WHEN pf.family_id IS NULL THEN 'baru' ELSE 'masuk' END AS reason, 1 AS num
        FROM cur c LEFT JOIN prv p ON p.family_id = c.family_id
        LEFT JOIN prev_fam_all pf ON pf.family_id = c.family_id
        WHERE p.family_id IS NULL
        UNION ALL
        SELECT p.kode_wilayah,
               CASE WHEN f.family_id IS NULL OR f.aktif = 0 THEN 'nonaktif'
                    WHEN f.desil > 4 THEN 'lulus' ELSE 'keluar' END AS reason, -1 AS num
        FROM prv p LEFT JOIN cur c ON c.family_id = p.family_id
        LEFT JOIN fam_all f ON f.family_id = p.family_id
        WHERE c.family_id IS NULL
        UNION ALL
        SELECT p.kode_wilayah, 'pindah' AS reason, -1 AS num
        FROM prv p JOIN cur c ON c.family_id = p.family_id WHERE c.kode_wilayah <> p.kode_wilayah
        UNION ALL
        SELECT c.kode_wilayah, 'pindah' AS reason, 1 AS num
        FROM prv p JOIN cur c ON c.family_id = p.family_id WHERE c.kode_wilayah <> p.kode_wilayah
    """


def _change_rollup(indicator: Indicator, region: str | None) -> list[str]:
    assert indicator.family_set is not None
    within = f"WHERE substr(kode_wilayah, 1, {len(region)}) = '{region}'" if region else ""
    parts = []
    for level, length in LEVELS:
        if region and length < len(region):
            continue
        code = f"substr(kode_wilayah, 1, {length})" if length else "''"
        group = f"{code}, reason" if length else "reason"
        parts.append(
            f"SELECT '{level}' AS level, {code} AS kode_wilayah, '' AS program, "
            f"'{CHANGE}' AS breakdown, reason AS breakdown_value, "
            f"CAST(coalesce(sum(num), 0) AS DOUBLE) AS numerator, CAST(NULL AS DOUBLE) AS denominator "
            f"FROM ind_change {within} GROUP BY {group}"
        )
    return parts


def _frame(batch: BatchEngine, queries: list[str]) -> pl.DataFrame:
    """The results of ``queries`` (the same columns) one under the other."""
    frames = []
    for sql in queries:
        frame = pl.from_arrow(batch.sql(sql))
        assert isinstance(frame, pl.DataFrame)
        frames.append(frame)
    return pl.concat(frames, how="vertical_relaxed")


def _values(indicator: Indicator, sums: pl.DataFrame) -> pl.DataFrame:
    """The sums with the indicator's id and value: num/den x scale, or num for a count."""
    if indicator.unit == "count":
        value = pl.col("numerator")
    else:
        value = (
            pl.when(pl.col("denominator") > 0)
            .then(pl.col("numerator") / pl.col("denominator") * indicator.scale)
            .otherwise(None)
        )
    return sums.with_columns(
        pl.lit(indicator.id).alias("indicator_id"),
        value.round(6).alias("value"),
        pl.col("numerator").round(6),
    ).select(list(VALUE_SCHEMA))


def compute_values(
    batch: BatchEngine,
    catalogue: Catalogue,
    met: set[str],
    region: str | None,
    progress: Callable[[str], None] | None = None,
) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """Every indicator whose inputs are there, on the inputs registered on ``batch``;
    the others with the requirements they lack (they have no data, never a made-up value)."""
    tell = progress or (lambda _step: None)
    frames = [pl.DataFrame(schema=VALUE_SCHEMA)]
    skipped: dict[str, list[str]] = {}
    for indicator in catalogue.indicators:
        tell(indicator.id)
        lacking: list[str] = [r for r in indicator.requires if r not in met]
        if lacking:
            skipped[indicator.id] = lacking
            continue
        batch.materialise("ind_base", _base_sql(indicator))
        frames.append(_values(indicator, _frame(batch, _rollup_sql(indicator, "ind_base", region))))
        batch.drop_materialised("ind_base")
        if indicator.family_set and "previous" in met:
            batch.materialise("ind_change", change_sql(indicator.family_set))
            change = _frame(batch, _change_rollup(indicator, region))
            frames.append(_values(indicator, change))
            batch.drop_materialised("ind_change")
    values = pl.concat([f.cast(VALUE_SCHEMA) for f in frames]).sort(
        "indicator_id", "level", "kode_wilayah", "program", "breakdown", "breakdown_value"
    )
    return values, skipped


def values_digest(values: pl.DataFrame) -> str:
    """sha256 over the sorted values as text: equal for two computations of one edition."""
    digest = hashlib.sha256()
    for row in values.sort(list(VALUE_SCHEMA)[:6]).iter_rows():
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _store(
    engine: Engine,
    inputs: EditionInputs,
    catalogue: Catalogue,
    region: str | None,
    values: pl.DataFrame,
    digest: str,
    kind: str,
    actor: str,
    started: dt.datetime,
) -> int:
    with Session(engine) as session, session.begin():
        session.execute(
            update(IndicatorRunRow)
            .where(
                IndicatorRunRow.edition_period == inputs.edition.period,
                IndicatorRunRow.region.is_(None)
                if region is None
                else IndicatorRunRow.region == region,
                IndicatorRunRow.is_current == 1,
            )
            .values(is_current=0)
        )
        run = IndicatorRunRow(
            edition_id=inputs.edition_id,
            edition_period=inputs.edition.period,
            previous_period=inputs.previous.period if inputs.previous else None,
            region=region,
            catalogue_version=catalogue.version,
            catalogue_sha256=catalogue.sha256,
            inputs_sha256=inputs.digest,
            values_sha256=digest,
            engine=kind,
            value_count=values.height,
            is_current=1,
            actor=actor,
            started_at=started,
            finished_at=dt.datetime.now(dt.UTC),
        )
        session.add(run)
        session.flush()
        bulk_insert(
            session.connection(), "indicator_value", values.with_columns(run_id=pl.lit(run.id))
        )
        record_event(
            session.connection(),
            actor=actor,
            action="indicator.compute",
            entity="indicator_run",
            entity_id=str(run.id),
            region=region,
            before=None,
            after={
                "edition": inputs.edition.period,
                "catalogue_sha256": catalogue.sha256,
                "inputs_sha256": inputs.digest,
                "values_sha256": digest,
                "values": values.height,
            },
        )
        return run.id


def compute_indicators(
    engine: Engine,
    edition: str,
    *,
    region: str | None = None,
    batch_kind: str = "duckdb",
    actor: str = "system",
    catalogue: Catalogue | None = None,
    progress: Callable[[str], None] | None = None,
) -> IndicatorRun:
    """Compute every indicator of the catalogue on ``edition`` (within ``region``), store the
    values as a new current run and return it. ``progress`` is told each indicator's id."""
    started = dt.datetime.now(dt.UTC)
    catalogue = catalogue or load_catalogue()
    code = normalize_code(region) if region else None
    inputs = load_inputs(engine, edition)
    batch = open_batch_engine("spark" if batch_kind == "spark" else "duckdb")
    try:
        met = register_inputs(batch, inputs, code)
        values, skipped = compute_values(batch, catalogue, met, code, progress)
    finally:
        batch.close()
    digest = values_digest(values)
    run_id = _store(engine, inputs, catalogue, code, values, digest, batch.kind, actor, started)
    return IndicatorRun(
        run_id=run_id,
        edition=inputs.edition.period,
        previous=inputs.previous.period if inputs.previous else None,
        region=code,
        catalogue_sha256=catalogue.sha256,
        inputs_sha256=inputs.digest,
        values_sha256=digest,
        values=values,
        skipped=skipped,
    )


__all__ = [
    "CHANGE",
    "CHANGE_REASONS",
    "LEVELS",
    "VALUE_SCHEMA",
    "IndicatorRun",
    "compute_indicators",
    "compute_values",
    "values_digest",
]
