"""``terpadu demo``: the whole pipeline on a generated kabupaten, embedded database."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine, text

from terpadu.access import Actor
from terpadu.cli.account import current_actor
from terpadu.cli.common import command_name, console, language, num, open_engine, say
from terpadu.cli.data import print_import_report, write_issues
from terpadu.cli.errors import fail_with
from terpadu.cli.list_import import print_list_report, with_progress
from terpadu.cli.progress import progress_bar
from terpadu.cli.report import print_profile
from terpadu.cli.welfare import print_model
from terpadu.errors import TerpaduError
from terpadu.intake import PROGRESS_STEPS, import_batch
from terpadu.locale import text as locale_text
from terpadu.regions import get_region
from terpadu.services.calendar import office_today
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
    """Generate a kabupaten, import it, fit the PMT, rank every family, explain poverty.

    On a database that holds other imports the demo imports its data but neither fits a
    PMT nor ranks: that would change the ranking of the other families.
    """
    # imported here: synth and welfare load Faker, NumPy and Arrow, which other commands skip
    from terpadu.synth import SynthConfig, generate

    settings = get_settings()
    outdir = settings.demo_dir
    region = get_region(kab)
    source = f"demo-{seed}"
    console.rule(f"[bold]{say('demo.title', region=region.name if region else kab)}")

    console.print(say("demo.step_synth", n=num(households), kab=kab, outdir=outdir))
    config = SynthConfig(
        households=households,
        kab_code=kab,
        seed=seed,
        faults="default",
        survey_households=survey_households,
        services=True,
        services_date=office_today(),
    )
    with progress_bar("synth", 5) as step:
        summary = generate(config, outdir, progress=step)
    console.print(
        say(
            "demo.synth_done",
            families=num(summary.families),
            persons=num(summary.persons),
            survey=num(summary.survey_families),
        )
    )

    engine = open_engine()
    actor, admin_made = _demo_accounts(engine, kab)
    url = engine.url.render_as_string(hide_password=True)
    console.print(say("demo.step_import", url=url, user=actor.username))
    with progress_bar("import", PROGRESS_STEPS) as step:
        report = import_batch(
            engine,
            outdir / "keluarga.csv",
            outdir / "anggota.csv",
            source=source,
            actor=actor.username,
            progress=step,
            wait_s=settings.import_wait_s,
            chunk_rows=settings.import_chunk_rows,
        )
    print_import_report(report)
    if not report.already_imported:
        write_issues(report, outdir / "masalah.csv")

    others = other_families(engine, source)
    if others:
        console.print(say("demo.others", n=num(others), cmd=command_name()))
        ranked = False
    else:
        ranked = _fit_and_rank(engine, actor, outdir, reuse=report.already_imported)
    if ranked or _has_ranking(engine):
        _profile(engine, kab, outdir)

    _services(engine, actor, outdir, kab)

    console.print(say("demo.step_web"))
    console.print(say("demo.web_login", port=port, user=DEMO_USER, password=DEMO_PASSWORD, kab=kab))
    if admin_made:
        console.print(say("demo.web_admin", admin=DEMO_ADMIN, cmd=command_name()))
    cmd = command_name()
    hints = (
        f"{cmd} login {DEMO_USER}",
        f'{cmd} export families --out keluarga.xlsx --purpose "uji coba demo"',
        f"{cmd} report poverty --region {kab}",
        f"{cmd} pengaduan daftar --terlambat",
        f"{cmd} kasus terlambat",
        f"{cmd} usulan --help",
        f"{cmd} serve --port {port}",
    )
    console.print("\n" + say("demo.next") + " " + " · ".join(f"[bold]{h}[/]" for h in hints))
    if serve if serve is not None else sys.stdin.isatty() and sys.stdout.isatty():
        from terpadu.cli.web import serve as serve_command

        serve_command(host="127.0.0.1", port=port, workers=1)


#: The desa operator (Puskesos) the demo's complaint proposal is made as.
DEMO_PUSKESOS = "demo-puskesos"


def _words(key: str, /, **values: object) -> str:
    return locale_text(key, language(), **values)


def _services(engine: Engine, actor: Actor, outdir: Path, kab: str) -> None:
    """Import the kab/kota's institutions, workforce and complaints log through the list
    importers, admit registry persons to the homes, turn one complaint into its proposal."""
    import polars as pl

    from terpadu.services import Clock, ServiceLevels, calendar_from, overdue
    from terpadu.services.complaint_log import import_complaints
    from terpadu.services.institutions import import_institutions
    from terpadu.services.sample import admit_sample_residents, propose_sample_correction
    from terpadu.services.workforce import import_workers

    settings = get_settings()
    clock = Clock(
        calendar=calendar_from(settings.holidays_file),
        levels=ServiceLevels.parse(settings.complaint_sla),
    )
    today = office_today()
    console.print(_words("svcimport.demo.step"))
    try:
        reports = [
            with_progress(
                "lembaga",
                lambda step: import_institutions(
                    engine, actor, outdir / "lembaga.csv", today=today, progress=step
                ),
            ),
            with_progress(
                "sdm",
                lambda step: import_workers(
                    engine, actor, outdir / "sdm.csv", today=today, progress=step
                ),
            ),
            with_progress(
                "pengaduan",
                lambda step: import_complaints(
                    engine, actor, outdir / "pengaduan.csv", clock=clock, progress=step
                ),
            ),
        ]
        for report in reports:
            print_list_report(report, None, shown=0)
        problems = [r.problem_list() for r in reports if r.problem_list().height]
        if problems:
            write_issues(pl.concat(problems), outdir / "masalah_layanan.csv")
        residents = admit_sample_residents(engine, actor, region=kab, today=today)
        proposal = propose_sample_correction(engine, DEMO_PUSKESOS, region=kab, clock=clock)
    except TerpaduError as exc:
        fail_with(exc)
    late = overdue(engine, now=dt.datetime.now(dt.UTC), calendar=clock.calendar, region=kab)
    console.print(
        _words(
            "svcimport.demo.done",
            institutions=num(reports[0].rows_landed),
            residents=num(residents),
            workers=num(reports[1].rows_landed),
            complaints=num(reports[2].rows_landed),
            overdue=num(len(late)),
        )
    )
    if proposal is not None:
        console.print(_words("svcimport.demo.proposal", proposal=proposal, user=DEMO_PUSKESOS))
    _cases(engine, kab)


def _cases(engine: Engine, kab: str) -> None:
    """Open the sample's PPKS cases as the demo's front office and caseworker accounts."""
    from terpadu.accounts.users import find_user
    from terpadu.services.case_reads import overdue_reviews
    from terpadu.services.case_sample import open_sample_cases
    from terpadu.services.cases import CaseClock

    front_office, caseworker = (
        find_user(engine, DEMO_FRONT_OFFICE),
        find_user(engine, DEMO_CASEWORKER),
    )
    if (front_office is None or front_office.role != "petugas_slrt") or (
        caseworker is None or caseworker.role != "pekerja_sosial"
    ):
        return  # a database from before the case accounts, or names taken otherwise
    clock = CaseClock.from_settings(get_settings())
    try:
        cases = open_sample_cases(
            engine, front_office.actor, caseworker.actor, region=kab, clock=clock
        )
    except TerpaduError as exc:
        fail_with(exc)
    late = overdue_reviews(engine, caseworker.actor, now=clock.when, calendar=clock.calendar)
    console.print(
        _words(
            "svcimport.demo.cases",
            cases=num(cases),
            overdue=num(len(late)),
            caseworker=DEMO_CASEWORKER,
            front_office=DEMO_FRONT_OFFICE,
            user=DEMO_USER,
        )
    )


def _fit_and_rank(engine: Engine, actor: Actor, outdir: Path, *, reuse: bool) -> bool:
    """Fit the PMT on the demo's survey (or reuse the newest model when the demo's data was
    already imported) and rank the registry, which holds only the demo's families."""
    from terpadu.welfare import ModelNotFound, fit_pmt, load_model, rank_families

    settings = get_settings()
    console.print(say("demo.step_pmt"))
    model = None
    if reuse:
        try:
            model = load_model(None, settings.pmt_models_dir)
            console.print(say("demo.model_reused", version=model.version))
        except ModelNotFound:
            model = None
    if model is None:
        with progress_bar("pmt fit", 5 + 3) as step:  # fit_pmt's 5 folds and 3 steps
            model = fit_pmt(
                outdir / "survey_keluarga.csv",
                outdir / "survey_anggota.csv",
                models_dir=settings.pmt_models_dir,
                progress=step,
            )
        print_model(model)
    elif _has_ranking(engine):
        console.print(say("demo.rank_kept"))
        return False

    console.print(say("demo.step_rank"))
    with progress_bar("rank", 3) as step:
        run = rank_families(
            engine,
            model_version=model.version,
            models_dir=settings.pmt_models_dir,
            work_dir=run_folder(settings.welfare_runs_dir),
            actor=actor.username,
            progress=step,
        )
    desil = " ".join(f"D{d}:{num(n)}" for d, n in sorted(run.desil_counts.items()))
    console.print(say("demo.ranked", run=run.run_id, n=num(run.families_ranked), desil=desil))
    return True


