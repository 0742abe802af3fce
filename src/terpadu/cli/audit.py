"""Audit log commands: ``terpadu audit verify|export|head|anchor``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from terpadu.access import disclosure
from terpadu.audit import export_events, verify_chain
from terpadu.audit.anchor import (
    Anchor,
    AnchorUnreadable,
    AuditKeyMissing,
    anchor_files,
    current_anchor,
    latest,
    load_key,
    read_anchor,
    write_anchor,
)
from terpadu.audit.export import events_as_seen
from terpadu.audit.log import chain_head
from terpadu.cli.account import current_actor
from terpadu.cli.common import console, fail, num, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.engine.snapshot import MANIFEST
from terpadu.errors import TerpaduError
from terpadu.files import TableFormatError, write_table
from terpadu.regions import RegionCodeError, normalize_code
from terpadu.reports.personal import checked_purpose, record_personal_export
from terpadu.settings import Settings, get_settings

audit_app = typer.Typer(
    name="audit", help="The audit log: verify the hash chain, export events.", no_args_is_help=True
)


def _key(settings: Settings, required: bool) -> bytes | None:
    try:
        return load_key(settings.audit_key, settings.audit_key_file)
    except AuditKeyMissing as exc:
        if required or exc.code != "audit_key_missing":
            fail_with(exc)
        return None


def _anchors(settings: Settings, given: list[Path]) -> list[tuple[str, Anchor]]:
    """The latest anchor of the anchors folder, every edition manifest's, and those given."""
    found: list[tuple[str, Anchor]] = []
    try:
        kept = [(str(p), read_anchor(p)) for p in anchor_files(settings.anchors_dir)]
        newest = latest(kept)
        if newest is not None:
            found.append(newest)
        editions = settings.editions_dir
        manifests = sorted(editions.glob(f"*/{MANIFEST}")) if editions.is_dir() else []
        for manifest in manifests:
            if '"audit_anchor"' in manifest.read_text(encoding="utf-8", errors="replace"):
                found.append(
                    (tell("edition.named", period=manifest.parent.name), read_anchor(manifest))
                )
        found.extend((str(p), read_anchor(p)) for p in given)
    except AnchorUnreadable as exc:
        fail_with(exc)
    return found


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[
        list[Path] | None,
        typer.Option(
            "--anchor",
            exists=True,
            dir_okay=False,
            help="Also check against this anchor file (or edition manifest); repeatable.",
        ),
    ] = None,
) -> None:
    """Recompute the hash chain; name every altered, inserted or deleted event, and check the
    chain against the latest anchor kept outside the database (a rewound tail is caught)."""
    settings = get_settings()
    anchors = _anchors(settings, list(anchor or []))
    key = _key(settings, required=False)
    report = verify_chain(open_engine(), anchors, key)
    if anchors and key is None:
        console.print(f"[yellow]{tell('warning')}:[/] {tell('audit.no_key')}")
    unsigned = [origin for origin, a in anchors if a.signature is None]
    if unsigned and key is not None:
        console.print(
            f"[yellow]{tell('note')}:[/] "
            + tell("audit.unsigned", n=num(len(unsigned)), anchors=", ".join(unsigned))
        )
    if report.ok:
        console.print(
            tell(
                "audit.intact",
                n=num(report.checked),
                head=report.head_id,
                hash=report.head_hash[:16],
            )
        )
        if report.anchors_checked:
            console.print(tell("audit.anchors_match", n=num(len(report.anchors_checked))))
            for origin in report.anchors_checked:
                console.print(f"  {origin}")
        else:
            console.print(tell("audit.no_anchor"))
        return
    table = Table(title=tell("audit.damaged"))
    for column in ("event", "problem", "detail"):
        table.add_column(tell(f"audit.col.{column}"))
    for p in report.problems:
        table.add_row(f"#{p.event_id}", tell(f"audit.problem.{p.kind}"), p.message)
    console.print(table)
    fail(tell("audit.problems", n=num(len(report.problems)), checked=num(report.checked)))


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
        fail_with(exc)
    # Before/after values hold NIKs, birth dates, mothers' names: masked roles see them masked.
    frame = events_as_seen(frame, disclosure(actor))
    if out is None:
        table = Table(title=tell("audit.events_title", n=num(frame.height)))
        for column in ("id", "time", "actor", "action", "entity", "region"):
            table.add_column(tell(f"audit.col.{column}"))
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
        fail_with(exc)
    console.print(tell("audit.written", n=num(frame.height), path=out))


@audit_app.command("head")
def audit_head() -> None:
    """Print the chain head (last event id and hash) to note down outside the system."""
    engine = open_engine()
    with engine.connect() as conn:
        last_id, last_hash = chain_head(conn)
    console.print(f"{last_id} {last_hash}")


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Write a signed checkpoint of the chain head (event count, head hash, time) to the
    anchors folder and print it, to keep elsewhere too."""
    settings = get_settings()
    key = _key(settings, required=True)
    with open_engine().connect() as conn:
        anchor = current_anchor(conn, key)
    path = write_anchor(anchor, settings.anchors_dir)
    console.print(tell("audit.anchor_written", path=path, n=num(anchor.event_count)))
    console.print(tell("audit.anchor_keep"))
    # Printed plain, without markup, so it can be copied as it is.
    print(anchor.text())


__all__ = ["audit_app"]
