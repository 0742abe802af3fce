"""Kept data commands: ``terpadu data purge`` (the retention of batch content)."""

from __future__ import annotations

from typing import Annotated

import typer

from terpadu.access import ADMIN_PROVINSI
from terpadu.cli.account import current_actor
from terpadu.cli.common import console, num, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.errors import TerpaduError
from terpadu.retention import purge_kept_data
from terpadu.settings import get_settings

data_app = typer.Typer(
    name="data", help="Kept data: remove batch content past its retention.", no_args_is_help=True
)


@data_app.command("purge")
def purge(
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=1, help="Keep this many days (default: TERPADU_BATCH_RETENTION_DAYS)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only report what would be removed.")
    ] = False,
) -> None:
    """Empty the rejected rows of old batches and remove old web problem lists; audited."""
    engine = open_engine()
    actor = current_actor(engine, "data purge")
    try:
        actor.require_role(ADMIN_PROVINSI, doing="purge_kept_data")
    except TerpaduError as exc:
        fail_with(exc)
    settings = get_settings()
    keep = days or settings.batch_retention_days
    report = purge_kept_data(
        engine,
        days=keep,
        web_imports_dir=settings.web_imports_dir,
        scratch_dir=settings.scratch_dir,
        actor=actor,
        dry_run=dry_run,
    )
    console.print(
        tell(
            "retention.dry_run" if dry_run else "retention.done",
            days=keep,
            cutoff=f"{report.cutoff:%Y-%m-%d %H:%M}",
            rows=num(report.rows_emptied),
            batches=num(len(report.batches)),
            folders=num(len(report.folders_removed)),
            scratch=num(len(report.scratch_removed)),
        )
    )
    if report.audit_event_id is not None:
        console.print(tell("audited", event=report.audit_event_id))


__all__ = ["data_app"]
