"""``terpadu target``: allocate a programme's quotas, store the enrolments, write the BNBA.

A run evaluates every family of the edition (or live snapshot) against the
programme's rules on the batch engine, fills each quota region poorest-first,
and stores in one transaction: the run (programme version, edition or snapshot
checksum, welfare run, quota file checksum), its enrolments and its quota
accounting, and one audit event ``targeting.enrol``. Re-running a programme and
period replaces the previous run: its rows are kept with ``is_current = 0`` and
status ``diganti``; the audit event records what was added and removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, insert, select, update

from terpadu.audit import common_region, record_event
from terpadu.engine import BatchEngine, EngineKind, open_batch_engine
from terpadu.locale import Count, Phrase
from terpadu.periods import InvalidPeriod, parse_period
from terpadu.scratch import private_dir
from terpadu.settings import run_folder
from terpadu.store.bulk import bulk_insert
from terpadu.store.ids import family_code
from terpadu.store.models.targeting import Enrolment, TargetingRun
from terpadu.targeting.catalogue import PROFILE_FIELDS, Catalogue, Program, load_catalogue
from terpadu.targeting.exports import exported, exported_text, programme_columns
from terpadu.targeting.holds import (
    held_frame,
    held_per_region,
    notes_frame,
    stand_in_frame,
    write_bnba,
)
from terpadu.targeting.inputs import (
    RegistryInputs,
    TargetingError,
    existing_enrolments,
    register_inputs,
    registry_inputs,
)
from terpadu.targeting.profile import prepare
from terpadu.targeting.quota import Quotas, read_quotas
from terpadu.targeting.rules import decide, decisions_view, summary_sql
from terpadu.welfare.scope import desil_scope

BNBA_COLUMNS = [
    "PROGRAM",
    "PERIODE",
    "FAMILY_ID",
    "ID_KELUARGA",
    "NO_KK",
    "NIK_PENERIMA",
    "NAMA_PENERIMA",
    "KODE_WILAYAH",
    "ALAMAT",
    "DESIL",
    "NOMINAL",
    "KOMPONEN",
]
DECISION_COLUMNS = [
    "family_id",
    "id_keluarga",
    "no_kk",
    "kode_wilayah",
    "alamat",
    "status_keluarga",
    "penerima_id",
    "nik_penerima",
    "nama_penerima",
    "penerima_pengganti",
    "ditunjuk_id",
    "nama_ditunjuk",
    "n_anggota_ganda",
    "anggota_ganda",
    "komponen",
    "nominal",
    "sumber_desil",
    "desil_relatif",
    "desil_nasional",
    "alasan",
    "layak",
    "kuota_wilayah",
    "kuota",
    "peringkat",
    "terdaftar",
    "keputusan",
    *[f for f in PROFILE_FIELDS if f != "n_komponen_pkh"],
    "n_komponen_pkh",
]


@dataclass(frozen=True)
class PeriodSpan:
    """A period label and its length in months."""

    label: str
    start: dt.date
    months: int


def parse_period_span(period: str) -> PeriodSpan:
    """``2025``, ``2025-Q3`` or ``2025-07`` → label, first day, months."""
    try:
        label, start, end = parse_period(period)
    except InvalidPeriod as exc:
        raise TargetingError(str(exc)) from exc
    months = (end.year - start.year) * 12 + end.month - start.month
    return PeriodSpan(label, start.date(), months)


@dataclass(frozen=True)
class TargetingResult:
    """What a run did: its id, counts, per-region accounting, the decisions and enrolments."""

    run_id: int | None
    program: Program
    period: str
    edition_period: str | None
    snapshot_sha256: str
    regions: (
        pl.DataFrame
    )  # kode_wilayah, kuota, terisi, layak, tidak_terlayani, batas_*, tertahan_data
    decisions: pl.DataFrame  # one row per family (DECISION_COLUMNS)
    enrolled: pl.DataFrame  # the enrolled rows of decisions
    held: pl.DataFrame  # families held for their data, with the fix (holds.HELD_COLUMNS)
    stand_ins: pl.DataFrame  # enrolled families paid to a stand-in recipient
    unserved_outside_quota: int  # eligible families in no quota region
    replaced_run_id: int | None
    added: int
    removed: int
    flags_available: bool
    warnings: tuple[Phrase, ...]  # said in the reader's language
    decisions_path: Path | None = None
    bnba_path: Path | None = None
    proposals: tuple[int, ...] = ()  # NIK corrections proposed for designated recipients


def evaluate_program(
    batch: BatchEngine,
    program: Program,
    quotas: pa.Table,
    span: PeriodSpan,
    *,
    prepared: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Decisions (one row per family) and per-region accounting for ``program`` on ``batch``.

    The snapshot tables and ``t_welfare``, ``t_flags``, ``t_existing`` must be
    registered; ``prepared`` says the shared profile tables already exist.
    """
    if not prepared:
        prepare(batch, span.start)
    batch.register_table("t_quota", quotas)
    table = decide(batch, program, span.months, conflicting=program.conflicts)
    columns = ", ".join(DECISION_COLUMNS)
    decisions = pl.from_arrow(
        batch.sql(f"SELECT {columns} FROM {decisions_view(table)} ORDER BY family_id")
    )
    regions = pl.from_arrow(batch.sql(summary_sql(table)))
    assert isinstance(decisions, pl.DataFrame) and isinstance(regions, pl.DataFrame)
    regions = regions.join(held_per_region(decisions), on="kode_wilayah", how="left").with_columns(
        pl.col("tertahan_data").fill_null(0)
    )
    return decisions, regions


