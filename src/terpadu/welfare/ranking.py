"""Score and rank every active family, and store the ranking as a reproducible run.

Scoring and ranking are relational, so they run on DuckDB or Spark: the profile
and feature SQL (``features``), the OLS model as one SQL expression, ranks as
window functions, the deprivation indicators as ``CASE`` expressions. The tree
model scores Arrow batches of the same feature table.

Desil and percentile (over the families ranked in the run, i.e. relative to the
registry: a kabupaten's registry gives a desil of that kabupaten, not the national
DTSEN one, which is imported as ``DESIL_NASIONAL``; :mod:`terpadu.welfare.scope`
names the region a ranking covers): families are ordered by PMT score, lowest
(poorest) first; ``r`` is the family's rank
with ties sharing the lowest rank (SQL ``rank()``), ``N`` the number of families.
PERSENTIL = ⌊100·(r−1)/N⌋ + 1 and DESIL = ⌊10·(r−1)/N⌋ + 1 (= ⌈PERSENTIL/10⌉),
so desil 1 holds the poorest tenth, families with equal scores always share
their percentile and desil, and the result does not depend on row order or
engine. The score is rounded to 6 decimals before ranking, so both engines see
the same ties. Ranks within province and kab/kota use the same ``rank()``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
from sqlalchemy import Engine, insert, update

from terpadu.audit import record_event
from terpadu.editions import open_edition
from terpadu.engine import BatchEngine, EngineKind, open_batch_engine, write_snapshot
from terpadu.engine.family import foreign_sql, shared_sql
from terpadu.periods import parse_period
from terpadu.store.bulk import bulk_insert
from terpadu.store.models.verval import Edition
from terpadu.store.models.welfare import FamilyWelfare, WelfareRun
from terpadu.welfare.deprivation import (
    DeprivationConfig,
    deprivation_sql,
    dimension_column,
    load_deprivation_config,
)
from terpadu.welfare.features import KEY_COLUMNS, features_sql, profile_sql
from terpadu.welfare.model import PmtModel, load_model

SCORE_DECIMALS = 6


def rank_sql(scored: str) -> str:
    """Percentile and desil over every family in the run (registry-relative; ``rank_nasional``
    is the rank among them), and ranks within province and kab/kota (1 = poorest)."""
    return f"""
    SELECT family_id, kode_wilayah, kode_provinsi, kode_kabkota, pmt_score,
           rank_nasional, rank_provinsi, rank_kabkota,
           CAST(floor(CAST(rank_nasional - 1 AS DOUBLE) * 100.0e0 / CAST(n AS DOUBLE)) AS INT) + 1
               AS persentil,
           CAST(floor(CAST(rank_nasional - 1 AS DOUBLE) * 10.0e0 / CAST(n AS DOUBLE)) AS INT) + 1
               AS desil
    FROM (
        SELECT family_id, kode_wilayah, kode_provinsi, kode_kabkota, pmt_score,
               rank() OVER (ORDER BY pmt_score) AS rank_nasional,
               rank() OVER (PARTITION BY kode_provinsi ORDER BY pmt_score) AS rank_provinsi,
               rank() OVER (PARTITION BY kode_kabkota ORDER BY pmt_score) AS rank_kabkota,
               count(*) OVER () AS n
        FROM {scored}
    ) ranked
    """


def _scores_table(features: pa.Table, scores: npt.NDArray[np.float64]) -> pa.Table:
    rounded = np.round(scores, SCORE_DECIMALS)
    return pa.table(
        {
            **{name: features.column(name) for name in KEY_COLUMNS},
            "pmt_score": pa.array(rounded, type=pa.float64()),
        }
    )


def score_and_rank(
    batch: BatchEngine,
    model: PmtModel,
    config: DeprivationConfig,
    reference_date: dt.date,
    families: str = "families",
    persons: str = "persons",
) -> pa.Table:
    """Score, rank and profile every active family of the registered tables.

    Returns one row per family (ordered by ``family_id``): keys, ``pmt_score``,
    ranks, ``persentil``, ``desil``, ``dep_<dimension>`` parts, ``skor_deprivasi``,
    ``dimensi_deprivasi``, ``indikator_deprivasi`` and ``miskin_multidimensi``.
    """
    tag = uuid.uuid4().hex[:8]
    profile, feats, scored, ranked = (f"w{tag}_{n}" for n in ("profile", "feat", "score", "rank"))
    # The profile is read twice (features, deprivation): who counts in another family is
    # worked out once, as targeting does.
    foreign = f"w{tag}_foreign"
    batch.materialise(foreign, foreign_sql(f"({shared_sql(persons)}) s"))
    batch.execute(
        f"CREATE OR REPLACE TEMPORARY VIEW {profile} AS "
        + profile_sql(reference_date, families, persons, foreign=foreign)
    )
    batch.execute(f"CREATE OR REPLACE TEMPORARY VIEW {feats} AS " + features_sql(profile))
    if model.selected == "ols":
        batch.execute(f"CREATE OR REPLACE TEMPORARY VIEW {scored} AS " + model.ols.score_sql(feats))
    else:
        table = batch.sql(f"SELECT * FROM {feats} ORDER BY family_id")
        batch.register_arrow(scored, _scores_table(table, model.boosted.predict_arrow(table)))
    batch.execute(f"CREATE OR REPLACE TEMPORARY VIEW {ranked} AS " + rank_sql(scored))
    source = f"""(
        SELECT p.*, r.pmt_score, r.persentil, r.desil,
               exp(r.pmt_score) AS konsumsi_perkapita_prediksi
        FROM {profile} p JOIN {ranked} r ON r.family_id = p.family_id
    ) src"""
    dims = ", ".join(f"d.{dimension_column(d.name)}" for d in config.dimensions)
    result = batch.sql(
        f"""
        SELECT r.*, {dims}, d.skor_deprivasi, d.dimensi_deprivasi, d.indikator_deprivasi,
               d.miskin_multidimensi
        FROM {ranked} r JOIN ({deprivation_sql(config, source)}) d ON d.family_id = r.family_id
        ORDER BY r.family_id
        """
    )
    batch.drop_materialised(foreign)
    return result


@dataclass(frozen=True)
class RankRun:
    """What a ranking run did: its id, model, engine, counts and snapshot."""

    run_id: int
    model_version: str
    model_kind: str
    engine: str
    ranked_at: dt.datetime
    reference_date: dt.date
    families_ranked: int
    families_skipped: int  # active families without any active member
    snapshot_path: Path
    snapshot_sha256: str
    desil_counts: dict[int, int]


def _snapshot_digest(sums: dict[str, str]) -> str:
    return hashlib.sha256(
        "\n".join(f"{name}:{sums[name]}" for name in sorted(sums)).encode()
    ).hexdigest()


def _rows(
    result: pa.Table, config: DeprivationConfig, run_id: int, model: PmtModel, at: dt.datetime
) -> pl.DataFrame:
    frame = pl.from_arrow(result)
    assert isinstance(frame, pl.DataFrame)
    dims = [d.name for d in config.dimensions]
    return frame.select(
        pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
        pl.col("family_id").cast(pl.Int64),
        pl.lit(1, dtype=pl.Int32).alias("is_current"),
        pl.lit(model.version).alias("model_version"),
        pl.lit(at, dtype=pl.Datetime("us", "UTC")).alias("ranked_at"),
        pl.lit(None, dtype=pl.Int64).alias("edition_id"),
        "kode_provinsi",
        "kode_kabkota",
        pl.col("pmt_score").cast(pl.Float64),
        pl.col("persentil").cast(pl.Int32),
        pl.col("desil").cast(pl.Int32),
        pl.col("rank_nasional").cast(pl.Int64),
        pl.col("rank_provinsi").cast(pl.Int64),
        pl.col("rank_kabkota").cast(pl.Int64),
        pl.col("skor_deprivasi").cast(pl.Float64),
        "dimensi_deprivasi",
        "indikator_deprivasi",
        pl.struct([pl.col(dimension_column(d)).cast(pl.Float64).alias(d) for d in dims])
        .struct.json_encode()
        .alias("skor_dimensi"),
        pl.col("miskin_multidimensi").cast(pl.Int32),
    )


#: The steps ``rank_families`` tells its progress callback.
RANK_STEPS = ("rank_snapshot", "rank_score", "rank_store")


def rank_families(
    engine: Engine,
    model_version: str | None = None,
    batch: EngineKind = "duckdb",
    *,
    models_dir: Path,
    deprivation: DeprivationConfig | Path | None = None,
    reference_date: dt.date | None = None,
    work_dir: Path,
    actor: str = "system",
    edition: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RankRun:
    """Rank every active family of the registry and store the run.

    The registry is frozen to a Parquet snapshot under ``work_dir`` (the run's own
    folder, see :func:`terpadu.scratch.scratch_folder`), the batch engine scores and
    ranks it, and the results land in ``family_welfare``: the previous current rows are
    marked ``is_current = 0`` and kept. The snapshot holds NIKs and names: it is removed
    when the run ends or fails; its checksum is kept on the run. ``progress`` is told each
    of :data:`RANK_STEPS` as it starts.
    """
    tell = progress or (lambda _step: None)
    tell(RANK_STEPS[0])
    model = load_model(model_version, models_dir)
    config = (
        deprivation
        if isinstance(deprivation, DeprivationConfig)
        else load_deprivation_config(deprivation)
    )
    started = dt.datetime.now(dt.UTC)
    reference_date = reference_date or started.date()
    edition_id: int | None = None
    if edition is not None:
        # Rank a published edition exactly as it was frozen (checksums verified).
        snapshot = open_edition(engine, edition)
        edition_id = _edition_id(engine, edition)
    else:
        snapshot = None
    live = work_dir / "snapshot"
    try:
        if snapshot is None:
            snapshot = write_snapshot(engine, live)
        tell(RANK_STEPS[1])
        handle = open_batch_engine(batch)
        try:
            handle.register_parquet("families", snapshot.table("families"))
            handle.register_parquet("persons", snapshot.table("persons"))
            result = score_and_rank(handle, model, config, reference_date)
            active = handle.sql("SELECT count(*) AS n FROM families WHERE status = 'aktif'")
            active_count = int(active.column("n")[0].as_py())
        finally:
            handle.close()
    finally:
        shutil.rmtree(live, ignore_errors=True)
    digest = _snapshot_digest(snapshot.sha256)
    tell(RANK_STEPS[2])
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(WelfareRun)
            .values(
                model_version=model.version,
                model_kind=model.selected,
                model_sha256=model.sha256,
                engine=batch,
                snapshot_path=str(snapshot.path),
                snapshot_sha256=digest,
                reference_date=reference_date,
                deprivation_config=config.text,
                deprivation_sha256=config.sha256,
                families_ranked=result.num_rows,
                families_skipped=active_count - result.num_rows,
                edition_id=edition_id,
                actor=actor,
                started_at=started,
            )
            .returning(WelfareRun.id)
        ).scalar_one()
        conn.execute(
            update(FamilyWelfare).where(FamilyWelfare.is_current == 1).values(is_current=0)
        )
        rows = _rows(result, config, int(run_id), model, started)
        if edition_id is not None:
            rows = rows.with_columns(pl.lit(edition_id, dtype=pl.Int64).alias("edition_id"))
        bulk_insert(conn, "family_welfare", rows)
        conn.execute(
            update(WelfareRun)
            .where(WelfareRun.id == run_id)
            .values(finished_at=dt.datetime.now(dt.UTC))
        )
        record_event(
            conn,
            actor=actor,
            action="welfare.rank",
            entity="welfare_run",
            entity_id=int(run_id),
            region=None,
            before=None,
            after={
                "model_version": model.version,
                "model_kind": model.selected,
                "engine": batch,
                "edition": edition,
                "snapshot_sha256": digest,
                "families_ranked": result.num_rows,
            },
        )
    desil = rows.group_by("desil").len().sort("desil")
    return RankRun(
        run_id=int(run_id),
        model_version=model.version,
        model_kind=model.selected,
        engine=batch,
        ranked_at=started,
        reference_date=reference_date,
        families_ranked=result.num_rows,
        families_skipped=active_count - result.num_rows,
        snapshot_path=snapshot.path,
        snapshot_sha256=digest,
        desil_counts=dict(zip(desil["desil"].to_list(), desil["len"].to_list(), strict=True)),
    )


def _edition_id(engine: Engine, period: str) -> int:
    from sqlalchemy import select

    label, _, _ = parse_period(period)
    with engine.connect() as conn:
        return int(conn.execute(select(Edition.id).where(Edition.period == label)).scalar_one())
