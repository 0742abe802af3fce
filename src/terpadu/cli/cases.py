"""``terpadu kasus``: PPKS case management at the SLRT front office and by caseworkers.

Each command is one step of a case (buka, asesmen, rencana, layanan, evaluasi, tutup)
taken as the logged-in account, plus the case list, one case, a person's history and the
overdue reviews. Cases are named by their number (KAS-3604-000123). The words come from
the locale catalogue (``cases.yaml``).
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
from terpadu.cli.common import console, open_engine
from terpadu.cli.errors import fail_with
from terpadu.errors import TerpaduError
from terpadu.locale import fmt_date, fmt_number, text
from terpadu.services.case_codes import CaseError
from terpadu.services.case_reads import (
    CaseRow,
    case_detail,
    case_id,
    list_cases,
    overdue_reviews,
    person_history,
)
from terpadu.services.cases import (
    CaseClock,
    PlannedItem,
    Subject,
    assess,
    close_case,
    give_service,
    open_case,
    plan,
    review,
)
from terpadu.services.reads import complaint_id
from terpadu.settings import get_settings

kasus_app = typer.Typer(
    name="kasus",
    help="PPKS cases: open, assess, plan, record services, review, close.",
    no_args_is_help=True,
)
T = TypeVar("T")


def _lang() -> str:
    return get_settings().language


def _run(command: str, work: Callable[[Engine, Actor, CaseClock], T]) -> T:
    """Open the database, act as the logged-in account, and turn domain errors into words."""
    engine = open_engine()
    actor = current_user(engine, f"kasus {command}").actor
    try:
        return work(engine, actor, CaseClock.from_settings(get_settings()))
    except TerpaduError as exc:
        fail_with(exc)


def _moved(number: str, state: str) -> None:
    lang = _lang()
    console.print(
        text("cases.moved", lang, number=number, state=text(f"cases.state.{state}", lang))
    )


def _day(value: str | None, what: str) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CaseError(f"{what} '{value}' bukan tanggal; tulis misalnya 2026-12-31.") from None


Number = Annotated[str, typer.Argument(help="Case number, e.g. KAS-3604-000123.")]
Note = Annotated[str | None, typer.Option("--catatan", help="A note on this step.")]


@kasus_app.command("buka")
def open_command(
    kategori: Annotated[list[str], typer.Option(help="PPKS category code, 01 to 26 (may repeat).")],
    pekerja: Annotated[str, typer.Option(help="The caseworker's account.")],
    orang: Annotated[
        int | None, typer.Option(help="The person's number in the registry, if registered.")
    ] = None,
    nama: Annotated[str | None, typer.Option(help="Name of a person not yet registered.")] = None,
    nik: Annotated[
        str | None, typer.Option(help="The person's NIK (matched to the registry).")
    ] = None,
    alamat: Annotated[str | None, typer.Option(help="The person's address.")] = None,
    wilayah: Annotated[
        str | None, typer.Option(help="Village code (10 digits) of a person not yet registered.")
    ] = None,
    pengaduan: Annotated[
        str | None, typer.Option(help="Tracking code of the complaint the case comes from.")
    ] = None,
    catatan: Note = None,
) -> None:
    """Open a case for a person; prints the case number."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        complaint = complaint_id(engine, pengaduan, region=actor.region) if pengaduan else None
        ident = open_case(
            engine,
            actor,
            Subject(orang, nama, nik, alamat, wilayah),
            categories=kategori,
            caseworker=pekerja,
            complaint_id=complaint,
            note=catatan,
            clock=clock,
        )
        detail = case_detail(engine, actor, ident, now=clock.when)
        console.print(text("cases.opened", _lang(), number=detail.row.number, caseworker=pekerja))

    _run("buka", work)


