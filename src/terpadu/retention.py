"""Retention of kept batch content: what an import leaves behind is removed after a while.

An import keeps the whole input row of every refused or warned row (``quarantine.raw``,
with the value and a message quoting it) so the sender can correct and send it again,
and a web import keeps its problem list for download. Both name people. After the
retention period (``TERPADU_BATCH_RETENTION_DAYS``) :func:`purge_kept_data` empties
those rows (the code, column and row number stay, so counts and dashboards still add
up), removes the problem-list folders and the folders of work started from a page
(``web-runs``: Dukcapil checks, payment reconciliations, simulations), sweeps scratch
folders of dead runs, and writes
one ``data.purge`` audit event with what it did.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, Table, func, null, or_, select, update

from terpadu.audit import record_event
from terpadu.audit.log import ActorLike, iso_utc
from terpadu.scratch import sweep
from terpadu.store.models.registry import Batch, QuarantineEntry
from terpadu.store.models.web import ImportJob

BATCH: Table = Batch.__table__  # type: ignore[assignment]
QUARANTINE: Table = QuarantineEntry.__table__  # type: ignore[assignment]
JOBS: Table = ImportJob.__table__  # type: ignore[assignment]
PURGED_MESSAGE = "(dihapus: masa simpan berakhir)"


@dataclass
class PurgeReport:
    """What :func:`purge_kept_data` removed (or, with ``dry_run``, would remove)."""

    cutoff: dt.datetime
    batches: list[int] = field(default_factory=list)
    rows_emptied: int = 0
    folders_removed: list[str] = field(default_factory=list)
    scratch_removed: list[str] = field(default_factory=list)
    audit_event_id: int | None = None
    dry_run: bool = False


def _old_folders(engine: Engine, cutoff: dt.datetime, web_imports_dir: Path) -> list[Path]:
    """Folders of web import jobs that ended before ``cutoff``; also unlisted old ones."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(JOBS.c.folder, JOBS.c.finished_at, JOBS.c.created_at, JOBS.c.status)
        ).all()
    old: set[Path] = set()
    known: set[Path] = set()
    for folder, finished, created, status in rows:
        path = Path(folder)
        known.add(path.resolve())
        end = finished or (created if status not in ("queued", "running") else None)
        if end is not None and _aware(end) < cutoff and path.exists():
            old.add(path)
    if web_imports_dir.is_dir():
        for path in web_imports_dir.iterdir():
            if not path.is_dir() or path.resolve() in known:
                continue
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            if modified < cutoff:
                old.add(path)  # left by a job whose row is gone
    return sorted(old)


def _old_runs(cutoff: dt.datetime, web_runs_dir: Path) -> list[Path]:
    """Folders of page work (``<web-runs>/<kind>/<job>``) that ended before ``cutoff``."""
    from terpadu.web.jobs import ended_before

    if not web_runs_dir.is_dir():
        return []
    return sorted(
        job
        for kind in web_runs_dir.iterdir()
        if kind.is_dir()
        for job in kind.iterdir()
        if job.is_dir() and ended_before(job, cutoff)
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def purge_kept_data(
    engine: Engine,
    *,
    days: int,
    web_imports_dir: Path,
    scratch_dir: Path,
    actor: str | ActorLike,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    web_runs_dir: Path | None = None,
) -> PurgeReport:
    """Empty the kept rows of batches that ended more than ``days`` ago, remove the web
    problem lists and page work as old, sweep dead runs' scratch folders; audited (unless
    ``dry_run``). ``web_runs_dir``: default ``web-runs`` beside ``web_imports_dir``."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = _aware(now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run)
    ended = func.coalesce(BATCH.c.finished_at, BATCH.c.started_at)
    kept = or_(
        QUARANTINE.c.raw.is_not(None),
        QUARANTINE.c.value.is_not(None),
        QUARANTINE.c.record_key.is_not(None),
    )
    with engine.begin() as conn:
        old_batches = select(BATCH.c.id).where(BATCH.c.status != "running", ended < cutoff)
        report.batches = sorted(
            int(b)
            for b in conn.execute(
                select(QUARANTINE.c.batch_id)
                .where(QUARANTINE.c.batch_id.in_(old_batches), kept)
                .distinct()
            ).scalars()
        )
        if dry_run:
            report.rows_emptied = int(
                conn.execute(
                    select(func.count()).where(QUARANTINE.c.batch_id.in_(report.batches), kept)
                ).scalar_one()
            )
        elif report.batches:
            result = conn.execute(
                update(QUARANTINE)
                .where(QUARANTINE.c.batch_id.in_(report.batches), kept)
                # null(), not None: a JSON column would store the JSON text 'null'.
                .values(raw=null(), value=None, record_key=None, message=PURGED_MESSAGE)
            )
            report.rows_emptied = int(result.rowcount or 0)
    runs_dir = web_runs_dir or web_imports_dir.with_name("web-runs")
    folders = _old_folders(engine, cutoff, web_imports_dir) + _old_runs(cutoff, runs_dir)
    report.folders_removed = [str(f) for f in folders]
    if dry_run:
        return report
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    report.scratch_removed = [str(f) for f in sweep(scratch_dir)]
    with engine.begin() as conn:
        report.audit_event_id = record_event(
            conn,
            actor=actor,
            action="data.purge",
            entity="retention",
            entity_id=None,
            region=None,
            before=None,
            after={
                "days": days,
                "cutoff": iso_utc(cutoff),
                "batches": report.batches,
                "rows_emptied": report.rows_emptied,
                "folders_removed": len(report.folders_removed),
                "scratch_removed": len(report.scratch_removed),
            },
        )
    return report


__all__ = ["PURGED_MESSAGE", "PurgeReport", "purge_kept_data"]
