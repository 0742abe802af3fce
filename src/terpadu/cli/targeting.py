"""``terpadu target``, ``explain``, ``payments``, ``simulate``, ``program``, ``report convergence``."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer
from rich.markup import escape
from rich.table import Table

from terpadu.access import PermissionDenied, disclosure
from terpadu.cli.account import current_actor, jobs_actor
from terpadu.cli.common import console, dec, language, money, num, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.engine import SnapshotDamaged
from terpadu.errors import TerpaduError
from terpadu.files import InputFileError
from terpadu.locale import text
from terpadu.periods import InvalidPeriod
from terpadu.regions import RegionCodeError, normalize_code
from terpadu.reports.personal import record_personal_export
from terpadu.scratch import scratch_folder
from terpadu.settings import get_settings
from terpadu.store.ids import family_code

if TYPE_CHECKING:
    from terpadu.targeting import TargetingResult

# The targeting package is imported by the commands that run it: it brings NumPy and
# Arrow, which every other command would load for nothing.

ProgramsDir = Annotated[
    Path | None,
    typer.Option(
        "--programs",
        help="Folder of programme YAML files overriding the shipped ones "
        "(default: data_dir/programs when it exists).",
    ),
]


def _programs(programs: Path | None) -> Path | None:
    """``--programs``, else the data folder's edited programmes when that folder exists."""
    if programs is not None:
        return programs
    folder = get_settings().programs_dir
    return folder if folder.is_dir() else None


def _errors() -> tuple[type[Exception], ...]:
    """The failures these commands report in the operator's words rather than a traceback."""
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import ProgramConfigError, QuotaFileError, TargetingError

    return (
        TargetingError,
        ProgramConfigError,
        QuotaFileError,
        InputFileError,
        SnapshotDamaged,
        TerpaduError,
        InvalidPeriod,
    )


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def target(
    program: Annotated[str, typer.Option("--program", help="Programme id, e.g. pkh, sembako.")],
    quota: Annotated[
        Path, typer.Option("--quota", help="Quota file (kuota layout: CSV, XLSX, Parquet).")
    ],
    period: Annotated[
        str, typer.Option("--period", help="Period: year 2025, quarter 2025-Q3 or month 2025-07.")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Beneficiary list (BNBA): .xlsx, .csv or .parquet."),
    ] = None,
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Batch engine: duckdb or spark.")
    ] = EngineName.duckdb,
    edition: Annotated[
        str | None,
        typer.Option(help="Registry edition to target on (default: the latest published)."),
    ] = None,
    programs: ProgramsDir = None,
) -> None:
    """Fill each region's quota poorest-first, store the enrolments and write the BNBA.

    Runs as the logged-in account (recorded with the allocation and the BNBA export).
    """
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import run_targeting

    database = open_engine()
    actor = jobs_actor(database, "target")
    with scratch_folder(get_settings().scratch_dir, "target-") as work:
        try:
            with progress_bar("target", 4) as step:
                result = run_targeting(
                    database,
                    program,
                    quota,
                    period,
                    out=out,
                    batch=engine.value,
                    programs_dir=_programs(programs),
                    edition=edition,
                    actor=actor.username,
                    runs_dir=get_settings().targeting_runs_dir,
                    scratch_dir=work,
                    progress=step,
                )
        except _errors() as exc:
            fail_with(exc)
    if result.bnba_path:
        # The BNBA names every beneficiary with NIK: an export of personal data.
        record_personal_export(
            database,
            actor,
            what="bnba",
            rows=result.enrolled.height,
            purpose=f"BNBA {program} {period}",
            destination=str(result.bnba_path),
        )
    print_run(result)


def print_run(result: TargetingResult) -> None:
    """A run's regions, totals, warnings, held families and drafted NIK corrections."""
    from terpadu.targeting.holds import HELD, fix_phrases

    lang = language()
    source = (
        tell("target.edition", period=result.edition_period)
        if result.edition_period
        else f"snapshot {result.snapshot_sha256[:12]}"
    )
    table = Table(
        title=tell(
            "target.title",
            name=result.program.name,
            version=result.program.version,
            period=result.period,
            source=source,
        )
    )
    columns = ("region", "quota", "filled", "eligible", "unserved", "held")
    for name in columns:
        table.add_column(
            tell(f"target.col.{name}"), justify="right" if name != "region" else "left"
        )
    for row in result.regions.iter_rows(named=True):
        table.add_row(
            row["kode_wilayah"],
            f"{num(row['kuota'])}",
            f"{num(row['terisi'])}",
            f"{num(row['layak'])}",
            f"{num(row['tidak_terlayani'])}",
            f"{num(row['tertahan_data'])}",
        )
    console.print(table)
    total = int(result.enrolled["nominal"].sum()) if result.enrolled.height else 0
    console.print(
        tell(
            "target.enrolled", run=result.run_id, n=num(result.enrolled.height), total=money(total)
        )
    )
    if result.replaced_run_id:
        console.print(
            tell(
                "target.replaced",
                run=result.replaced_run_id,
                added=num(result.added),
                removed=num(result.removed),
            )
        )
    for warning in result.warnings:
        console.print(f"[yellow]{tell('warning')}:[/] {escape(warning.say(lang))}")
    if result.held.height:
        # the fix in the reader's words (the workbook's PERBAIKAN column is Bahasa Indonesia)
        fixes = {
            family_code(int(r["family_id"])): " ".join(p.say(lang) for p in fix_phrases(r))
            for r in result.decisions.filter(pl.col("keputusan") == HELD).iter_rows(named=True)
        }
        held = Table(title=tell("target.held_title"))
        for name in (
            "FAMILY_ID",
            "ID_KELUARGA",
            tell("target.col.region"),
            "Desil",
            text("pages.fix", lang),
        ):
            held.add_column(name)
        for row in result.held.head(20).iter_rows(named=True):
            held.add_row(
                row["FAMILY_ID"],
                row["ID_KELUARGA"] or "-",
                row["KODE_WILAYAH"] or "-",
                str(row["DESIL"]),
                escape(fixes.get(row["FAMILY_ID"], row["PERBAIKAN"])),
            )
        console.print(held)
        if result.held.height > 20:
            console.print(tell("target.held_more", n=num(result.held.height - 20)))
    if result.proposals:
        console.print(tell("target.nik_drafts", n=num(len(result.proposals))))
    if result.bnba_path:
        console.print(tell("target.bnba_written", path=result.bnba_path))


