"""``terpadu demo``: the whole pipeline on a generated kabupaten, embedded database."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy import Engine

from terpadu.access import Actor
from terpadu.cli.account import current_actor
from terpadu.cli.common import console, open_engine
from terpadu.cli.data import print_import_report, write_issues
from terpadu.cli.errors import fail_with
from terpadu.cli.report import print_profile
from terpadu.cli.welfare import print_model
from terpadu.errors import TerpaduError
from terpadu.intake import import_batch
from terpadu.regions import get_region
from terpadu.settings import get_settings, run_folder


def demo(
    households: Annotated[int, typer.Option(help="Households to generate.")] = 2_000,
    survey_households: Annotated[
        int, typer.Option(help="Survey households with measured consumption, to fit the PMT.")
    ] = 2_000,
    kab: Annotated[str, typer.Option(help="Kab/kota code to generate in.")] = "3604",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 2026,
    serve: Annotated[
        bool | None,
        typer.Option(
            "--serve/--no-serve",
            help="Start the web app at the end (default: when run from a terminal).",
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port for the web app.")] = 8000,
) -> None:
    """Generate a kabupaten, import it, fit the PMT, rank every family, explain poverty."""
    # imported here: synth and welfare load Faker, NumPy and Arrow, which other commands skip
    from terpadu.synth import SynthConfig, generate
    from terpadu.welfare import fit_pmt, poverty_profile, rank_families, write_poverty_report

    settings = get_settings()
    outdir = settings.demo_dir
    region = get_region(kab)
    console.rule(f"[bold]Terpadu demo · {region.name if region else kab}")

    console.print(f"[bold]1. Data contoh[/]: {households:,} keluarga di {kab} → {outdir}")
    config = SynthConfig(
        households=households,
        kab_code=kab,
        seed=seed,
        faults="default",
        survey_households=survey_households,
    )
    summary = generate(config, outdir)
    console.print(
        f"   {summary.families:,} keluarga, {summary.persons:,} anggota; "
        f"survei {summary.survey_families:,} keluarga"
    )

    engine = open_engine()
    actor, admin_made = _demo_accounts(engine, kab)
    console.print(
        f"[bold]2. Impor[/] ke {engine.url.render_as_string(hide_password=True)} "
        f"sebagai {actor.username}"
    )
    report = import_batch(
        engine,
        outdir / "keluarga.csv",
        outdir / "anggota.csv",
        source=f"demo-{seed}",
        actor=actor.username,
        wait_s=settings.import_wait_s,
    )
    print_import_report(report)
    if not report.already_imported:
        write_issues(report, outdir / "masalah.csv")

    console.print("[bold]3. Proxy means test[/] pada data survei")
    model = fit_pmt(
        outdir / "survey_keluarga.csv",
        outdir / "survey_anggota.csv",
        models_dir=settings.pmt_models_dir,
    )
    print_model(model)

    console.print("[bold]4. Peringkat kesejahteraan[/] (desil nasional)")
    run = rank_families(
        engine,
        model_version=model.version,
        models_dir=settings.pmt_models_dir,
        work_dir=run_folder(settings.welfare_runs_dir),
        actor=actor.username,
    )
    console.print(
        f"   run {run.run_id}: {run.families_ranked:,} keluarga diperingkat · "
        + " ".join(f"D{d}:{n:,}" for d, n in sorted(run.desil_counts.items()))
    )

    console.print("[bold]5. Kemiskinan terurai[/] menurut dimensi")
    profile = poverty_profile(engine, kab)
    print_profile(profile)
    files = write_poverty_report(profile, outdir / f"profil_kemiskinan_{kab}.xlsx")
    console.print(f"   Laporan: {files.xlsx} · grafik: {files.png}")

    console.print("[bold]6. Aplikasi web[/]")
    console.print(
        f"   Buka http://127.0.0.1:{port}/ dan masuk sebagai [bold]{DEMO_USER}[/] "
        f"dengan kata sandi [bold]{DEMO_PASSWORD}[/] (verifikator {kab})"
    )
    if admin_made:
        console.print(
            f"   Admin provinsi: [bold]{DEMO_ADMIN}[/] (kata sandi sama) mengelola akun "
            "(terpadu users)"
        )
    console.print(
        f"\nSelanjutnya: [bold]terpadu login {DEMO_USER}[/] · "
        '[bold]terpadu export families --out keluarga.xlsx --purpose "uji coba demo"[/] · '
        f"[bold]terpadu report poverty --region {kab}[/] · [bold]terpadu usulan --help[/] · "
        f"[bold]terpadu serve --port {port}[/]"
    )
    if serve if serve is not None else sys.stdin.isatty() and sys.stdout.isatty():
        from terpadu.cli.web import serve as serve_command

        serve_command(host="127.0.0.1", port=port, workers=1)


DEMO_USER = "demo"
DEMO_ADMIN = "demo-admin"
DEMO_PASSWORD = "demo-terpadu-2026"


def _demo_accounts(engine: Engine, kab: str) -> tuple[Actor, bool]:
    """The kab/kota verifier the demo acts as (created once) and whether an admin was made.

    On a database with no admin the demo makes its own province admin (the bootstrap);
    where admins exist, a logged-in one creates the demo account.
    """
    from terpadu.accounts.admin import bootstrap_admin, bootstrap_open, create_account
    from terpadu.accounts.users import AccountError, find_user

    existing = find_user(engine, DEMO_USER)
    if existing is not None:
        return existing.actor, False
    admin_made = bootstrap_open(engine)
    if admin_made:
        admin = bootstrap_admin(
            engine, DEMO_ADMIN, DEMO_PASSWORD, role="admin_provinsi", region=kab[:2]
        ).actor
    else:
        admin = current_actor(engine, "demo")
    try:
        made = create_account(
            engine, admin, DEMO_USER, role="verifikator_kab", region=kab, password=DEMO_PASSWORD
        )
    except (TerpaduError, AccountError) as exc:
        fail_with(exc)
    return made.user.actor, admin_made
