"""``link_registry``: snapshot → Splink → clusters → resolved persons, merges and review queue.

Resolved ids are stable: a cluster keeps the id most of its registrations already had (ties:
the one its oldest registration had); an id is claimed by at most one cluster, and only
clusters without a previous id get new ones. Ids no cluster claims are marked ``superseded``,
never deleted. Clerks' decisions are applied before clustering: "same" as forced links,
"different" as pairs that may never share a cluster.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl
from sqlalchemy import Engine, update

from terpadu.audit import record_event
from terpadu.engine import EngineKind
from terpadu.engine.snapshot import registry_frames
from terpadu.linkage import store as S
from terpadu.linkage.cluster import cluster_pairs
from terpadu.linkage.fallback import DEFAULT_PATH
from terpadu.linkage.families import (
    FamilyReport,
    duplicate_families,
    memberships_of,
    persons_in_two_families,
    raise_family_proposals,
)
from terpadu.linkage.golden import golden_records
from terpadu.linkage.model import ModelArtefact, latest_model, model_dir, save_model
from terpadu.linkage.predict import Progress, score
from terpadu.linkage.prepare import prepare_snapshot
from terpadu.linkage.support import SUPPORT_FLOOR, add_family_support
from terpadu.linkage.write import (
    assign_ids,
    insert_new_persons,
    queue_review,
    record_merges,
    supersede_unclaimed,
    update_existing,
)
from terpadu.scratch import scratch_folder
from terpadu.store.bulk import allocate_ids, bulk_transaction

#: Default match probability at or above which two registrations are one person.
THRESHOLD: Final = 0.95
#: Pairs between this and the threshold go to clerical review.
REVIEW_FLOOR: Final = 0.5
#: What a run reads of the registry: the identity fields, what golden records and the family
#: checks need, and the previous resolved id (no memberships table, no welfare fields).
SNAPSHOT_COLUMNS: Final[dict[str, tuple[str, ...] | None]] = {
    "persons": (
        "id",
        "nik",
        "nama",
        "jenis_kelamin",
        "tgl_lahir",
        "nama_ibu_kandung",
        "resolved_person_id",
        "batch_id",
        "updated_at",
        "status",
    ),
    "families": ("id", "no_kk", "kode_wilayah", "source_key", "status"),
}
log = logging.getLogger(__name__)


@dataclass
class LinkRun:
    """What a link run did (also stored as a ``link_run`` row with the same id)."""

    id: int
    engine: str
    model_version: int
    model_path: Path
    retrained: bool
    threshold: float
    persons: int
    pairs_scored: int
    pairs_linked: int
    resolved: int
    merged_clusters: int
    merges_new: int
    ids_new: int
    review_queued: int
    model_source: str = "trained"
    model_notes: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    blocking: dict[str, Any] = field(default_factory=dict)


def link_registry(
    engine: Engine,
    *,
    batch: EngineKind = "duckdb",
    retrain: bool = False,
    threshold: float | None = None,
    review_floor: float | None = None,
    actor: str = "system",
    data_dir: Path,
    spark: Any | None = None,
    family_reports: bool = True,
    today: dt.date | None = None,
    progress: Progress | None = None,
    scratch_dir: Path | None = None,
) -> LinkRun:
    """Resolve every person registration in the registry into persons (see module doc).

    The registry is read through private scratch files under ``scratch_dir`` (default: the
    data folder's ``scratch``, as :attr:`terpadu.settings.Settings.scratch_dir`), removed at
    once; a killed run's are swept by the next run.

    Everything the run writes (resolved persons, merges, review queue, family proposals, the
    ``link_run`` row and its audit event) commits in one transaction: a run stopped part-way
    leaves the registry as it was. ``progress`` is told each stage as it starts.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    threshold = THRESHOLD if threshold is None else threshold
    floor = min(REVIEW_FLOOR if review_floor is None else review_floor, threshold)
    folder = model_dir(data_dir)
    latest = latest_model(folder)
    stored = None if retrain else latest

    _tell(progress, "snapshot")
    with scratch_folder(scratch_dir or data_dir / "scratch", "link-") as tmp:
        # Read straight into memory: the run needs no snapshot files, nor the memberships.
        frames = registry_frames(engine, tmp, SNAPSHOT_COLUMNS)
    persons, families = frames["persons"], frames["families"]
    timings["snapshot"] = time.perf_counter() - started
    _tell(progress, "prepare")
    t = time.perf_counter()
    prepared = prepare_snapshot(persons, families, today)
    timings["prepare"] = time.perf_counter() - t

    with engine.connect() as conn:
        decisions = S.latest_decisions(conn)
        civil = S.civil_values(conn)
    same = [p for p, d in decisions.items() if d == "same"]
    different = [p for p, d in decisions.items() if d == "different"]
    blocking: dict[str, Any] = {}
    if prepared.height < 2:
        pairs = pl.DataFrame(
            schema={
                "unique_id_l": pl.Int64,
                "unique_id_r": pl.Int64,
                "match_probability": pl.Float64,
            }
        )
        settings: dict[str, Any] = stored.splink_settings if stored else {}
        source, notes = ("stored" if stored else "default"), []
    else:
        scored = score(
            prepared,
            settings=stored.splink_settings if stored else None,
            previous=latest.splink_settings if latest and retrain else None,
            backend=batch,
            floor=min(floor, SUPPORT_FLOOR),
            spark=spark,
            progress=progress,
            same=same,
        )
        members = persons.select(pl.col("id").alias("unique_id"), "family_id")
        pairs = add_family_support(scored.pairs, members, threshold).filter(
            pl.col("match_probability") >= floor
        )
        settings = scored.settings
        source, notes = scored.model.source, [n.as_dict() for n in scored.model.notes]
        timings.update(scored.seconds)
        blocking = {
            "cap": scored.blocks.cap,
            "capped": {"+".join(k): v for k, v in scored.blocks.capped.items()},
        }
        del scored  # its blocked copy of the records: not needed past scoring
    registrations = prepared.height
    unique_ids = prepared["unique_id"].to_list()
    # One person holds one NIK: clustering keeps chains of links from joining two far apart.
    niks = dict(prepared.filter(pl.col("nik").is_not_null()).select("unique_id", "nik").iter_rows())
    del prepared  # the comparison columns: the rest of the run needs only the ids
    trained = source == "trained"
    artefact = _artefact(folder, source, settings, registrations, stored, latest)

    _tell(progress, "cluster")
    t = time.perf_counter()
    linked = pairs.filter(pl.col("match_probability") >= threshold)
    clusters = cluster_pairs(unique_ids, linked, same=same, different=different, niks=niks)
    assignment = clusters.assignment
    timings["cluster"] = time.perf_counter() - t

    _tell(progress, "write")
    t = time.perf_counter()
    previous = persons.select(
        pl.col("id").alias("unique_id"), pl.col("resolved_person_id").cast(pl.Int64).alias("prev")
    )
    report: FamilyReport | None = None
    proposals: pl.DataFrame | None = None
    # The bulk writers' transaction: on SQLite no per-row foreign-key look-ups, a large page
    # cache, and a rollback journal when the run has the database to itself.
    try:
        with bulk_transaction(engine) as conn:
            inserted = conn.execute(
                S.RUN.insert().values(
                    engine=batch,
                    model_version=artefact.version,
                    model_path=str(artefact.path),
                    retrained=int(trained),
                    threshold=threshold,
                    review_floor=floor,
                    actor=actor,
                    status="running",
                    started_at=dt.datetime.now(dt.UTC),
                    model_source=source,
                    model_notes=notes,
                )
            ).inserted_primary_key
            assert inserted is not None
            run_id = int(inserted[0])
            ids, fresh = assign_ids(
                assignment, previous, lambda n: allocate_ids(conn, "resolved_person", n)
            )
            full = assignment.join(ids, on="cluster").join(previous, on="unique_id", how="left")
            golden_input = persons.join(
                families.select(pl.col("id").alias("family_id"), "kode_wilayah"),
                on="family_id",
                how="left",
            )
            golden = golden_records(golden_input, assignment, civil).join(ids, on="cluster")
            now = dt.datetime.now(dt.UTC)
            insert_new_persons(conn, golden.filter(pl.col("new")), run_id, now)
            update_existing(conn, golden.filter(~pl.col("new")), run_id, now)
            supersede_unclaimed(conn, set(ids["rid"].to_list()), run_id, now)
            changed = full.filter(pl.col("prev").is_null() | (pl.col("prev") != pl.col("rid")))
            S.set_resolved_ids(conn, changed.select("unique_id", "rid"))
            merges_new = record_merges(conn, full, run_id, now)
            queued = queue_review(conn, pairs, threshold, floor, decisions, settings, run_id, now)
            sizes = full.group_by("rid").len()
            multi = int(sizes.filter(pl.col("len") > 1).height)
            timings["write"] = time.perf_counter() - t
            if family_reports:
                _tell(progress, "families")
                t = time.perf_counter()
                # The memberships the snapshot holds, with this run's resolved ids: the same rows
                # the database would give back inside this transaction, without reading them.
                members = memberships_of(
                    persons, families, full.select("unique_id", "rid").unique()
                )
                duplicates = duplicate_families(members)
                doubles = persons_in_two_families(members, duplicates)
                # Workbooks are built by a child process while the proposals are written.
                outdir = data_dir / "reports" / "linkage" / f"run-{run_id:04d}"
                report = FamilyReport(duplicates, doubles, outdir)
                proposals = raise_family_proposals(conn, duplicates, doubles)
                timings["families"] = time.perf_counter() - t
            timings["total"] = time.perf_counter() - started
            result = LinkRun(
                id=run_id,
                engine=batch,
                model_version=artefact.version,
                model_path=artefact.path,
                retrained=trained,
                threshold=threshold,
                persons=registrations,
                pairs_scored=pairs.height,
                pairs_linked=clusters.accepted,
                resolved=ids.height,
                merged_clusters=multi,
                merges_new=merges_new,
                ids_new=fresh,
                review_queued=queued,
                model_source=source,
                model_notes=notes,
                seconds={k: round(v, 2) for k, v in timings.items()},
                blocking=blocking,
            )
            conn.execute(
                update(S.RUN)
                .where(S.RUN.c.id == run_id)
                .values(
                    status="completed",
                    finished_at=dt.datetime.now(dt.UTC),
                    persons=result.persons,
                    pairs_scored=result.pairs_scored,
                    pairs_linked=result.pairs_linked,
                    resolved=result.resolved,
                    merged_clusters=multi,
                    merges_new=merges_new,
                    ids_new=fresh,
                    review_queued=queued,
                    seconds=result.seconds,
                )
            )
            _audit(conn, actor, run_id, result)
    except BaseException:
        if report is not None:
            report.abandon()
        raise
    if report is not None:
        result.reports = report.finish(proposals)
    return result


def _tell(progress: Progress | None, stage: str) -> None:
    if progress is not None:
        progress(stage)


def _artefact(
    folder: Path,
    source: str,
    settings: dict[str, Any],
    records: int,
    stored: ModelArtefact | None,
    latest: ModelArtefact | None,
) -> ModelArtefact:
    """The model the run names: a newly trained one is saved as the next version; the shipped
    default is version 0 at its path in the package."""
    if source == "trained":
        return save_model(folder, settings, records)
    if source == "stored" and stored is not None:
        return stored
    if source == "previous" and latest is not None:
        return latest
    return ModelArtefact(0, DEFAULT_PATH, "", 0, settings)


def _audit(conn: Any, actor: str, run_id: int, run: LinkRun) -> None:
    """One audit event per run (merges themselves are rows of ``link_merge``)."""
    record_event(
        conn,
        actor=actor,
        action="linkage.run",
        entity="link_run",
        entity_id=run_id,
        region=None,
        before=None,
        after={
            "persons": run.persons,
            "resolved": run.resolved,
            "merges_new": run.merges_new,
            "ids_new": run.ids_new,
            "model_version": run.model_version,
            "model_source": run.model_source,
            "model_notes": [n["code"] for n in run.model_notes],
            "threshold": run.threshold,
        },
    )