def explain(
    family: Annotated[str, typer.Argument(help="FAMILY_ID (KLG…) or ID_KELUARGA.")],
    programs: ProgramsDir = None,
) -> None:
    """Why a family is in or out of every programme: the rule, the values, its rank."""
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import explain_family

    database = open_engine()
    actor = current_actor(database, "explain")
    try:
        result = explain_family(database, family, programs_dir=_programs(programs))
        actor.require_region(result.kode_wilayah)
    except _errors() as exc:
        fail_with(exc)
    except PermissionDenied as exc:
        fail_with(exc)
    lang = language()
    console.rule(
        f"{result.family_code} · ID_KELUARGA {result.id_keluarga} · "
        f"{disclosure(actor).region(result.kode_wilayah)} · "
        f"{text(f'reports.record_status.{result.status}', lang)}"
    )
    for prog in result.programs:
        run = (
            tell("explain.run", period=prog.period, run=prog.run_id)
            if prog.run_id
            else tell("explain.not_allocated")
        )
        console.print(
            f"[bold]{escape(prog.name)}[/] (v{prog.version}, {run}): "
            f"[bold]{prog.decision_in(lang)}[/]"
        )
        for check in prog.checks:
            mark = "[green]✓[/]" if check.passed else "[red]✗[/]"
            console.print(f"  {mark} {escape(check.rule_in(lang))}: {escape(check.value_in(lang))}")
        if prog.rank is not None:
            console.print(
                "  "
                + tell(
                    "explain.rank",
                    rank=num(prog.rank),
                    region=prog.quota_region,
                    quota=num(prog.quota),
                    filled=num(prog.filled),
                    eligible=num(prog.eligible_in_region),
                )
            )
        elif prog.decision == "di_luar_wilayah_kuota":
            console.print("  " + text("pages.no_quota_row", lang))
        for fix in prog.fixes:
            console.print(f"  [yellow]{text('pages.fix', lang)}:[/] {escape(fix.say(lang))}")
        if prog.components:
            console.print(f"  {text('pages.components', lang)}: {prog.components}")
        if prog.nominal is not None:
            console.print(f"  {text('pages.nominal', lang)}: {money(prog.nominal)}")


def payments(
    file: Annotated[Path, typer.Argument(help="Disbursement file (penyaluran layout).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Report (.xlsx); default data_dir/reports/rekonsiliasi_*.xlsx."),
    ] = None,
    programs: ProgramsDir = None,
) -> None:
    """Reconcile disbursement results: failures, saldo nol, not found, paid twice, not eligible.

    Runs as the logged-in account; the report (recipients with NIK) is audited as an export.
    """
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import reconcile_payments, write_payments_report
    from terpadu.targeting.payments import PROBLEM_LABELS, default_payments_path

    database = open_engine()
    actor = jobs_actor(database, "payments")
    with scratch_folder(get_settings().scratch_dir, "payments-") as work:
        try:
            result = reconcile_payments(
                database, file, programs_dir=_programs(programs), work_dir=work
            )
            report, proposals = write_payments_report(
                result, out or default_payments_path(get_settings().reports_dir, file)
            )
        except _errors() as exc:
            fail_with(exc)
    record_personal_export(
        database,
        actor,
        what="payments",
        rows=result.rows.height,
        purpose=f"rekonsiliasi penyaluran {file.name}",
        destination=str(report),
    )
    table = Table(title=tell("payments.title", file=file.name))
    table.add_column(tell("payments.col.problem"))
    table.add_column(tell("payments.col.rows"), justify="right")
    codes = result.rows["MASALAH"].str.split(";").explode()
    counts = codes.filter(codes != "").value_counts()
    for code, n in counts.sort("count", descending=True).iter_rows():
        table.add_row(PROBLEM_LABELS.get(code, code), f"{num(n)}")
    console.print(table)
    console.print(
        tell(
            "payments.summary",
            rows=num(result.rows.height),
            problems=num(result.problems.height),
            proposals=num(result.proposals.height),
        )
    )
    console.print(tell("payments.written", report=report, proposals=proposals))


