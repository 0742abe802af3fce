"""Registry edition commands: ``terpadu edition publish|list|verify|diff``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from terpadu.access import disclosure
from terpadu.audit.anchor import AuditKeyMissing, load_key
from terpadu.cli.account import current_actor
from terpadu.cli.common import console, language, num, open_engine, tell, when
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.editions import list_editions, open_edition, publish_edition
from terpadu.engine.snapshot import SnapshotDamaged
from terpadu.errors import TerpaduError
from terpadu.files import TableFormatError, write_table
from terpadu.locale import has_text, text
from terpadu.settings import get_settings
from terpadu.verval.diff import diff_as_seen, diff_editions

edition_app = typer.Typer(
    name="edition", help="Registry editions: publish, list, verify, compare.", no_args_is_help=True
)


@edition_app.command("publish")
def publish(
    period: Annotated[str, typer.Option("--period", help="2026-11, 2026-Q4 or 2026.")],
    note: Annotated[str | None, typer.Option(help="E.g. the decree number.")] = None,
) -> None:
    """Freeze the registry as the edition of a period (once; it cannot be changed).

    Runs as the logged-in account (an admin provinsi), recorded as the publisher.
    """
    engine = open_engine()
    actor = current_actor(engine, "edition publish")
    settings = get_settings()
    try:
        key: bytes | None = load_key(settings.audit_key, settings.audit_key_file)
    except AuditKeyMissing as exc:
        if exc.code != "audit_key_missing":
            fail_with(exc)
        key = None
        console.print(f"[yellow]{tell('warning')}:[/] {tell('edition.unsigned')}")
    try:
        actor.require("publish", doing="publish_edition")
        with progress_bar("edition publish", 2) as step:
            info = publish_edition(
                engine,
                period,
                editions_dir=settings.editions_dir,
                actor=actor,
                note=note,
                audit_key=key,
                progress=step,
            )
    except TerpaduError as exc:
        fail_with(exc)
    counts = ", ".join(
        f"{tell(f'edition.table.{k}') if has_text(f'console.edition.table.{k}') else k} {num(v)}"
        for k, v in info.row_counts.items()
    )
    console.print(tell("edition.published", period=info.period, path=info.path, counts=counts))
    console.print(f"  sha256 manifest: {info.manifest_sha256}")


@edition_app.command("list")
def list_editions_command() -> None:
    """List published editions."""
    table = Table(title=tell("edition.title"))
    for column in ("period", "published_utc", "by", "families", "members", "folder"):
        table.add_column(tell(f"edition.col.{column}"))
    for e in list_editions(open_engine()):
        table.add_row(
            e.period,
            when(e.published_at),
            e.published_by,
            f"{num(e.row_counts.get('families', 0))}",
            f"{num(e.row_counts.get('persons', 0))}",
            str(e.path),
        )
    console.print(table)


@edition_app.command("verify")
def verify_edition_command(period: Annotated[str, typer.Argument(help="The period.")]) -> None:
    """Check an edition's files against its manifest and the catalogue."""
    try:
        open_edition(open_engine(), period)
    except (TerpaduError, SnapshotDamaged) as exc:
        fail_with(exc)
    console.print(tell("edition.intact", period=period))


@edition_app.command("diff")
def diff(
    period_a: Annotated[str, typer.Argument(help="The earlier edition.")],
    period_b: Annotated[str, typer.Argument(help="The later edition.")],
    out: Annotated[Path | None, typer.Option(help="Write every row to .csv or .xlsx.")] = None,
) -> None:
    """Families and persons added, removed and changed between two editions, with reasons."""
    engine = open_engine()
    actor = current_actor(engine, "edition diff")
    try:
        frame = diff_editions(engine, period_a, period_b, language())
    except (TerpaduError, SnapshotDamaged) as exc:
        fail_with(exc)
    # Within the reader's region; the details of a change (old and new values) as its role
    # may see them.
    if actor.region is not None:
        frame = frame.filter(pl.col("KODE_WILAYAH").str.starts_with(actor.region))
    frame = diff_as_seen(frame, disclosure(actor))
    lang = language()
    table = Table(title=tell("edition.diff_title", a=period_a, b=period_b, n=num(frame.height)))
    for column in ("entity", "id", "change", "columns", "reason"):
        table.add_column(tell(f"edition.col.{column}"), no_wrap=column in ("id", "change"))
    for r in frame.head(200).iter_rows(named=True):
        table.add_row(
            text(f"pages.diff_entity_{r['ENTITAS']}", lang),
            r["ID"],
            text(f"pages.diff_change_{r['PERUBAHAN']}", lang),
            r["KOLOM"] or "",
            r["ALASAN"],
        )
    console.print(table)
    if frame.height > 200 and out is None:
        console.print(tell("edition.use_out"))
    if out is not None:
        try:
            write_table(frame, out, sheet="perubahan")
        except TableFormatError as exc:
            fail_with(exc)
        console.print(tell("edition.diff_written", path=out))


__all__ = ["edition_app"]
