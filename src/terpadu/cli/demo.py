"""``terpadu demo``: generate a kabupaten, import it, show what landed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from terpadu.cli.common import console, open_engine
from terpadu.cli.data import print_import_report, write_issues
from terpadu.intake import import_batch
from terpadu.regions import get_region
from terpadu.settings import get_settings


def demo(
    households: Annotated[int, typer.Option(help="Households to generate.")] = 2_000,
    kab: Annotated[str, typer.Option(help="Kab/kota code to generate in.")] = "3604",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 2026,
) -> None:
    """Run the whole pipeline on generated data with the embedded database."""
    from terpadu.synth import SynthConfig, generate

    settings = get_settings()
    outdir = settings.data_dir / "demo"
    region = get_region(kab)
    console.rule(f"[bold]Terpadu demo · {region.name if region else kab}")
    console.print(f"1. Membuat data contoh: {households:,} keluarga di {kab} → {outdir}")
    summary = generate(
        SynthConfig(households=households, kab_code=kab, seed=seed, faults="default"), outdir
    )
    console.print(f"   {summary.families:,} keluarga, {summary.persons:,} anggota")

    engine = open_engine()
    console.print(f"2. Memuat ke {engine.url.render_as_string(hide_password=True)}")
    report = import_batch(
        engine, outdir / "keluarga.csv", outdir / "anggota.csv", source=f"demo-{seed}"
    )
    print_import_report(report)
    if not report.already_imported:
        write_issues(report, Path(outdir / "masalah.csv"))
    console.print(
        "\nSelanjutnya: [bold]terpadu export families --out keluarga.xlsx[/], "
        "[bold]terpadu export persons --out anggota.csv[/]"
    )
