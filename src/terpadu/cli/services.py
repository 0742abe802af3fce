"""``terpadu pengaduan``: complaints at the SLRT front office or the village Puskesos.

Each command is one step of the service flow (terima, periksa, kunjungi, putuskan,
rujuk, jawab-rujukan, usulkan, tutup) taken as the logged-in account, plus the open list,
the overdue list and the import of the office's complaints log (``impor``). The words
come from the locale catalogue (``services.yaml``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table
from sqlalchemy import Engine

from terpadu.access import Actor
from terpadu.cli.account import current_user
from terpadu.cli.common import console, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.cli.list_import import Errors, ListFile, Sheet, print_list_report, with_progress
from terpadu.errors import TerpaduError
from terpadu.locale import fmt_date, fmt_number, text
from terpadu.registry import resolve_family
from terpadu.services import (
    Clock,
    ServiceLevels,
    answer_referral,
    calendar_from,
    check_registry,
    close,
    decide,
    overdue,
    propose,
    receive,
    record_visit,
    refer,
)
from terpadu.services.complaint_log import import_complaints
from terpadu.services.reads import complaint_id, list_complaints
from terpadu.settings import get_settings

pengaduan_app = typer.Typer(
    name="pengaduan",
    help="SLRT/Puskesos complaints: receive, check, visit, decide, refer, close.",
    no_args_is_help=True,
)
T = TypeVar("T")


def _lang() -> str:
    return get_settings().language


def _clock() -> Clock:
    settings = get_settings()
    return Clock(
        calendar=calendar_from(settings.holidays_file),
        levels=ServiceLevels.parse(settings.complaint_sla),
    )


def _run(command: str, work: Callable[[Engine, Actor, Clock], T]) -> T:
    """Open the database, act as the logged-in account, and turn domain errors into words."""
    engine = open_engine()
    actor = current_user(engine, f"pengaduan {command}").actor
    try:
        return work(engine, actor, _clock())
    except TerpaduError as exc:
        fail_with(exc)


def _moved(engine: Engine, tracking: str, state: str) -> None:
    lang = _lang()
    console.print(
        text("services.moved", lang, tracking=tracking, state=text(f"services.state.{state}", lang))
    )


Tracking = Annotated[str, typer.Argument(help="Tracking code, e.g. ADU-3604-K7Q2M9.")]
Note = Annotated[str | None, typer.Option("--catatan", help="A note on this step.")]


@pengaduan_app.command("terima")
def receive_command(
    kategori: Annotated[
        str,
        typer.Option(help="exclusion, inclusion, wrong_data, payment, help or other."),
    ],
    wilayah: Annotated[str, typer.Option(help="The complainant's village code (10 digits).")],
    pelapor: Annotated[str, typer.Option(help="The complainant's name.")],
    uraian: Annotated[str, typer.Option(help="What the complaint says.")],
    saluran: Annotated[
        str,
        typer.Option(
            help="walk_in, village, facilitator, phone, letter, citizen_web, social_media."
        ),
    ] = "walk_in",
    kontak: Annotated[str | None, typer.Option(help="The complainant's phone or address.")] = None,
    sasaran: Annotated[
        str | None, typer.Option(help="Name of the person the complaint is about or proposes.")
    ] = None,
) -> None:
    """Receive a new complaint; prints the tracking code and the next step's deadline."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        receipt = receive(
            engine,
            actor,
            category=kategori,
            channel=saluran,
            kode_wilayah=wilayah,
            complainant_name=pelapor,
            description=uraian,
            complainant_contact=kontak,
            subject_name=sasaran,
            calendar=clock.calendar,
            levels=clock.levels,
        )
        lang = _lang()
        console.print(
            text(
                "services.received",
                lang,
                tracking=receipt.tracking,
                due=fmt_date(receipt.due_at, lang),
            )
        )

    _run("terima", work)


@pengaduan_app.command("periksa")
def check_command(
    kode: Tracking,
    keluarga: Annotated[
        str | None,
        typer.Option(
            help="FAMILY_ID or ID_KELUARGA of the family in the registry (empty: not registered)."
        ),
    ] = None,
    catatan: Note = None,
) -> None:
    """Record the registry check: the family concerned, or not registered."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        ident = complaint_id(engine, kode, region=actor.region)
        family = None
        if keluarga:
            family = resolve_family(engine, current_user(engine, "pengaduan periksa"), keluarga)
            if family is None:
                raise TerpaduError(tell("services.family_not_found", family=keluarga))
        check_registry(engine, actor, ident, family_id=family, note=catatan, clock=clock)
        _moved(engine, kode, "checked")

    _run("periksa", work)


@pengaduan_app.command("kunjungi")
def visit_command(
    kode: Tracking,
    catatan: Annotated[str, typer.Option("--catatan", help="The home visit's findings.")],
) -> None:
    """Record the home visit's findings."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        record_visit(
            engine,
            actor,
            complaint_id(engine, kode, region=actor.region),
            note=catatan,
            clock=clock,
        )
        _moved(engine, kode, "visited")

    _run("kunjungi", work)