def simulate(
    rules: Annotated[Path, typer.Argument(help="Programme file (YAML) to try out.")],
    period: Annotated[str, typer.Option("--period", help="Period for amounts, e.g. 2025-07.")],
    quota: Annotated[
        Path | None, typer.Option("--quota", help="Optional quota file; default: no quota.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Workbook (.xlsx) of the results.")] = (
        None
    ),
    engine: Annotated[
        EngineName, typer.Option("--engine", help="Batch engine: duckdb or spark.")
    ] = EngineName.duckdb,
    programs: ProgramsDir = None,
) -> None:
    """Run a new programme's rules on the current edition without enrolling anyone."""
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import simulate_program, write_simulation

    database = open_engine()
    with scratch_folder(get_settings().scratch_dir, "simulate-") as work:
        try:
            sim = simulate_program(
                database,
                rules,
                period,
                quota=quota,
                batch=engine.value,
                programs_dir=_programs(programs),
                work_dir=work,
            )
            if out is not None:
                write_simulation(sim, out)
        except _errors() as exc:
            fail_with(exc)
    console.print(
        f"[bold]{escape(sim.program.name)}[/] v{sim.program.version} · "
        + tell(
            "simulate.summary",
            period=sim.period,
            eligible=num(sim.eligible),
            selected=num(sim.selected),
            cost=money(sim.cost),
        )
    )
    for title, frame in (
        (tell("simulate.by_desil"), sim.by_desil),
        (tell("simulate.by_region"), sim.by_region),
        (tell("simulate.overlap"), sim.overlap),
    ):
        table = Table(title=title)
        for column in frame.columns:
            table.add_column(column)
        for row in frame.iter_rows():
            table.add_row(*[f"{dec(v, 3)}" if isinstance(v, float) else str(v) for v in row])
        console.print(table)


program_app = typer.Typer(help="Programme catalogue: list and check the programme files.")


@program_app.command("list")
def program_list(programs: ProgramsDir = None) -> None:
    """List the programmes (shipped and user files), their version, desil and conflicts."""
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import ProgramConfigError, load_catalogue

    try:
        catalogue = load_catalogue(_programs(programs))
    except ProgramConfigError as exc:
        fail_with(exc)
    table = Table(title=tell("program.title"))
    for name in ("program", "name", "version", "desil", "conflicts", "file"):
        table.add_column(tell(f"program.col.{name}"))
    for prog in catalogue:
        table.add_row(
            prog.id,
            prog.name,
            prog.version,
            f"{prog.desil[0]}-{prog.desil[1]}",
            ", ".join(prog.conflicts) or "-",
            prog.path,
        )
    console.print(table)


def convergence(
    region: Annotated[
        str,
        typer.Option("--region", help="Province, kab/kota, kecamatan or desa code, or nasional."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Workbook (.xlsx); default data_dir/reports/konvergensi_*.xlsx."
        ),
    ] = None,
) -> None:
    """Programme convergence: desil 1-2 without any programme, desil 6-10 with one."""
    # imported here: targeting loads NumPy and Arrow, which other commands skip
    from terpadu.targeting import convergence_report, write_convergence_report
    from terpadu.targeting.convergence import default_convergence_path

    database = open_engine()
    actor = current_actor(database, "report convergence")
    try:
        wanted = None if region.strip().lower() in ("", "nasional") else normalize_code(region)
        if actor.region is not None:
            actor.require_region(wanted)
    except (PermissionDenied, RegionCodeError) as exc:
        fail_with(exc)
    try:
        report = convergence_report(database, region)
        # The family listings carry KK numbers and addresses: as the reader's role sees them.
        shown = disclosure(actor)
        report = replace(
            report, exclusion=shown.frame(report.exclusion), inclusion=shown.frame(report.inclusion)
        )
        path = write_convergence_report(
            report, out or default_convergence_path(get_settings().reports_dir, report.region)
        )
    except _errors() as exc:
        fail_with(exc)
    table = Table(title=tell("convergence.title", region=report.region or tell("national")))
    for name in ("region", "ranked", "desil_low", "exclusion", "desil_high", "inclusion"):
        table.add_column(
            tell(f"convergence.col.{name}"), justify="right" if name != "region" else "left"
        )
    for row in report.summary.iter_rows(named=True):
        table.add_row(
            row["KODE_WILAYAH"],
            f"{num(row['keluarga_berperingkat'])}",
            f"{num(row['desil_1_2'])}",
            f"{num(row['eksklusi_desil_1_2_tanpa_program'])}",
            f"{num(row['desil_6_10'])}",
            f"{num(row['inklusi_desil_6_10_dengan_program'])}",
        )
    console.print(table)
    console.print(
        tell(
            "convergence.summary",
            exclusion=num(report.exclusion.height),
            inclusion=num(report.inclusion.height),
            path=path,
        )
    )
