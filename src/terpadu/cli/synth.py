"""``terpadu synth``: write a synthetic registry with ground truth (registered by the lead)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer
from rich.table import Table

from terpadu.cli.common import console, dec, language, num, pct, say
from terpadu.cli.progress import progress_bar
from terpadu.locale import text
from terpadu.services.calendar import office_today
from terpadu.synth.config import PRESETS, FaultPreset, SynthConfig

#: Survey families written unless ``--survey-households`` says otherwise: enough for
#: ``terpadu pmt fit`` (the README's next steps) in a few seconds.
DEFAULT_SURVEY = 2000


def synth(
    outdir: Annotated[Path, typer.Argument(help="Folder to write the CSV files into.")],
    households: Annotated[
        int, typer.Option(help="Number of registry families (keluarga rows).", min=0)
    ] = 1000,
    kab: Annotated[
        str,
        typer.Option(help="Kab/kota code (4 digits, e.g. 3604) or province code (2 digits)."),
    ] = "3604",
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 1,
    faults: Annotated[str, typer.Option(help=f"Fault preset: {', '.join(PRESETS)}.")] = "default",
    survey_households: Annotated[
        int,
        typer.Option(
            help="Survey families with measured consumption (for PMT fitting; 0: no survey). "
            "Drawn apart from the registry: the same seed gives the same registry files "
            "whatever this number.",
            min=0,
        ),
    ] = DEFAULT_SURVEY,
    duplicate_rate: Annotated[
        float | None,
        typer.Option(help="Share of persons registered again (overrides the preset)."),
    ] = None,
    blank_nik_rate: Annotated[
        float | None, typer.Option(help="Share of rows without NIK (overrides the preset).")
    ] = None,
    excel_damage_rate: Annotated[
        float | None,
        typer.Option(help="Share of NIK/NO_KK values damaged by Excel (overrides the preset)."),
    ] = None,
    invalid_row_rate: Annotated[
        float | None,
        typer.Option(help="Share of rows that must be rejected (overrides the preset)."),
    ] = None,
    poverty_line: Annotated[
        float, typer.Option(help="Poverty line, Rupiah per person per month.")
    ] = 595_242.0,
    services: Annotated[
        bool,
        typer.Option(
            "--services",
            help="Also write the kab/kota's institutions, social workforce and complaints log "
            "(lembaga.csv, sdm.csv, pengaduan.csv), as of today.",
        ),
    ] = False,
) -> None:
    """Generate realistic keluarga/anggota files with ground truth for demos and benchmarks,
    a survey sample for the PMT and a sample kuota.csv for the kecamatan generated."""
    if faults not in PRESETS:
        raise typer.BadParameter(f"use one of {', '.join(PRESETS)}", param_hint="--faults")
    try:
        config = SynthConfig(
            households=households,
            kab_code=kab,
            seed=seed,
            faults=cast(FaultPreset, faults),  # checked against PRESETS above
            survey_households=survey_households,
            duplicate_rate=duplicate_rate,
            blank_nik_rate=blank_nik_rate,
            excel_damage_rate=excel_damage_rate,
            invalid_row_rate=invalid_row_rate,
            poverty_line=poverty_line,
            services=services,
            services_date=office_today() if services else None,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    # imported here: generating loads Faker, NumPy and Arrow, which other commands skip
    from terpadu.synth import generate

    with progress_bar("synth", 5 if services else 4) as step:
        summary = generate(config, outdir, progress=step)

    table = Table(title=say("synth.title", outdir=outdir), show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row(say("synth.families"), num(summary.families))
    table.add_row(say("synth.persons"), num(summary.persons))
    table.add_row(say("synth.anggota_rows"), num(summary.anggota_rows))
    table.add_row(say("synth.duplicates"), num(summary.duplicates))
    table.add_row(say("synth.poor_share"), pct(summary.poor_share))
    for expect, count in summary.expect.items():
        table.add_row(say(f"synth.expect.{expect}"), num(count))
    for label, count in summary.faults.items():
        table.add_row(say("synth.fault", label=label), num(count))
    for label, count in summary.family_faults.items():
        table.add_row(say("synth.family_fault", label=label), num(count))
    table.add_row(say("synth.survey_families"), num(summary.survey_families))
    if services:
        for key, count in (
            ("institutions", summary.institutions),
            ("workers", summary.workers),
            ("complaints", summary.complaints),
        ):
            table.add_row(text(f"svcimport.synth.{key}", language()), num(count))
    table.add_row(say("synth.seconds"), dec(summary.seconds, 1))
    console.print(table)
    console.print(say("synth.files", files=", ".join(p.name for p in summary.files.values())))
