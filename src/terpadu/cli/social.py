"""``terpadu lembaga`` and ``terpadu sdm``: institutions (LKS/panti) and the social workforce.

Imports of the lists the office keeps (Excel or CSV) report every bad row as registry
intake does (``--errors`` writes the same problem file); the lists, occupancy, the
accreditation pipeline and caseloads are read within the logged-in account's region.
The words come from the locale catalogue (``social.yaml``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import polars as pl
import typer
from rich.table import Table
from sqlalchemy import Engine

from terpadu.access import Actor, disclosure
from terpadu.cli.account import current_user
from terpadu.cli.common import console, open_engine, tell
from terpadu.cli.data import write_issues
from terpadu.cli.errors import fail_with
from terpadu.cli.list_import import Errors, ListFile, Sheet, print_list_report, with_progress
from terpadu.errors import TerpaduError
from terpadu.locale import fmt_date, fmt_decimal, fmt_number, fmt_percent, text
from terpadu.services.institutions import (
    EXPIRING_DAYS,
    KINDS,
    InstitutionRow,
    accreditation_pipeline,
    admit,
    discharge,
    import_institutions,
    institution_id,
    list_institutions,
    list_residents,
    occupancy,
    open_stay,
    person_by_nik,
)
from terpadu.services.residents_list import import_residents
from terpadu.services.social_files import ListReport
from terpadu.services.workforce import (
    CASELOAD_DIGITS,
    CASELOAD_NORMS,
    ROLES,
    caseloads,
    import_workers,
    list_workers,
    parse_norms,
    short_of_staff,
)
from terpadu.settings import get_settings

lembaga_app = typer.Typer(
    name="lembaga",
    help="Social-welfare institutions (LKS, panti): import the list, show it.",
    no_args_is_help=True,
)
sdm_app = typer.Typer(
    name="sdm",
    help="The social workforce (TKSK, Sakti Peksos, facilitators, PSM, Tagana, Karang Taruna).",
    no_args_is_help=True,
)
T = TypeVar("T")


def _lang() -> str:
    return get_settings().language


def _run(command: str, work: Callable[[Engine, Actor], T]) -> T:
    """Open the database, act as the logged-in account, and turn domain errors into words."""
    engine = open_engine()
    actor = current_user(engine, command).actor
    try:
        return work(engine, actor)
    except TerpaduError as exc:
        fail_with(exc)


@lembaga_app.command("impor")
def import_institutions_command(
    file: ListFile,
    errors: Errors = None,
    sheet: Sheet = None,
    penghuni: Annotated[
        Path | None,
        typer.Option(
            "--penghuni",
            exists=True,
            dir_okay=False,
            help="Residents list (CSV or XLSX): registry persons by NIK with admission and "
            "discharge dates, imported after the institutions.",
        ),
    ] = None,
) -> None:
    """Import a list of institutions; a registration number already known is updated."""

    def work(engine: Engine, actor: Actor) -> list[ListReport]:
        reports = [
            with_progress(
                "lembaga",
                lambda step: import_institutions(engine, actor, file, sheet=sheet, progress=step),
            )
        ]
        if penghuni is not None:
            reports.append(
                with_progress(
                    "penghuni",
                    lambda step: import_residents(engine, actor, penghuni, progress=step),
                )
            )
        return reports

    reports = _run("lembaga impor", work)
    for report in reports:
        print_list_report(report, None)
    if errors is not None:
        write_issues(pl.concat([r.problem_list() for r in reports]), errors)


def _institutions_table(rows: list[InstitutionRow], title: str) -> Table:
    lang = _lang()
    table = Table(title=title)
    for key in (
        "registration_no",
        "name",
        "kind",
        "owner",
        "accreditation",
        "expires",
        "capacity",
        "residents",
        "region",
    ):
        table.add_column(text(f"social.col.{key}", lang), no_wrap=key == "registration_no")
    for r in rows:
        table.add_row(
            r.registration_no,
            r.name,
            text(f"social.kind.{r.kind}", lang),
            text(f"social.owner.{r.owner}", lang),
            r.accreditation or text("social.none", lang),
            fmt_date(r.accreditation_expires, lang) if r.accreditation_expires else "-",
            fmt_number(r.capacity, lang),
            fmt_number(r.residents, lang),
            r.kode_wilayah,
        )
    return table


@lembaga_app.command("daftar")
def list_institutions_command(
    jenis: Annotated[
        str | None,
        typer.Option(help="children, elderly, disability, rehabilitation or other."),
    ] = None,
    per_wilayah: Annotated[
        bool, typer.Option("--per-wilayah", help="Occupancy against capacity per kab/kota.")
    ] = False,
    akreditasi: Annotated[
        bool,
        typer.Option(
            "--akreditasi", help="The accreditation pipeline: expired, expiring, never accredited."
        ),
    ] = False,
    hari: Annotated[
        int, typer.Option(min=1, help="Days ahead an accreditation counts as expiring.")
    ] = EXPIRING_DAYS,
) -> None:
    """Institutions in your region with their residents, occupancy or accreditation."""
    if jenis is not None and jenis not in KINDS:
        fail_with(TerpaduError(tell("social.unknown_kind", kind=jenis, choices=", ".join(KINDS))))

    def work(engine: Engine, actor: Actor) -> None:
        lang = _lang()
        if per_wilayah:
            table = Table(title=text("social.occupancy_title", lang))
            for key in ("region", "kind", "institutions", "capacity", "residents", "occupancy"):
                table.add_column(text(f"social.col.{key}", lang))
            for o in occupancy(engine, region=actor.region):
                if jenis and o.kind != jenis:
                    continue
                table.add_row(
                    o.kode_wilayah,
                    text(f"social.kind.{o.kind}", lang),
                    fmt_number(o.institutions, lang),
                    fmt_number(o.capacity, lang),
                    fmt_number(o.residents, lang),
                    fmt_percent(o.rate, lang, digits=0) if o.rate is not None else "-",
                )
            console.print(table)
            return
        if akreditasi:
            pipeline = accreditation_pipeline(
                engine, region=actor.region, today=dt.date.today(), within_days=hari
            )
            for rows, title in (
                (pipeline.expired, text("social.expired_title", lang, n=len(pipeline.expired))),
                (
                    pipeline.expiring,
                    text("social.expiring_title", lang, days=hari, n=len(pipeline.expiring)),
                ),
                (pipeline.never, text("social.never_title", lang, n=len(pipeline.never))),
            ):
                console.print(_institutions_table(rows, title))
            return
        rows = list_institutions(engine, region=actor.region, kind=jenis)
        console.print(
            _institutions_table(
                rows, text("social.institutions_title", lang, n=fmt_number(len(rows), lang))
            )
        )

    _run("lembaga daftar", work)


Registration = Annotated[
    str, typer.Argument(help="The institution's registration number (NO_REGISTRASI).")
]
Nik = Annotated[str, typer.Option("--nik", help="The resident's NIK, as in the registry.")]


def _day(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise TerpaduError(tell("social.bad_date", value=value)) from None


@lembaga_app.command("terima")
def admit_command(
    lembaga: Registration,
    nik: Nik,
    alasan: Annotated[str, typer.Option(help="Why the person is admitted (e.g. a referral).")],
    tanggal: Annotated[
        str | None, typer.Option(help="Admission date, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Record a registry person's admission to an institution."""

    def work(engine: Engine, actor: Actor) -> None:
        home = institution_id(engine, lembaga, region=actor.region)
        admit(
            engine,
            actor,
            home,
            person_id=person_by_nik(engine, nik),
            admitted_on=_day(tanggal),
            reason=alasan,
        )
        console.print(text("social.admitted", _lang(), institution=lembaga))

    _run("lembaga terima", work)


