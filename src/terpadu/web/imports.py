"""Imports started from the web: upload two files, run the import in the background, report.

The uploaded files and the problem list live in ``<data_dir>/web-imports/<job>`` (0700, files
0600; the uploads are removed when the job ends, whether it landed or failed);
the job row (``web_import_job``) carries the progress, so any server worker can
answer the progress page. Before importing, every family's KODE_WILAYAH must lie
within the user's region (:func:`terpadu.access.require_import_region`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, Table, insert, select, update
from sqlalchemy.exc import OperationalError

from terpadu.access import PermissionDenied, require_import_region
from terpadu.files import (
    InputFileError,
    InputLimits,
    clean_table,
    read_table,
    write_table,
)
from terpadu.intake import AsOfInvalid, import_batch
from terpadu.intake.importer import DEFAULT_WAIT_S
from terpadu.intake.report import stored_problems
from terpadu.layouts import KELUARGA_COLUMNS
from terpadu.store.bulk import DEFAULT_CHUNK_ROWS, StorageFull, UnstorableText
from terpadu.store.db import SQLITE_BUSY_TIMEOUT_S
from terpadu.store.locks import Busy
from terpadu.store.models.web import ImportJob
from terpadu.web.auth import WebUser

JOBS: Table = ImportJob.__table__  # type: ignore[assignment]
IMPORT_STEPS = 7
ISSUES_FILE = "masalah.parquet"
ISSUE_COLUMNS = {
    "file": "FILE",
    "__row": "ROW",
    "column": "COLUMN",
    "value": "VALUE",
    "repaired": "REPAIRED_VALUE",
    "severity": "SEVERITY",
    "code": "CODE",
    "message": "MESSAGE",
}


# The XLSX sheets of the keluarga and the anggota file (None: the first sheet).
Sheets = tuple[str | None, str | None]


def private_folder(folder: Path) -> Path:
    """``folder`` created for the server's user only (0700, and its parent too): uploads and
    problem lists hold NIKs and names."""
    for level in (folder.parent, folder):
        level.mkdir(mode=0o700, parents=True, exist_ok=True)
        level.chmod(0o700)
    return folder


def _private(path: Path) -> Path:
    path.chmod(0o600)
    return path


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_job(engine: Engine, user: WebUser, source: str, folder: Path) -> int:
    with engine.begin() as conn:
        key = conn.execute(
            insert(JOBS).values(
                username=user.username,
                region=user.region,
                source=source,
                status="queued",
                stage="menunggu",
                step=0,
                steps=IMPORT_STEPS,
                folder=str(folder),
                created_at=_now(),
            )
        ).inserted_primary_key
    assert key is not None
    return int(key[0])


def _set(engine: Engine, job_id: int, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(**values))


def _set_progress(engine: Engine, job_id: int, **values: Any) -> None:
    """Record a step of a running import, if that can be done at once.

    On SQLite the import's own transaction holds the database's only write lock
    from its first row to its commit: waiting for it would stall the import (and
    fail after the busy timeout). A step that cannot be written at once is skipped;
    the job keeps its last written stage and the final status comes after the commit.
    """
    if engine.dialect.name != "sqlite":
        _set(engine, job_id, **values)
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(**values))
            conn.commit()
        except OperationalError:
            conn.rollback()  # the import is writing: this step goes unrecorded
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")


def run_job(
    engine: Engine,
    user: WebUser,
    job_id: int,
    keluarga: Path,
    anggota: Path,
    source: str,
    sheets: Sheets = (None, None),
    as_of: dt.date | None = None,
    *,
    wait_s: float = DEFAULT_WAIT_S,
    limits: InputLimits | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    region_checked: bool = False,
) -> None:
    """Check the scope, import, store the problem list; progress goes to the job row.

    ``sheets``: the XLSX sheets of the keluarga and the anggota file (None: the first);
    ``as_of``: the date the data was collected, when known; ``limits``: the app's input
    limits (a file past one fails the job with the limit named); ``region_checked``: the
    upload was already checked by :func:`check_region` (the file is not read for it again).
    """
    step = 0

    def progress(message: str) -> None:
        nonlocal step
        step += 1
        _set_progress(engine, job_id, stage=message, step=min(step, IMPORT_STEPS), status="running")

    try:
        _set(engine, job_id, status="running", stage="memeriksa wilayah")
        if not region_checked:
            require_import_region(user.actor, keluarga, sheets[0], limits)
        report = import_batch(
            engine,
            keluarga,
            anggota,
            source=source,
            actor=user.username,
            progress=progress,
            keluarga_sheet=sheets[0],
            anggota_sheet=sheets[1],
            as_of=as_of,
            wait_s=wait_s,
            limits=limits,
            chunk_rows=chunk_rows,
        )
        folder = keluarga.parent
        # The problem file: issues and repaired values; files sent again get the problems
        # their first import found.
        problems = (
            stored_problems(engine, report.batch_id)
            if report.already_imported and report.batch_id is not None
            else report.problem_list()
        )
        problems.write_parquet(folder / ISSUES_FILE)
        _private(folder / ISSUES_FILE)
        summary = {
            "already_imported": report.already_imported,
            "families_new": report.families_new,
            "families_changed": report.families_changed,
            "persons_new": report.persons_new,
            "persons_changed": report.persons_changed,
            "persons_without_nik": report.persons_without_nik,
            "rows_read": report.rows_read,
            "rows_rejected": report.rows_rejected,
            "issues": report.issues.height,
            # Values kept because the registry's are newer (see docs/formats.md).
            "stale_values_kept": int((report.issues["code"] == "stale_value_kept").sum())
            if report.issues.height
            else 0,
            "files": [
                {
                    "role": f.role,
                    "name": f.path.name,
                    "rows_read": f.rows_read,
                    "rows_landed": f.rows_landed,
                    "rows_repaired": f.rows_repaired,
                    "rows_rejected": f.rows_rejected,
                    "rows_warned": f.rows_warned,
                }
                for f in report.files
            ],
        }
        _set(
            engine,
            job_id,
            status="done",
            stage="selesai",
            step=IMPORT_STEPS,
            batch_id=report.batch_id,
            summary=summary,
            finished_at=_now(),
        )
    except (
        PermissionDenied,
        InputFileError,
        StorageFull,
        UnstorableText,
        Busy,
        AsOfInvalid,
    ) as exc:
        _set(engine, job_id, status="failed", message=str(exc), finished_at=_now())
    except Exception as exc:  # the page must show the failure, not spin forever
        _set(
            engine,
            job_id,
            status="failed",
            message=f"Impor gagal: {type(exc).__name__}: {exc}",
            finished_at=_now(),
        )
    finally:
        # The uploaded files are not needed once the batch is in (or refused): only the
        # problem list stays for download.
        for upload in (keluarga, anggota):
            upload.unlink(missing_ok=True)


def start_job(
    engine: Engine,
    user: WebUser,
    job_id: int,
    keluarga: Path,
    anggota: Path,
    source: str,
    *,
    sheets: Sheets = (None, None),
    as_of: dt.date | None = None,
    wait_s: float = DEFAULT_WAIT_S,
    limits: InputLimits | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    runner: Callable[[Callable[[], None]], None] | None = None,
    region_checked: bool = False,
) -> None:
    """Run the job in a background thread (or with ``runner``, e.g. synchronously in tests).

    ``wait_s``: how long the import waits for another import of the same source
    (the app's ``import_wait_s`` setting); ``chunk_rows``: rows per bulk write
    (``import_chunk_rows``).
    """

    def work() -> None:
        run_job(
            engine,
            user,
            job_id,
            keluarga,
            anggota,
            source,
            sheets,
            as_of,
            wait_s=wait_s,
            limits=limits,
            chunk_rows=chunk_rows,
            region_checked=region_checked,
        )

    if runner is not None:
        runner(work)
    else:
        threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start()


class OutsideRegion(PermissionDenied):
    """An upload holds families outside the user's region (``codes``: the first of them)."""

    def __init__(self, region: str, codes: list[str], more: bool) -> None:
        super().__init__(
            f"Berkas memuat keluarga di luar wilayah kerja Anda ({region}): {', '.join(codes)}"
            f"{' …' if more else ''}. Impor dibatalkan."
        )
        self.region, self.codes, self.more = region, codes, more


def check_region(
    user: WebUser, keluarga: Path, sheet: str | None, limits: InputLimits | None
) -> None:
    """Refuse an upload with families outside the user's region before any job starts, as
    :func:`terpadu.access.require_import_region` does in the job, with the codes kept for
    the page to say in its language."""
    if user.region is None:
        return
    raw = read_table(keluarga, sheet, report_long_rows=True, limits=limits)
    clean = clean_table(raw, KELUARGA_COLUMNS, dt.date.today())
    if "kode_wilayah" not in clean.values.columns:
        return
    codes = clean.values["kode_wilayah"].drop_nulls().unique().to_list()
    outside = sorted(str(c) for c in codes if not user.covers(str(c)))
    if outside:
        raise OutsideRegion(user.region, outside[:5], len(outside) > 5)


#: The import's stage messages (Bahasa Indonesia, from the importer) as catalogue keys.
_STAGES = (
    ("menunggu", "waiting"),
    ("memeriksa wilayah", "region"),
    ("membaca", "reading"),
    ("memeriksa keluarga", "checking_families"),
    ("memeriksa anggota", "checking_members"),
    ("batch ini sedang dimuat", "busy"),
    ("selesai", "done"),
)


def stage_key(stage: str | None) -> str | None:
    """The catalogue key (``reports.stage.<key>``) of a job's stage, or None if unknown."""
    if not stage:
        return None
    if stage.startswith("memuat"):
        return "loading_members" if stage.endswith("anggota") else "loading_families"
    return next((key for start, key in _STAGES if stage.startswith(start)), None)


def list_jobs(engine: Engine, user: WebUser, limit: int = 50) -> list[dict[str, Any]]:
    """The latest import jobs the user may see (as :func:`get_job` decides), newest first."""
    query = select(JOBS).order_by(JOBS.c.id.desc()).limit(limit)
    if user.region is not None:
        query = query.where(
            (JOBS.c.username == user.username) | JOBS.c.region.startswith(user.region)
        )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def get_job(engine: Engine, user: WebUser, job_id: int) -> dict[str, Any] | None:
    """The job if the user may see it: their own, or one whose region lies in their scope."""
    with engine.connect() as conn:
        row = conn.execute(select(JOBS).where(JOBS.c.id == job_id)).first()
    if row is None:
        return None
    mine = row.username == user.username
    in_scope = row.region is not None and user.covers(row.region)
    national = row.region is None and user.region is None
    if not (mine or in_scope or national):
        return None
    return dict(row._mapping)


def issues_file(job: dict[str, Any], fmt: str) -> Path | None:
    """The job's problem list written as CSV or XLSX (None before the import finished)."""
    folder = Path(job["folder"])
    source = folder / ISSUES_FILE
    if not source.exists():
        return None
    target = folder / f"masalah-impor-{job['id']}.{fmt}"
    if not target.exists():
        frame = pl.read_parquet(source)
        frame = frame.rename({k: v for k, v in ISSUE_COLUMNS.items() if k in frame.columns})
        _private(write_table(frame, target, sheet="masalah"))
    return target
