"""``terpadu simulate``: a new programme's rules on the current edition, enrolling nobody.

The shock response (a pandemic, a fuel-price rise): load a programme file, run
its rules on the latest edition (else the live registry) with today's
enrolments as the conflict and overlap reference, and report coverage by
region and desil, the cost for the period, and the overlap with every existing
programme. With a quota file the quotas are allocated as ``terpadu target``
would; without one every eligible family is counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
from sqlalchemy import Engine

from terpadu.engine import EngineKind, open_batch_engine
from terpadu.targeting.allocation import evaluate_program, parse_period_span
from terpadu.targeting.catalogue import (
    Catalogue,
    Program,
    load_catalogue,
    load_program,
    with_program,
)
from terpadu.targeting.inputs import (
    TargetingError,
    existing_enrolments,
    register_inputs,
    registry_inputs,
)
from terpadu.targeting.quota import Quotas, read_quotas
from terpadu.targeting.workbook import write_workbook

UNLIMITED = 1_000_000_000


@dataclass(frozen=True)
class Simulation:
    program: Program
    period: str
    edition_period: str | None
    eligible: int
    selected: int
    cost: int
    by_region: pl.DataFrame  # kab/kota: ranked families, eligible, selected, coverage, cost
    by_desil: pl.DataFrame
    overlap: pl.DataFrame  # programme, families also in it, share of the selected
    reasons: pl.DataFrame  # reason code → families
    decisions: pl.DataFrame


def simulate_program(
    engine: Engine,
    rules: Path | Program,
    period: str,
    *,
    quota: Path | Quotas | None = None,
    batch: EngineKind = "duckdb",
    catalogue: Catalogue | None = None,
    programs_dir: Path | None = None,
    work_dir: Path,
) -> Simulation:
    """Run ``rules`` (a programme YAML) without storing anything; coverage, cost, overlap.

    ``work_dir``: where the live registry is frozen for the run (the CLI: a new folder
    under the settings' ``targeting_snapshots_dir``)."""
    program = rules if isinstance(rules, Program) else load_program(rules)
    cat = with_program(catalogue or load_catalogue(programs_dir), program)
    program = cat.programs[program.id]
    span = parse_period_span(period)
    inputs = registry_inputs(engine, work_dir=work_dir)
    if inputs.welfare.num_rows == 0:
        raise TargetingError(code="targeting_not_ranked")
    others = [p for p in cat.programs if p != program.id]
    existing = existing_enrolments(engine, others, span.label)
    handle = open_batch_engine(batch)
    try:
        register_inputs(handle, inputs, existing)
        if quota is None:
            provinces = (
                handle.sql(
                    "SELECT DISTINCT substr(kode_wilayah, 1, 2) AS kode FROM families "
                    "WHERE kode_wilayah IS NOT NULL ORDER BY kode"
                )
                .column("kode")
                .to_pylist()
            )
            quotas = pa.table(
                {
                    "kode": pa.array(provinces, pa.string()),
                    "kuota": pa.array([UNLIMITED] * len(provinces), pa.int64()),
                }
            )
        else:
            loaded = (
                quota
                if isinstance(quota, Quotas)
                else read_quotas(quota, program.id, span.label, aliases=(program.name,))
            )
            quotas = loaded.arrow()
        decisions, _ = evaluate_program(handle, program, quotas, span)
    finally:
        handle.close()
    enrolled = decisions.filter(pl.col("terdaftar"))
    ranked = decisions.filter(
        pl.col("desil").is_not_null() & (pl.col("status_keluarga") == "aktif")
    )
    by_region = _coverage(ranked, pl.col("kode_wilayah").str.slice(0, 4).alias("KODE_KABKOTA"))
    by_desil = _coverage(ranked, pl.col("desil").alias("DESIL"))
    ex = pl.from_arrow(existing)
    assert isinstance(ex, pl.DataFrame)
    overlap = (
        ex.join(enrolled.select("family_id"), on="family_id", how="inner")
        .group_by(pl.col("program").alias("PROGRAM"))
        .agg(pl.col("family_id").n_unique().alias("keluarga_tumpang_tindih"))
    )
    sizes = ex.group_by(pl.col("program").alias("PROGRAM")).agg(
        pl.col("family_id").n_unique().alias("peserta_program")
    )
    overlap = (
        sizes.join(overlap, on="PROGRAM", how="left")
        .with_columns(pl.col("keluarga_tumpang_tindih").fill_null(0))
        .with_columns(
            (pl.col("keluarga_tumpang_tindih") / max(enrolled.height, 1)).alias(
                "porsi_dari_terpilih"
            )
        )
        .sort("PROGRAM")
    )
    reasons = (
        decisions.filter(~pl.col("layak"))
        .select(pl.col("alasan").str.split(";").alias("ALASAN"))
        .explode("ALASAN")
        .group_by("ALASAN")
        .len("keluarga")
        .sort("keluarga", descending=True)
    )
    return Simulation(
        program=program,
        period=span.label,
        edition_period=inputs.edition_period,
        eligible=int(decisions["layak"].sum()),
        selected=enrolled.height,
        cost=int(enrolled["nominal"].sum()) if enrolled.height else 0,
        by_region=by_region,
        by_desil=by_desil,
        overlap=overlap,
        reasons=reasons,
        decisions=decisions,
    )


def _coverage(ranked: pl.DataFrame, by: pl.Expr) -> pl.DataFrame:
    """Per group (``by``, which names the column): ranked families, eligible, chosen, cost."""
    return (
        ranked.group_by(by)
        .agg(
            pl.len().alias("keluarga_berperingkat"),
            pl.col("layak").sum().alias("layak"),
            pl.col("terdaftar").sum().alias("terpilih"),
            pl.col("nominal").filter(pl.col("terdaftar")).sum().alias("biaya"),
        )
        .with_columns((pl.col("terpilih") / pl.col("keluarga_berperingkat")).alias("cakupan"))
        .sort(by.meta.output_name())
    )


def write_simulation(sim: Simulation, out: Path) -> Path:
    """XLSX: Wilayah, Desil, Tumpang_Tindih, Alasan."""
    sheets = (
        ("Wilayah", sim.by_region),
        ("Desil", sim.by_desil),
        ("Tumpang_Tindih", sim.overlap),
        ("Alasan", sim.reasons),
    )
    return write_workbook(out, sheets, "hasil simulasi", text_cells=False)
