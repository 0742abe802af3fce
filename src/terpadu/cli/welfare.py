"""``terpadu pmt fit`` and ``terpadu rank``: fit the proxy means test, rank the registry."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from terpadu.cli.account import jobs_actor
from terpadu.cli.common import console, dec, language, num, open_engine, pct, tell
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.engine import SnapshotDamaged
from terpadu.errors import TerpaduError
from terpadu.files import InputFileError
from terpadu.periods import InvalidPeriod
from terpadu.scratch import scratch_folder
from terpadu.settings import get_settings

if TYPE_CHECKING:
    from terpadu.welfare import PmtModel

# terpadu.welfare is imported by the commands that use it: it brings NumPy and Arrow,
# which every other command would load for nothing.


class BatchEngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def _pct(value: Any) -> str:
    return pct(None if value is None else float(value))


def pmt_fit(
    survey_keluarga: Annotated[
        Path,
        typer.Argument(
            help="Survey keluarga file with PENGELUARAN_PERKAPITA (CSV, XLSX, Parquet)."
        ),
    ],
    survey_anggota: Annotated[
        Path, typer.Argument(help="Survey anggota file of the same families.")
    ],
    folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed (folds and the tree model).")] = 2026,
    min_gain: Annotated[
        float,
        typer.Option(
            help="How much lower (absolute) the tree model's CV targeting error at 40 % "
            "must be for it to replace OLS."
        ),
    ] = 0.01,
) -> None:
    """Fit the proxy means test (OLS and gradient boosting), evaluate out of sample, select."""
    # imported here: welfare loads NumPy and Arrow, which other commands skip
    from terpadu.welfare import fit_pmt

    try:
        with progress_bar("pmt fit", folds + 3) as step:
            model = fit_pmt(
                survey_keluarga,
                survey_anggota,
                folds=folds,
                seed=seed,
                min_gain=min_gain,
                models_dir=get_settings().pmt_models_dir,
                progress=step,
            )
    except (InputFileError, ValueError) as exc:
        fail_with(exc)
    print_model(model)


def print_model(model: PmtModel) -> None:
    """The out-of-sample targeting errors beside Alatas et al., and the selection."""
    # imported here: welfare loads NumPy and Arrow, which other commands skip
    from terpadu.welfare.evaluation import ALATAS_2012

    evaluation = model.evaluation
    # Two readings of each cut: against the families truly in the bottom share
    # (inclusion = exclusion then, the groups being equal in size), and against
    # the poverty line (the reading of Alatas et al., groups of different size).
    table = Table(title=tell("pmt.errors_title", method=evaluation["method"]))
    table.add_column(tell("pmt.col.cut"))
    for name in ("OLS", "LightGBM"):
        table.add_column(tell("pmt.col.error_quota", model=name), justify="right")
        table.add_column(tell("pmt.col.inclusion_line", model=name), justify="right")
        table.add_column(tell("pmt.col.exclusion_line", model=name), justify="right")
    table.add_column(tell("pmt.col.alatas"), justify="right")
    ols_rows = evaluation["models"]["ols"]["cuts"]
    tree_rows = evaluation["models"]["lgbm"]["cuts"]
    for ols_row, tree_row in zip(ols_rows, tree_rows, strict=True):
        table.add_row(
            pct(ols_row["cut"], 0),
            _pct(ols_row["exclusion"]),
            _pct(ols_row.get("inclusion_garis")),
            _pct(ols_row.get("exclusion_garis")),
            _pct(tree_row["exclusion"]),
            _pct(tree_row.get("inclusion_garis")),
            _pct(tree_row.get("exclusion_garis")),
            f"{_pct(ALATAS_2012['inclusion'])} / {_pct(ALATAS_2012['exclusion'])}",
        )
    console.print(table)
    for kind, label in (("ols", "OLS"), ("lgbm", "LightGBM")):
        report = evaluation["models"][kind]
        console.print(
            tell(
                "pmt.model_line",
                model=label,
                spearman=dec(report["spearman"], 3),
                r2=dec(report["r2"], 3),
                error=dec(evaluation["selection"][kind], 3),
            )
        )
    console.print(
        tell(
            "pmt.selected",
            model=f"[bold]{'OLS' if model.selected == 'ols' else 'LightGBM'}[/]",
            version=f"[bold]{model.version}[/]",
            n=num(model.training["families"]),
        )
    )
    console.print(tell("saved", path=model.path))


def rank(
    model: Annotated[
        str | None,
        typer.Option("--model", help="PMT model version (default: the newest fitted model)."),
    ] = None,
    engine: Annotated[
        BatchEngineName,
        typer.Option("--engine", help="Batch engine that scores and ranks: duckdb or spark."),
    ] = BatchEngineName.duckdb,
    deprivation: Annotated[
        Path | None,
        typer.Option(help="Deprivation configuration (YAML); default: the shipped one."),
    ] = None,
    edition: Annotated[
        str | None,
        typer.Option(
            help="Rank a published registry edition (e.g. 2026-11) instead of the live registry."
        ),
    ] = None,
) -> None:
    """Score and rank every active family into percentile and desil 1-10, relative to the
    families in this registry (the national DTSEN desil is imported, not computed)."""
    # imported here: welfare loads NumPy and Arrow, which other commands skip
    from terpadu.welfare import DeprivationConfigError, ModelNotFound, desil_scope, rank_families

    settings = get_settings()
    database = open_engine()
    actor = jobs_actor(database, "rank")
    try:
        with scratch_folder(settings.scratch_dir, "rank-") as work, progress_bar("rank", 3) as step:
            run = rank_families(
                database,
                model_version=model,
                batch=engine.value,
                models_dir=settings.pmt_models_dir,
                work_dir=work,
                deprivation=deprivation,
                edition=edition,
                actor=actor.username,
                progress=step,
            )
    except (
        ModelNotFound,
        DeprivationConfigError,
        TerpaduError,
        InvalidPeriod,
        SnapshotDamaged,
    ) as exc:
        fail_with(exc)
    console.print(
        tell(
            "rank.done",
            run=f"[bold]{run.run_id}[/]",
            n=num(run.families_ranked),
            model=run.model_version,
            kind=run.model_kind,
            engine=run.engine,
        )
    )
    if run.families_skipped:
        console.print(tell("rank.skipped", n=num(run.families_skipped)))
    scope = desil_scope(database)
    words = scope.label_en if language() == "en" else scope.label
    table = Table(title=tell("rank.spread", scope=words))
    table.add_column("Desil", justify="right")
    table.add_column(tell("col.families"), justify="right")
    for desil in range(1, 11):
        table.add_row(str(desil), f"{num(run.desil_counts.get(desil, 0))}")
    console.print(table)
    console.print(tell("rank.relative"))
    console.print(tell("rank.snapshot", sha=run.snapshot_sha256[:12]))


pmt_app = typer.Typer(help="Proxy means test (PMT): fit and evaluate welfare models.")
pmt_app.command("fit")(pmt_fit)
