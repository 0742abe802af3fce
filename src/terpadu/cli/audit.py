"""Audit log commands: ``terpadu audit verify|export|head``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from terpadu.audit import export_events, verify_chain
from terpadu.audit.log import chain_head
from terpadu.cli.account import current_actor
from terpadu.cli.common import console, fail, open_engine
from terpadu.cli.errors import fail_with
from terpadu.errors import TerpaduError
from terpadu.files import TableFormatError, write_table
from terpadu.regions import RegionCodeError, normalize_code
from terpadu.reports.personal import checked_purpose, record_personal_export

audit_app = typer.Typer(
    name="audit", help="The audit log: verify the hash chain, export events.", no_args_is_help=True
)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; name every altered, inserted or deleted event."""
    report = verify_chain(open_engine())
    if report.ok:
        console.print(
            f"Log audit utuh: {report.checked:,} event, kepala rantai #{report.head_id} "
            f"{report.head_hash[:16]}…"
        )
        return
    table = Table(title="Log audit RUSAK")
    for column in ("Event", "Masalah", "Keterangan"):
        table.add_column(column)
    labels = {
        "altered": "diubah",
        "inserted": "disisipkan",
        "deleted": "dihapus",
        "broken_link": "rantai putus",
    }
    for p in report.problems:
        table.add_row(f"#{p.event_id}", labels[p.kind], p.message)
    console.print(table)
    fail(f"{len(report.problems)} masalah pada log audit ({report.checked:,} event diperiksa).")


@audit_app.command("export")
def audit_export(
    region: Annotated[str | None, typer.Option("--region", help="Region code (and below).")] = None,
    start: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (UTC).")
    ] = None,
    end: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (UTC).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write to .csv or .xlsx.")] = None,
    purpose: Annotated[
        str | None,
        typer.Option("--purpose", help="Why the events are taken (needed with --out; audited)."),
    ] = None,
) -> None:
    """Give an auditor the events of a region and period (with their hashes).

    Runs as the logged-in account, within its region; the events' before/after values hold
    personal data, so a file needs a purpose and is itself audited.
    """
    engine = open_engine()
    actor = current_actor(engine, "audit export")
    try:
        if region is not None:
            actor.require_region(normalize_code(region))
        reason = checked_purpose(purpose) if out is not None else None
    except (TerpaduError, RegionCodeError) as exc:
        fail_with(exc)
    try:
        frame = export_events(
            engine,
            region=region or actor.region,
            start=start.date() if start else None,
            end=end.date() if end else None,
        )
    except ValueError as exc:
        fail(str(exc))
    if out is None:
        table = Table(title=f"Event audit ({frame.height:,})")
        for column in ("ID", "Waktu (UTC)", "Pelaku", "Aksi", "Entitas", "Wilayah"):
            table.add_column(column)
        for r in frame.iter_rows(named=True):
            table.add_row(
                str(r["EVENT_ID"]),
                r["WAKTU_UTC"],
                r["PELAKU"],
                r["AKSI"],
                f"{r['ENTITAS']} {r['ID_ENTITAS'] or ''}",
                r["KODE_WILAYAH"] or "",
            )
        console.print(table)
        return
    assert reason is not None
    record_personal_export(
        engine, actor, what="audit", rows=frame.height, purpose=reason, destination=str(out)
    )
    try:
        write_table(frame, out, sheet="audit")
    except TableFormatError as exc:
        fail(str(exc))
    console.print(f"{frame.height:,} event ditulis ke {out}")


@audit_app.command("head")
def audit_head() -> None:
    """Print the chain head (last event id and hash) to note down outside the system."""
    engine = open_engine()
    with engine.connect() as conn:
        last_id, last_hash = chain_head(conn)
    console.print(f"{last_id} {last_hash}")


__all__ = ["audit_app"]
