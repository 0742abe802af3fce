"""Scoring pairs with Splink on DuckDB or Spark, and training when no model is given.

The same settings JSON drives both engines, so a model trained on DuckDB scores identically on
Spark. The result is the scored pairs above a floor probability (the review band's lower edge),
with each comparison's level and Bayes factor kept to explain the match.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl
import pyarrow as pa

from terpadu.engine import EngineKind, spark_session
from terpadu.linkage import comparisons as C
from terpadu.linkage.blocking import Blocks, bound
from terpadu.linkage.fallback import ModelChoice, choose
from terpadu.linkage.model import base_settings, cap_m, settings_for_dialect
from terpadu.linkage.training import fit

#: Called with the name of each stage as it starts ("train", "predict", …).
Progress = Callable[[str], None]


@dataclass
class Scored:
    """Pairs Splink scored at or above ``floor``, the model used (and why), the bounded
    blocking, and timings."""

    pairs: pl.DataFrame
    settings: dict[str, Any]
    trained: bool
    model: ModelChoice
    blocks: Blocks
    seconds: dict[str, float] = field(default_factory=dict)


def _quiet() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _duckdb_api(threads: int | None) -> Any:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=con)


def _spark_api(session: Any | None) -> Any:
    from splink import SparkAPI

    return SparkAPI(spark_session=session or spark_session("terpadu-linkage"))  # type: ignore[no-untyped-call]


def score(
    records: pl.DataFrame | list[pl.DataFrame],
    *,
    settings: dict[str, Any] | None = None,
    previous: dict[str, Any] | None = None,
    backend: EngineKind = "duckdb",
    floor: float = 0.2,
    generic: bool = False,
    spark: Any | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
    same: Sequence[tuple[int, int]] = (),
) -> Scored:
    """Score the blocked pairs of prepared ``records`` (one frame: dedupe; two: link).

    Without ``settings`` the model is trained on these records first (unsupervised); a
    degenerate result falls back on ``previous`` or the shipped default model
    (:mod:`terpadu.linkage.fallback`). Stored ``settings`` are checked the same way.
    ``same``: pairs clerks decided are one person, one more estimate of m when training.
    """
    from splink import Linker

    _quiet()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    frames = records if isinstance(records, list) else [records]
    count = sum(f.height for f in frames)
    link_type: Literal["dedupe_only", "link_only"] = (
        "dedupe_only" if len(frames) == 1 else "link_only"
    )
    groups = C.GENERIC_BLOCKS if generic else C.BLOCKS
    deterministic = [("nik", "dob")] if generic else C.deterministic_rules()
    training_groups = [cols for alts in C.training_rules() for cols in alts]
    blocks = bound(
        frames,
        groups,
        [*deterministic, *C.deterministic_rules_without_nik(), *training_groups],
    )
    api = _duckdb_api(threads) if backend == "duckdb" else _spark_api(spark)
    registered = []
    for i, frame in enumerate(blocks.frames):
        table: Any = frame.to_arrow()
        if backend == "spark":
            table = api.spark.createDataFrame(frame.to_pandas())
        registered.append(api.register(table, dataset_display_name=f"records_{i}"))
    inputs = registered if len(frames) > 1 else registered[0]
    creator = base_settings(generic=generic, link_type=link_type, rules=blocks.rules(groups))
    base: dict[str, Any] = creator.get_settings(backend).as_dict()
    if settings is None:
        _tell(progress, "train")
        linker = Linker(inputs, creator, log_level=None)
        present = {c for f in frames for c in f.columns if f[c].null_count() < f.height}
        training = fit(
            linker, records=count, generic=generic, present=present, blocks=blocks, same=same
        )
        candidate = training.settings
        if candidate is not None and not generic and _has_nik(frames):
            candidate = cap_m(candidate)
        choice = choose(
            candidate,
            source="trained",
            notes=training.notes,
            previous=(
                settings_for_dialect({**previous, "link_type": link_type}, backend)
                if previous
                else None
            ),
            base=base,
            records=count,
        )
        timings["train"] = time.perf_counter() - start
        start = time.perf_counter()
    else:
        stored = settings_for_dialect({**settings, "link_type": link_type}, backend)
        choice = choose(stored, source="stored", notes=[], previous=None, base=base, records=count)
    _tell(progress, "predict")
    final = {
        **choice.settings,
        "blocking_rules_to_generate_predictions": base["blocking_rules_to_generate_predictions"],
    }
    linker = Linker(inputs, final, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=floor)
    arrow = _to_arrow(predictions, backend)
    timings["predict"] = time.perf_counter() - start
    pairs = pl.from_arrow(arrow)
    assert isinstance(pairs, pl.DataFrame)
    predictions.drop_table_from_database_and_remove_from_cache()
    return Scored(
        pairs=pairs,
        settings=choice.settings,
        trained=choice.source == "trained",
        model=choice,
        blocks=blocks,
        seconds=timings,
    )


def _tell(progress: Progress | None, stage: str) -> None:
    if progress is not None:
        progress(stage)


def _has_nik(frames: list[pl.DataFrame]) -> bool:
    """Whether the identity numbers are NIKs (their birth date decodes): only then do the
    m-probability caps of :data:`terpadu.linkage.model.M_CAPS` hold."""
    return any(f["nik_dob"].drop_nulls().len() > 0 for f in frames)


def _to_arrow(predictions: Any, backend: EngineKind) -> pa.Table:
    if backend == "duckdb":
        return predictions.as_duckdbpyrelation().to_arrow_table()
    frame = predictions.as_spark_dataframe()
    if hasattr(frame, "toArrow"):
        return frame.toArrow()
    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