def _digest(ids: list[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


def bnba_frame(program: Program, period: str, enrolled: pl.DataFrame) -> pl.DataFrame:
    """The beneficiary list (BNBA) in the stable "beneficiaries" export layout."""
    if enrolled.height == 0:
        return pl.DataFrame(
            schema={c: (pl.Int64 if c in ("DESIL", "NOMINAL") else pl.Utf8) for c in BNBA_COLUMNS}
        )
    return enrolled.sort(["kuota_wilayah", "peringkat"]).select(
        *programme_columns(program.id, period),
        *exported_text("no_kk", "nik_penerima", "nama_penerima", "kode_wilayah", "alamat"),
        exported("desil", pl.Int64),
        exported("nominal", pl.Int64),
        exported("komponen"),
    )


#: The steps ``run_targeting`` tells its progress callback.
TARGET_STEPS = ("target_quota", "target_snapshot", "target_allocate", "target_store")


def run_targeting(
    engine: Engine,
    program: str | Program,
    quota: Path | Quotas,
    period: str,
    *,
    out: Path | None = None,
    batch: EngineKind = "duckdb",
    programs_dir: Path | None = None,
    catalogue: Catalogue | None = None,
    edition: str | None = None,
    runs_dir: Path | None = None,
    work_dir: Path | None = None,
    actor: str = "system",
    store: bool = True,
    scratch_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> TargetingResult:
    """Allocate ``program`` for ``period`` with the quotas of ``quota``; store and export.

    The run's kept files (``decisions.parquet``, read by ``explain``) go to ``work_dir``,
    else to a new folder under ``runs_dir`` (the settings' ``targeting_runs_dir``); one of
    them is needed. They hold NIKs and names: the folder is 0700, the files 0600. A live
    snapshot of the registry is written to ``scratch_dir`` (a
    :func:`terpadu.scratch.scratch_folder`), else beside them, and removed when the
    allocation ends or fails. ``store=False`` computes without enrolling anyone (a dry run).
    ``progress`` is told each of :data:`TARGET_STEPS` as it starts.
    """
    tell = progress or (lambda _step: None)
    tell(TARGET_STEPS[0])
    cat = catalogue or load_catalogue(programs_dir)
    if isinstance(program, Program):
        prog = program
    else:
        try:
            prog = cat.get(program)
        except KeyError as exc:
            raise TargetingError(str(exc.args[0])) from exc
    span = parse_period_span(period)
    quotas = (
        quota
        if isinstance(quota, Quotas)
        else read_quotas(quota, prog.id, span.label, aliases=(prog.name,))
    )
    started = dt.datetime.now(dt.UTC)
    if work_dir is not None:
        run_dir = work_dir
    elif runs_dir is not None:
        run_dir = run_folder(runs_dir, f"{prog.id}-{span.label}-", started)
    else:
        raise ValueError("run_targeting needs runs_dir or work_dir")
    live = (scratch_dir or run_dir) / "snapshot"
    try:
        tell(TARGET_STEPS[1])
        inputs = registry_inputs(engine, edition=edition, work_dir=live)
        if inputs.welfare.num_rows == 0:
            raise TargetingError(code="allocation_not_ranked")
        existing = existing_enrolments(engine, prog.conflicts, span.label)
        tell(TARGET_STEPS[2])
        handle = open_batch_engine(batch)
        try:
            register_inputs(handle, inputs, existing)
            decisions, regions = evaluate_program(handle, prog, quotas.arrow(), span)
        finally:
            handle.close()
    finally:
        shutil.rmtree(live, ignore_errors=True)
    tell(TARGET_STEPS[3])
    return _finish(
        engine,
        prog,
        span,
        quotas,
        inputs,
        decisions,
        regions,
        batch,
        run_dir,
        out,
        actor,
        started,
        store,
    )


def _finish(
    engine: Engine,
    prog: Program,
    span: PeriodSpan,
    quotas: Quotas,
    inputs: RegistryInputs,
    decisions: pl.DataFrame,
    regions: pl.DataFrame,
    batch: str,
    run_dir: Path,
    out: Path | None,
    actor: str,
    started: dt.datetime,
    store: bool,
) -> TargetingResult:
    enrolled = decisions.filter(pl.col("terdaftar"))
    outside = decisions.filter(pl.col("layak") & pl.col("kuota_wilayah").is_null()).height
    warnings = list(quotas.warnings)
    if not inputs.flags_available:
        warnings.append(Phrase.of("console.target.no_dukcapil"))
    if outside:
        warnings.append(Phrase.of("console.target.outside_quota", n=Count(outside)))
    held = held_frame(prog, span.label, decisions)
    stand_ins = stand_in_frame(prog, span.label, enrolled)
    if held.height:
        warnings.append(Phrase.of("console.target.held", n=Count(held.height)))
    if stand_ins.height:
        warnings.append(Phrase.of("console.target.stand_ins", n=Count(stand_ins.height)))
    run_id: int | None = None
    replaced: int | None = None
    added = enrolled.height
    removed = 0
    decisions_path: Path | None = None
    if store:
        private_dir(run_dir)
        decisions_path = run_dir / "decisions.parquet"
        pq.write_table(decisions.to_arrow(), decisions_path)
        decisions_path.chmod(0o600)
        decisions_sha = hashlib.sha256(decisions_path.read_bytes()).hexdigest()
        run_id, replaced, added, removed = _store(
            engine,
            prog,
            span,
            quotas,
            inputs,
            enrolled,
            regions,
            batch,
            actor,
            started,
            decisions_path,
            decisions_sha,
            decisions.filter(pl.col("layak")).height,
        )
    proposals: tuple[int, ...] = ()
    if store and stand_ins.height:
        from terpadu.targeting.corrections import propose_nik_corrections

        proposals = propose_nik_corrections(engine, prog, enrolled, actor)
    bnba_path = None
    if out is not None:
        bnba_path, _ = write_bnba(
            out,
            {
                "BNBA": bnba_frame(prog, span.label, enrolled),
                "Tertahan_Data": held,
                "Penerima_Pengganti": stand_ins,
                "Keterangan": notes_frame(decisions, enrolled, desil_scope(engine).label),
            },
        )
    return TargetingResult(
        run_id=run_id,
        program=prog,
        period=span.label,
        edition_period=inputs.edition_period,
        snapshot_sha256=inputs.snapshot_sha256,
        regions=regions,
        decisions=decisions,
        enrolled=enrolled,
        held=held,
        stand_ins=stand_ins,
        unserved_outside_quota=outside,
        replaced_run_id=replaced,
        added=added,
        removed=removed,
        flags_available=inputs.flags_available,
        warnings=tuple(warnings),
        decisions_path=decisions_path,
        bnba_path=bnba_path,
        proposals=proposals,
    )


def _store(
    engine: Engine,
    prog: Program,
    span: PeriodSpan,
    quotas: Quotas,
    inputs: RegistryInputs,
    enrolled: pl.DataFrame,
    regions: pl.DataFrame,
    batch: str,
    actor: str,
    started: dt.datetime,
    decisions_path: Path,
    decisions_sha: str,
    eligible: int,
) -> tuple[int, int | None, int, int]:
    ids = [int(i) for i in enrolled["family_id"].to_list()]
    digest = _digest(ids)
    total = int(enrolled["nominal"].sum()) if enrolled.height else 0
    with engine.begin() as conn:
        previous = conn.execute(
            select(TargetingRun.id, TargetingRun.enrolled_sha256, TargetingRun.families_enrolled)
            .where(
                TargetingRun.program == prog.id,
                TargetingRun.period == span.label,
                TargetingRun.is_current == 1,
            )
            .order_by(TargetingRun.id.desc())
        ).first()
        run_id = int(
            conn.execute(
                insert(TargetingRun)
                .values(
                    program=prog.id,
                    program_version=prog.version,
                    program_sha256=prog.sha256,
                    program_config=prog.text,
                    period=span.label,
                    reference_date=span.start,
                    engine=batch,
                    edition_id=inputs.edition_id,
                    edition_period=inputs.edition_period,
                    snapshot_path=str(inputs.snapshot.path),
                    snapshot_sha256=inputs.snapshot_sha256,
                    welfare_run_id=inputs.welfare_run_id,
                    quota_file=str(quotas.path),
                    quota_sha256=quotas.sha256 or None,
                    quota_total=quotas.total,
                    families_assessed=0,
                    families_eligible=0,
                    families_enrolled=len(ids),
                    total_nominal=total,
                    decisions_path=str(decisions_path),
                    decisions_sha256=decisions_sha,
                    enrolled_sha256=digest,
                    is_current=1,
                    status="berlaku",
                    replaces_run_id=None if previous is None else int(previous.id),
                    actor=actor,
                    started_at=started,
                )
                .returning(TargetingRun.id)
            ).scalar_one()
        )
        before = None
        old_ids: set[int] = set()
        if previous is not None:
            old_ids = {
                int(r[0])
                for r in conn.execute(
                    select(Enrolment.family_id).where(
                        Enrolment.run_id == previous.id, Enrolment.is_current == 1
                    )
                ).all()
            }
            conn.execute(
                update(TargetingRun)
                .where(TargetingRun.id == previous.id)
                .values(is_current=0, status="diganti", replaced_by_run_id=run_id)
            )
            conn.execute(
                update(Enrolment).where(Enrolment.run_id == previous.id).values(is_current=0)
            )
            before = {
                "run_id": int(previous.id),
                "families_enrolled": int(previous.families_enrolled),
                "enrolled_sha256": previous.enrolled_sha256,
            }
        new_ids = set(ids)
        added, removed = len(new_ids - old_ids), len(old_ids - new_ids)
        rows = enrolled.select(
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
            pl.lit(prog.id).alias("program"),
            pl.lit(prog.version).alias("program_version"),
            pl.lit(span.label).alias("period"),
            pl.col("family_id").cast(pl.Int64),
            pl.col("kode_wilayah").cast(pl.Utf8),
            pl.col("kuota_wilayah").cast(pl.Utf8),
            pl.col("penerima_id").cast(pl.Int64).alias("penerima_person_id"),
            pl.col("nik_penerima").cast(pl.Utf8),
            pl.col("nama_penerima").cast(pl.Utf8),
            pl.col("desil").cast(pl.Int32),
            pl.col("pmt_score").cast(pl.Float64),
            pl.col("skor_deprivasi").cast(pl.Float64),
            pl.col("peringkat").cast(pl.Int64),
            pl.col("komponen").cast(pl.Utf8),
            pl.col("nominal").cast(pl.Int64),
            pl.lit(1, dtype=pl.Int32).alias("is_current"),
            pl.lit(started, dtype=pl.Datetime("us", "UTC")).alias("enrolled_at"),
        )
        bulk_insert(conn, "enrolment", rows)
        bulk_insert(
            conn,
            "targeting_quota",
            regions.select(
                pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
                pl.col("kode_wilayah").cast(pl.Utf8),
                pl.col("kuota").cast(pl.Int64),
                pl.col("terisi").cast(pl.Int64),
                pl.col("layak").cast(pl.Int64),
                pl.col("tidak_terlayani").cast(pl.Int64),
                pl.col("batas_desil").cast(pl.Int32),
                pl.col("batas_pmt_score").cast(pl.Float64),
            ),
        )
        conn.execute(
            update(TargetingRun)
            .where(TargetingRun.id == run_id)
            .values(
                families_eligible=eligible,
                families_assessed=int(inputs.snapshot.row_counts.get("families", 0)),
                finished_at=dt.datetime.now(dt.UTC),
            )
        )
        record_event(
            conn,
            actor=actor,
            action="targeting.enrol",
            entity="targeting_run",
            entity_id=run_id,
            region=common_region(quotas.frame["kode"].to_list()),
            before=before,
            after={
                "program": prog.id,
                "program_version": prog.version,
                "period": span.label,
                "edition": inputs.edition_period,
                "snapshot_sha256": inputs.snapshot_sha256,
                "quota_sha256": quotas.sha256,
                "families_enrolled": len(ids),
                "enrolled_sha256": digest,
                "total_nominal": total,
                "added": added,
                "removed": removed,
                "replaces_run_id": None if previous is None else int(previous.id),
                "added_family_ids": sorted(new_ids - old_ids)[:1000],
                "removed_family_ids": sorted(old_ids - new_ids)[:1000],
            },
        )
    return run_id, None if previous is None else int(previous.id), added, removed


def family_public_id(family_id: int) -> str:
    return family_code(family_id)