@lembaga_app.command("pulangkan")
def discharge_command(
    lembaga: Registration,
    nik: Nik,
    alasan: Annotated[
        str, typer.Option(help="Why the resident left (returned home, referred, died...).")
    ],
    tanggal: Annotated[
        str | None, typer.Option(help="Discharge date, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Record a resident's discharge from an institution."""

    def work(engine: Engine, actor: Actor) -> None:
        home = institution_id(engine, lembaga, region=actor.region)
        stay = open_stay(engine, home, person_by_nik(engine, nik))
        discharge(engine, actor, stay, discharged_on=_day(tanggal), reason=alasan)
        console.print(text("social.discharged", _lang(), institution=lembaga))

    _run("lembaga pulangkan", work)


@lembaga_app.command("penghuni")
def residents_command(
    lembaga: Registration,
    semua: Annotated[
        bool, typer.Option("--semua", help="Former residents too, with their discharge.")
    ] = False,
) -> None:
    """The residents of an institution."""

    def work(engine: Engine, actor: Actor) -> None:
        lang = _lang()
        shown = disclosure(actor)
        home = institution_id(engine, lembaga, region=actor.region)
        rows = list_residents(engine, home, current_only=not semua)
        table = Table(
            title=text(
                "social.residents_title", lang, institution=lembaga, n=fmt_number(len(rows), lang)
            )
        )
        for key in ("nik", "name", "admitted", "reason", "discharged"):
            table.add_column(text(f"social.col.{key}", lang), no_wrap=key == "nik")
        for r in rows:
            left = "-"
            if r.discharged_on is not None:
                left = f"{fmt_date(r.discharged_on, lang)} ({r.discharge_reason})"
            table.add_row(
                shown.nik(r.nik) or "-",
                r.name,
                fmt_date(r.admitted_on, lang),
                shown.text(r.admission_reason) or "",
                left,
            )
        console.print(table)

    _run("lembaga penghuni", work)


@sdm_app.command("impor")
def import_workers_command(file: ListFile, errors: Errors = None, sheet: Sheet = None) -> None:
    """Import a workforce list; a NIK already known is updated with its assigned regions."""
    report = _run(
        "sdm impor",
        lambda engine, actor: with_progress(
            "sdm", lambda step: import_workers(engine, actor, file, sheet=sheet, progress=step)
        ),
    )
    print_list_report(report, errors)


def _role(value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        fail_with(TerpaduError(tell("social.unknown_role", role=value, choices=", ".join(allowed))))


@sdm_app.command("daftar")
def list_workers_command(
    peran: Annotated[
        str | None,
        typer.Option(
            help="tksk, sakti_peksos, penyuluh, pendamping_pkh, pendamping_kube, psm, tagana "
            "or karang_taruna."
        ),
    ] = None,
) -> None:
    """Workers assigned in your region: role, certification, regions, open complaints."""
    _role(peran, ROLES)

    def work(engine: Engine, actor: Actor) -> None:
        lang = _lang()
        shown = disclosure(actor)
        rows = list_workers(engine, region=actor.region, role=peran)
        table = Table(title=text("social.workers_title", lang, n=fmt_number(len(rows), lang)))
        for key in ("nik", "name", "role", "certified", "regions", "organisation", "complaints"):
            table.add_column(text(f"social.col.{key}", lang), no_wrap=key == "nik")
        for w in rows:
            certified = text("social.flag_yes" if w.certified else "social.flag_no", lang)
            if w.certified_on is not None:
                certified += f" ({fmt_date(w.certified_on, lang)})"
            table.add_row(
                shown.nik(w.nik),
                w.name,
                text(f"social.role.{w.role}", lang),
                certified,
                ", ".join(w.regions),
                w.organisation or "-",
                fmt_number(w.open_complaints, lang),
            )
        console.print(table)

    _run("sdm daftar", work)


@sdm_app.command("beban")
def caseload_command(
    peran: Annotated[
        str, typer.Option(help="pendamping_pkh (enrolled PKH families) or tksk (open complaints).")
    ] = "pendamping_pkh",
    norma: Annotated[
        str, typer.Option(help="Norms over the defaults, e.g. pendamping_pkh=200,tksk=25.")
    ] = "",
    tingkat: Annotated[
        int, typer.Option(help="Region digits to count over: 4 kab/kota, 6 kecamatan, 10 desa.")
    ] = CASELOAD_DIGITS,
    kurang: Annotated[
        bool, typer.Option("--kurang", help="Only the regions short of staff.")
    ] = False,
) -> None:
    """Caseload per region against the norm, and the regions short of staff."""
    _role(peran, tuple(CASELOAD_NORMS))

    def work(engine: Engine, actor: Actor) -> None:
        lang = _lang()
        norms = parse_norms(norma)
        rows = caseloads(engine, peran, region=actor.region, norms=norms, digits=tingkat)
        role = text(f"social.role.{peran}", lang)
        if kurang:
            rows = short_of_staff(rows)
            if not rows:
                console.print(text("social.none_short", lang))
                return
            title = text("social.short_title", lang, role=role, n=fmt_number(len(rows), lang))
        else:
            title = text("social.caseload_title", lang, role=role, norm=norms[peran])
        table = Table(title=title)
        for key in ("region", "load", "staff", "per_staff", "norm", "needed", "shortfall"):
            table.add_column(text(f"social.col.{key}", lang), justify="right")
        for r in rows:
            table.add_row(
                r.kode_wilayah,
                fmt_number(r.load, lang),
                fmt_number(r.staff, lang),
                fmt_decimal(r.per_staff, lang, digits=1) if r.per_staff is not None else "-",
                fmt_number(r.norm, lang),
                fmt_number(r.needed, lang),
                fmt_number(r.shortfall, lang),
            )
        console.print(table)

    _run("sdm beban", work)
