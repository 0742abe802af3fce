"""``terpadu report poverty``: a region's poverty profile (desil, H, A, M0, causes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from terpadu.cli.common import console, dec, fail, language, num, open_engine, say, tell
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.locale import has_text, text
from terpadu.regions import RegionCodeError
from terpadu.settings import get_settings

if TYPE_CHECKING:
    from terpadu.welfare.report import PovertyProfile


def print_profile(profile: PovertyProfile) -> None:
    """Desil distribution, H, A, M0 and each dimension's contribution."""
    m = profile.measures
    region = profile.region or tell("national")
    console.rule(tell("poverty.title", name=profile.region_name, region=region))
    console.print(
        tell(
            "poverty.ranked",
            n=num(m["n"]),
            run=profile.run_id,
            model=profile.model_version,
            low=num(m["desil_program"]),
        )
    )
    console.print(
        tell("poverty.multidimensional", cutoff=dec(profile.poverty_cutoff, 2), n=num(m["q"]))
        + f" · H = {dec(profile.headcount, 3)} · A = {dec(profile.intensity, 3)}"
        f" · M0 = {dec(profile.m0, 4)}"
    )
    desil = Table(title=tell("poverty.desil_title"))
    desil.add_column("Desil", justify="right")
    desil.add_column(tell("col.families"), justify="right")
    desil.add_column("%", justify="right")
    for row in profile.desil:
        desil.add_row(
            str(row["desil"]), f"{num(row['keluarga'])}", f"{dec(100 * row['persen'], 1)}"
        )
    console.print(desil)
    dims = Table(title=tell("poverty.dims_title"))
    dims.add_column(tell("poverty.col.dimension"))
    for name in ("weight", "contribution", "share_m0", "deprived"):
        dims.add_column(tell(f"poverty.col.{name}"), justify="right")
    lang = language()
    for row in profile.dimensions:
        key = f"pages.dimension.{row.get('dimensi')}"
        dims.add_row(
            text(key, lang) if has_text(key) else row["label"],
            f"{dec(row['bobot'], 2)}",
            f"{dec(row['kontribusi'], 4)}",
            f"{dec(100 * row['persen_kontribusi'], 1)}",
            f"{dec(100 * row['persen_terdeprivasi'], 1)}",
        )
    console.print(dims)


report_app = typer.Typer(help="Reports: poverty profile and more.")


@report_app.command("poverty")
def poverty(
    region: Annotated[
        str,
        typer.Option(
            "--region", help="Region code (province, kab/kota, kecamatan, desa) or 'nasional'."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="XLSX file to write; the chart goes beside it as .png and .svg "
            "(default: data_dir/reports/).",
        ),
    ] = None,
) -> None:
    """Print and write the poverty profile of a region, broken down by cause."""
    # Imported here: the welfare package brings NumPy and Arrow, which other commands skip.
    from terpadu.welfare import NoRanking, poverty_profile, write_poverty_report
    from terpadu.welfare.report import default_report_path

    engine = open_engine()
    path = out or default_report_path(region, get_settings().reports_dir)
    with progress_bar("report", 2) as step:
        step("report_profile")
        try:
            profile = poverty_profile(engine, region)
        except (NoRanking, RegionCodeError) as exc:
            fail_with(exc)
        step("report_write")
        try:
            files = write_poverty_report(profile, path)
        except ValueError as exc:
            fail_with(exc)
    print_profile(profile)
    console.print(tell("poverty.written", xlsx=files.xlsx, png=files.png, svg=files.svg))


def _write_tkpk(kind: str, code: str, edition: str | None, out: Path) -> None:
    """Make the TKPK profile or roll-up of ``code`` and write it to ``out`` (.pdf or .xlsx)."""
    # Imported here: the reports bring the welfare package (NumPy, Arrow) and WeasyPrint.
    from terpadu.editions import EditionError
    from terpadu.reports.tkpk import ReportError, province_rollup, region_profile, write_report

    if out.suffix.lower() not in (".pdf", ".xlsx"):
        fail(say("report_tkpk_suffix", path=str(out)))
    engine = open_engine()
    lang = language()
    with progress_bar("report", 2) as step:
        step("report_tkpk_count")
        try:
            if kind == "profil":
                report = region_profile(engine, code, edition=edition, lang=lang)
            else:
                report = province_rollup(engine, code, edition=edition, lang=lang)
        except (EditionError, RegionCodeError) as exc:
            fail_with(exc)
        except ReportError as exc:
            fail_with(exc)
        step("report_tkpk_write")
        write_report(report, out)
    console.print(say("report_tkpk_written", title=report.title, path=str(out)))


@report_app.command("profil")
def profile(
    region: Annotated[
        str,
        typer.Option(
            "--region", help="Region code (province, kab/kota, kecamatan, desa) or 'nasional'."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .pdf (with charts) or .xlsx (tables).")
    ],
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition",
            help="Edition (period, e.g. 2026-11) the ranking ran on (default: the latest).",
        ),
    ] = None,
) -> None:
    """Write a region's poverty profile for a TKPK meeting: desil, deprivation, programmes,
    data quality, workforce and institutions."""
    _write_tkpk("profil", region, edition, out)


@report_app.command("rollup")
def rollup(
    province: Annotated[str, typer.Option("--province", help="Province code (2 digits).")],
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .pdf (with charts) or .xlsx (tables).")
    ],
    edition: Annotated[
        str | None,
        typer.Option(
            "--edition",
            help="Edition (period, e.g. 2026-11) the ranking ran on (default: the latest).",
        ),
    ] = None,
) -> None:
    """Write a province's kab/kota side by side on the profile's measures (PDF or XLSX)."""
    _write_tkpk("rekap", province, edition, out)