def _profile(engine: Engine, kab: str, outdir: Path) -> None:
    from terpadu.welfare import NoRanking, poverty_profile, write_poverty_report

    console.print(say("demo.step_profile"))
    try:
        profile = poverty_profile(engine, kab)
    except NoRanking:
        return
    print_profile(profile)
    files = write_poverty_report(profile, outdir / f"profil_kemiskinan_{kab}.xlsx")
    console.print(say("demo.report", xlsx=files.xlsx, png=files.png))


def other_families(engine: Engine, source: str) -> int:
    """Families in the registry sent by anyone but the demo's ``source``."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM family f JOIN source s ON s.id = f.source_id "
                    "WHERE s.name <> :source"
                ),
                {"source": source},
            ).scalar_one()
        )


def _has_ranking(engine: Engine) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT 1 FROM family_welfare WHERE is_current = 1 LIMIT 1")).first()
            is not None
        )


DEMO_USER = "demo"
DEMO_ADMIN = "demo-admin"
DEMO_PASSWORD = "demo-terpadu-2026"
#: The PPKS caseworker (Sakti Peksos) and the SLRT front office of the demo's cases.
DEMO_CASEWORKER = "peksos"
DEMO_FRONT_OFFICE = "slrt"
#: The accounts the demo makes on its first run: name and role, all of the kab/kota.
DEMO_ACCOUNTS = (
    (DEMO_USER, "verifikator_kab"),
    (DEMO_CASEWORKER, "pekerja_sosial"),
    (DEMO_FRONT_OFFICE, "petugas_slrt"),
)


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
        made = [
            create_account(engine, admin, name, role=role, region=kab, password=DEMO_PASSWORD)
            for name, role in DEMO_ACCOUNTS
            if find_user(engine, name) is None
        ]
    except (TerpaduError, AccountError) as exc:
        fail_with(exc)
    return made[0].user.actor, admin_made