@kasus_app.command("asesmen")
def assess_command(
    nomor: Number,
    kebutuhan: Annotated[str, typer.Option(help="The person's needs.")],
    risiko: Annotated[str | None, typer.Option(help="Risks seen.")] = None,
    kekuatan: Annotated[str | None, typer.Option(help="Strengths to build on.")] = None,
    tinggal: Annotated[
        str | None, typer.Option(help="with_family, alone, institution, street or other.")
    ] = None,
    tingkat: Annotated[str | None, typer.Option(help="Risk level: low, medium or high.")] = None,
) -> None:
    """Record the assessment (or a reassessment after a review)."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        assess(
            engine,
            actor,
            case_id(engine, actor, nomor),
            needs=kebutuhan,
            risks=risiko,
            strengths=kekuatan,
            living=tinggal,
            risk_level=tingkat,
            clock=clock,
        )
        _moved(nomor, "assessed")

    _run("asesmen", work)


def _planned(item: str) -> PlannedItem:
    code, _, dates = item.partition(":")
    start, _, end = dates.partition(":")
    starts = _day(start, "Tanggal mulai")
    if not code.strip() or starts is None:
        raise CaseError(
            f"--layanan '{item}' harus berbentuk jenis:mulai[:selesai], "
            "mis. hidup_layak:2026-12-01:2026-12-31."
        )
    return PlannedItem(code.strip(), starts, _day(end, "Tanggal selesai"))


@kasus_app.command("rencana")
def plan_command(
    nomor: Number,
    tujuan: Annotated[str, typer.Option(help="The plan's goals.")],
    layanan: Annotated[
        list[str],
        typer.Option(
            help="Planned service as atensi:start[:end], e.g. terapi:2026-12-01 (may repeat)."
        ),
    ],
    evaluasi: Annotated[
        str | None, typer.Option(help="Date of the first review (default: 20 working days).")
    ] = None,
) -> None:
    """Record the case plan: goals, planned ATENSI services and the first review."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        plan(
            engine,
            actor,
            case_id(engine, actor, nomor),
            goals=tujuan,
            services=[_planned(item) for item in layanan],
            next_review=_day(evaluasi, "Tanggal evaluasi"),
            clock=clock,
        )
        _moved(nomor, "planned")

    _run("rencana", work)


@kasus_app.command("layanan")
def service_command(
    nomor: Number,
    jenis: Annotated[str, typer.Option(help="ATENSI service code, e.g. hidup_layak.")],
    tanggal: Annotated[str, typer.Option(help="Date the service was given (YYYY-MM-DD).")],
    lembaga: Annotated[
        int | None, typer.Option(help="Number of the institution (LKS/panti) that gave it.")
    ] = None,
    pemberi: Annotated[str | None, typer.Option(help="Who gave it, in words.")] = None,
    catatan: Note = None,
) -> None:
    """Record a service given."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        given = _day(tanggal, "Tanggal layanan")
        assert given is not None  # a required option is never empty here
        give_service(
            engine,
            actor,
            case_id(engine, actor, nomor),
            atensi=jenis,
            given_on=given,
            institution_id=lembaga,
            provider=pemberi,
            note=catatan,
            clock=clock,
        )
        _moved(nomor, "in_service")

    _run("layanan", work)


@kasus_app.command("evaluasi")
def review_command(
    nomor: Number,
    perkembangan: Annotated[str, typer.Option(help="The progress seen.")],
    berikut: Annotated[
        str | None, typer.Option(help="Date of the next review (default: 20 working days).")
    ] = None,
) -> None:
    """Record a periodic review and when the next is due."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        review(
            engine,
            actor,
            case_id(engine, actor, nomor),
            progress=perkembangan,
            next_review=_day(berikut, "Tanggal evaluasi berikut"),
            clock=clock,
        )
        _moved(nomor, "reviewed")

    _run("evaluasi", work)


@kasus_app.command("tutup")
def close_command(
    nomor: Number,
    alasan: Annotated[
        str,
        typer.Option(help="goals_met, referred, moved, died, refused, lost_contact or other."),
    ],
    catatan: Note = None,
) -> None:
    """Close the case with its reason."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        close_case(
            engine, actor, case_id(engine, actor, nomor), reason=alasan, note=catatan, clock=clock
        )
        _moved(nomor, "closed")

    _run("tutup", work)


def _table(rows: list[CaseRow], title: str) -> Table:
    lang = _lang()
    table = Table(title=title)
    for key in ("number", "person", "ppks", "state", "region", "caseworker", "review", "late"):
        table.add_column(text(f"cases.col_{key}", lang), no_wrap=key in ("number", "region"))
    for r in rows:
        table.add_row(
            r.number,
            r.subject_name,
            ", ".join(r.categories),
            text(f"cases.state.{r.state}", lang),
            r.kode_wilayah,
            r.caseworker,
            fmt_date(r.review_due, lang),
            fmt_number(r.days_late, lang),
        )
    return table


@kasus_app.command("daftar")
def list_command(
    status: Annotated[str | None, typer.Option(help="Only cases in this state.")] = None,
    kategori: Annotated[str | None, typer.Option(help="Only this PPKS category.")] = None,
    pekerja: Annotated[str | None, typer.Option(help="Only this caseworker's cases.")] = None,
    nama: Annotated[str | None, typer.Option(help="Part of the person's name.")] = None,
    semua: Annotated[bool, typer.Option("--semua", help="Closed cases too.")] = False,
    batas: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
) -> None:
    """Cases you may read, the most overdue review first."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        lang = _lang()
        rows, total = list_cases(
            engine,
            actor,
            now=clock.when,
            calendar=clock.calendar,
            state=status,
            category=kategori.zfill(2) if kategori else None,
            caseworker=pekerja,
            name=nama,
            open_only=not semua,
            limit=batas,
        )
        console.print(_table(rows, text("cases.open_title", lang, n=fmt_number(total, lang))))

    _run("daftar", work)


