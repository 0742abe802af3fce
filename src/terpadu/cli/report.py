"""``terpadu report poverty``: a region's poverty profile (desil, H, A, M0, causes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from terpadu.cli.common import console, fail, open_engine
from terpadu.cli.errors import fail_with
from terpadu.regions import RegionCodeError
from terpadu.settings import get_settings

if TYPE_CHECKING:
    from terpadu.welfare.report import PovertyProfile


def print_profile(profile: PovertyProfile) -> None:
    """Desil distribution, H, A, M0 and each dimension's contribution."""
    m = profile.measures
    console.rule(f"Profil kemiskinan {profile.region_name} ({profile.region or 'nasional'})")
    console.print(
        f"{m['n']:,} keluarga berperingkat (run {profile.run_id}, model {profile.model_version}); "
        f"desil 1-4: {m['desil_program']:,}"
    )
    console.print(
        f"Miskin multidimensi (skor ≥ {profile.poverty_cutoff:.2f}): {m['q']:,} keluarga · "
        f"H = {profile.headcount:.3f} · A = {profile.intensity:.3f} · M0 = {profile.m0:.4f}"
    )
    desil = Table(title="Sebaran desil")
    desil.add_column("Desil", justify="right")
    desil.add_column("Keluarga", justify="right")
    desil.add_column("%", justify="right")
    for row in profile.desil:
        desil.add_row(str(row["desil"]), f"{row['keluarga']:,}", f"{100 * row['persen']:.1f}")
    console.print(desil)
    dims = Table(title="Kontribusi dimensi terhadap M0")
    dims.add_column("Dimensi")
    dims.add_column("Bobot", justify="right")
    dims.add_column("Kontribusi", justify="right")
    dims.add_column("% dari M0", justify="right")
    dims.add_column("% keluarga terdeprivasi", justify="right")
    for row in profile.dimensions:
        dims.add_row(
            row["label"],
            f"{row['bobot']:.2f}",
            f"{row['kontribusi']:.4f}",
            f"{100 * row['persen_kontribusi']:.1f}",
            f"{100 * row['persen_terdeprivasi']:.1f}",
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
    try:
        profile = poverty_profile(engine, region)
    except (NoRanking, RegionCodeError) as exc:
        fail_with(exc)
    print_profile(profile)
    path = out or default_report_path(region, get_settings().reports_dir)
    try:
        files = write_poverty_report(profile, path)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"Laporan: {files.xlsx} · grafik: {files.png}, {files.svg}")