@pengaduan_app.command("putuskan")
def decide_command(
    kode: Tracking,
    keputusan: Annotated[
        str, typer.Option(help="no_change, payment_followed_up, help_given or not_eligible.")
    ],
    catatan: Note = None,
    pembayaran: Annotated[
        str | None,
        typer.Option(help="The payment reconciliation row it concerns (zero-balance complaints)."),
    ] = None,
) -> None:
    """Decide the complaint (for a registry change use 'terpadu pengaduan usulkan')."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        ident = complaint_id(engine, kode, region=actor.region)
        decide(
            engine,
            actor,
            ident,
            outcome=keputusan,
            note=catatan,
            payment_ref=pembayaran,
            clock=clock,
        )
        _moved(engine, kode, "decided")

    _run("putuskan", work)


@pengaduan_app.command("usulkan")
def propose_command(
    kode: Tracking,
    isian: Annotated[
        list[str] | None,
        typer.Option(
            "--isian", help="Field=value for the proposal (may repeat), e.g. alamat='Kp. Baru'."
        ),
    ] = None,
    alasan: Annotated[
        str | None, typer.Option(help="Deactivation reason (inclusion complaints).")
    ] = None,
    catatan: Note = None,
) -> None:
    """Turn the complaint into its registry proposal (correction, new family, deactivation) and decide it."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        values: dict[str, Any] = {}
        for item in isian or []:
            field, sep, value = item.partition("=")
            if not sep or not field.strip():
                raise TerpaduError(tell("services.set_form", item=item))
            values[field.strip()] = value.strip()
        ident = complaint_id(engine, kode, region=actor.region)
        proposal = propose(
            engine, actor, ident, values=values or None, reason=alasan, note=catatan, clock=clock
        )
        console.print(text("services.proposal_made", _lang(), tracking=kode, proposal=proposal))

    _run("usulkan", work)


@pengaduan_app.command("rujuk")
def refer_command(
    kode: Tracking,
    layanan: Annotated[
        str, typer.Option(help="health, education, civil_registry, other_office or institution.")
    ],
    lembaga: Annotated[str, typer.Option(help="Name of the receiving institution.")],
    catatan: Note = None,
) -> None:
    """Refer the complaint to another service (a complaint may hold several referrals)."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        ident = complaint_id(engine, kode, region=actor.region)
        referral = refer(
            engine, actor, ident, service=layanan, institution=lembaga, note=catatan, clock=clock
        )
        console.print(
            text("services.referral_made", _lang(), referral=referral, institution=lembaga)
        )

    _run("rujuk", work)


@pengaduan_app.command("jawab-rujukan")
def answer_command(
    rujukan: Annotated[int, typer.Argument(help="Referral number.")],
    jawaban: Annotated[str, typer.Option(help="The receiving institution's answer.")],
    ditolak: Annotated[bool, typer.Option("--ditolak", help="The referral was refused.")] = False,
) -> None:
    """Record the institution's answer to a referral."""
    _run(
        "jawab-rujukan",
        lambda engine, actor, _clock: answer_referral(
            engine, actor, rujukan, answer=jawaban, refused=ditolak
        ),
    )
    console.print(
        text("services.referral_status." + ("refused" if ditolak else "answered"), _lang())
    )


@pengaduan_app.command("tutup")
def close_command(
    kode: Tracking,
    cara: Annotated[str, typer.Option(help="How the complainant was told the outcome.")],
) -> None:
    """Close the complaint once the complainant has been told the outcome."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        close(
            engine,
            actor,
            complaint_id(engine, kode, region=actor.region),
            told_how=cara,
            clock=clock,
        )
        _moved(engine, kode, "closed")

    _run("tutup", work)


def _table(rows: list[Any], title: str) -> Table:
    lang = _lang()
    table = Table(title=title)
    for key in ("tracking", "category", "state", "region", "due", "late", "assigned"):
        # Codes are copied and read out over the phone: never broken over two lines.
        table.add_column(text(f"services.col_{key}", lang), no_wrap=key in ("tracking", "region"))
    for r in rows:
        table.add_row(
            r.tracking,
            text(f"services.category.{r.category}", lang),
            text(f"services.state.{r.state}", lang),
            r.kode_wilayah,
            fmt_date(r.due_at, lang),
            fmt_number(r.days_late, lang),
            r.assigned_to or "-",
        )
    return table


@pengaduan_app.command("daftar")
def list_command(
    terlambat: Annotated[
        bool, typer.Option("--terlambat", help="Only those past their deadline.")
    ] = False,
    batas: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
) -> None:
    """Open complaints in your region, nearest deadline first."""

    def work(engine: Engine, actor: Actor, clock: Clock) -> None:
        now = dt.datetime.now(dt.UTC)
        lang = _lang()
        if terlambat:
            late = overdue(engine, now=now, calendar=clock.calendar, region=actor.region)
            if not late:
                console.print(text("services.none_overdue", lang))
                return
            console.print(
                _table(
                    late[:batas],
                    text("services.overdue_title", lang, n=fmt_number(len(late), lang)),
                )
            )
            return
        rows, total = list_complaints(
            engine, region=actor.region, now=now, calendar=clock.calendar, limit=batas
        )
        console.print(_table(rows, text("services.open_title", lang, n=fmt_number(total, lang))))

    _run("daftar", work)


@pengaduan_app.command("impor")
def import_command(file: ListFile, errors: Errors = None, sheet: Sheet = None) -> None:
    """Import the office's complaints log; a number already in Terpadu is left as it is."""
    report = _run(
        "impor",
        lambda engine, actor, clock: with_progress(
            "pengaduan",
            lambda step: import_complaints(
                engine, actor, file, sheet=sheet, clock=clock, progress=step
            ),
        ),
    )
    print_list_report(report, errors)