@kasus_app.command("terlambat")
def overdue_command() -> None:
    """Open cases past their review date, the most late first."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        lang = _lang()
        late = overdue_reviews(engine, actor, now=clock.when, calendar=clock.calendar)
        if not late:
            console.print(text("cases.none_overdue", lang))
            return
        console.print(
            _table(late, text("cases.overdue_title", lang, n=fmt_number(len(late), lang)))
        )

    _run("terlambat", work)


def _lines(title: str, rows: list[dict[str, Any]], *names: str) -> None:
    if not rows:
        return
    console.print(f"[bold]{title}[/bold]")
    for row in rows:
        console.print("  " + " · ".join(str(row[n]) for n in names if row.get(n) not in (None, "")))


@kasus_app.command("lihat")
def show_command(nomor: Number) -> None:
    """One case with its assessments, plans, services, reviews and steps."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        lang = _lang()
        d = case_detail(engine, actor, case_id(engine, actor, nomor), now=clock.when)
        r = d.row
        console.print(f"[bold]{text('cases.detail_title', lang, number=r.number)}[/bold]")
        console.print(
            f"{r.subject_name} · {d.subject_nik or '-'} · {r.kode_wilayah} · "
            f"{text(f'cases.state.{r.state}', lang)} · {r.caseworker}"
        )
        for code in r.categories:
            console.print(f"  {code} {text(f'cases.ppks.{code}', lang)}")
        _lines(text("cases.assessment", lang), d.assessments, "assessed_at", "needs", "risks")
        for p in d.plans:
            console.print(f"[bold]{text('cases.plan', lang)}[/bold] {p['goals']}")
            for s in p["services"]:
                console.print(
                    f"  {text('cases.atensi.' + s['atensi'], lang)} {s['starts_on']}"
                    f"{' – ' + str(s['ends_on']) if s['ends_on'] else ''}"
                )
        _lines(text("cases.services_given", lang), d.services, "given_on", "atensi", "provider")
        _lines(text("cases.reviews", lang), d.reviews, "reviewed_on", "progress")
        _lines(text("cases.steps", lang), d.steps, "at", "to_state", "actor", "note")
        if d.closure_reason:
            console.print(text(f"cases.closure.{d.closure_reason}", lang))

    _run("lihat", work)


@kasus_app.command("riwayat")
def history_command(
    orang: Annotated[int | None, typer.Option(help="The person's number in the registry.")] = None,
    nik: Annotated[str | None, typer.Option(help="The person's NIK.")] = None,
) -> None:
    """A person's cases and complaints, newest first."""

    def work(engine: Engine, actor: Actor, clock: CaseClock) -> None:
        lang = _lang()
        entries = person_history(engine, actor, person_id=orang, nik=nik)
        if not entries:
            console.print(text("cases.no_history", lang))
            return
        table = Table()
        for key in ("kind", "number", "state", "region", "date", "ppks"):
            table.add_column(text(f"cases.col_{key}", lang), no_wrap=key == "number")
        for e in entries:
            area = "cases" if e.kind == "case" else "services"
            table.add_row(
                text(f"cases.kind_{e.kind}", lang),
                e.reference,
                text(f"{area}.state.{e.state}", lang),
                e.kode_wilayah,
                fmt_date(e.opened_at, lang),
                e.summary if e.kind == "case" else text(f"services.category.{e.summary}", lang),
            )
        console.print(table)

    _run("riwayat", work)
