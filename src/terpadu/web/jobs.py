"""Long work started from a page (a Dukcapil check, a payment reconciliation, a simulation)
run in the background, its progress and outcome readable by any server worker.

Each job has a private folder ``<data_dir>/web-runs/<kind>/<token>`` (0700, files 0600)
holding ``job.json`` (owner, region, state, progress as a catalogue key and a step count,
the facts of its result, or the failure in words in both languages) and the Parquet
frames its result page and downloads read. A job is seen by its owner and by readers whose
region covers the owner's, as an import job is (:func:`terpadu.web.imports.get_job`).
Starting and ending a job are audited (``job.start``, ``job.end``). A job whose process
is gone while it was running (the server was killed or restarted) reads as
``interrupted``. Old folders are removed by :func:`terpadu.retention.purge_kept_data`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from terpadu.accounts.users import WebUser
from terpadu.audit import record_event
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.web.imports import private_folder

STATE_FILE = "job.json"
RUNNING = ("queued", "running")
#: This server process: a job marked running by the same pid but another boot was left by a
#: process that is gone (a container restarts with the same pid).
BOOT = secrets.token_hex(8)
_TOKEN = re.compile(r"[0-9a-f]{16}")
_LOCK = threading.Lock()

#: Runs a job's work; None: a background thread (tests pass a synchronous runner).
Runner = Callable[[Callable[[], None]], None]


class JobFailed(Exception):
    """A job's work cannot go on; ``words``: the reason in each language."""

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__(words.get("en") or next(iter(words.values()), ""))
        self.words = words


@dataclass
class Job:
    """A job as its pages read it."""

    kind: str
    token: str
    folder: Path
    state: dict[str, Any]

    @property
    def status(self) -> str:
        return str(self.state["status"])

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def facts(self) -> dict[str, Any]:
        return dict(self.state.get("facts") or {})

    def frame(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.folder / f"{name}.parquet")


class Progress:
    """What a job's work calls as it goes: ``step("jobs.stage.reading")``."""

    def __init__(self, folder: Path, steps: int) -> None:
        self.folder, self.steps, self.done = folder, steps, 0

    def step(self, stage: str) -> None:
        self.done = min(self.done + 1, self.steps)
        _update(self.folder, status="running", stage=stage, step=self.done)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(folder: Path, state: dict[str, Any]) -> None:
    """The job's state, replaced whole (a reader never sees half a file)."""
    part = folder / f".{STATE_FILE}.{os.getpid()}.{threading.get_ident()}"
    part.write_text(json.dumps(state, ensure_ascii=False, default=str))
    part.chmod(0o600)
    part.replace(folder / STATE_FILE)


def _read(folder: Path) -> dict[str, Any] | None:
    try:
        state: dict[str, Any] = json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return state


def _update(folder: Path, **values: Any) -> dict[str, Any]:
    with _LOCK:
        state = (_read(folder) or {}) | values
        _write(folder, state)
        return state


def save_frames(folder: Path, frames: dict[str, pl.DataFrame]) -> None:
    """Keep a job's result tables for its page and downloads."""
    for name, frame in frames.items():
        path = folder / f"{name}.parquet"
        frame.write_parquet(path)
        path.chmod(0o600)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _left_behind(state: dict[str, Any]) -> bool:
    """A running job whose process is gone: it will never finish."""
    if state.get("status") not in RUNNING:
        return False
    pid = int(state.get("pid") or 0)
    if pid == os.getpid():
        return state.get("boot") != BOOT
    return not _alive(pid)


def _audit(engine: Engine, user: WebUser, action: str, kind: str, token: str, after: Any) -> None:
    with engine.begin() as conn:
        record_event(
            conn,
            actor=user.actor,
            action=action,
            entity="web_job",
            entity_id=f"{kind}/{token}",
            region=user.region,
            before=None,
            after=after,
        )


def failure_words(exc: BaseException) -> dict[str, str]:
    """Why a job failed, in each language the pages speak."""
    if isinstance(exc, JobFailed):
        return exc.words
    if isinstance(exc, TerpaduError):  # a file that cannot be read among them
        return {lang: error_words(exc, lang) for lang in ("id", "en")}
    from terpadu.locale import text

    return {
        lang: text("jobs.unexpected", lang, what=f"{type(exc).__name__}: {exc}")
        for lang in ("id", "en")
    }


Work = Callable[[Progress, Path], dict[str, Any]]


def start(
    engine: Engine,
    root: Path,
    kind: str,
    user: WebUser,
    work: Work,
    *,
    steps: int,
    label: str,
    runner: Runner | None = None,
    prepare: Callable[[Path], None] | None = None,
) -> str:
    """Start ``work(progress, folder)`` as a job of ``kind`` by ``user``; its token.

    ``work`` returns the facts its result page shows and keeps its tables with
    :func:`save_frames`; it raises :class:`JobFailed` (or a domain error) to fail in words.
    ``label``: what the job works on (a file name, a programme), shown in the list of runs;
    ``prepare(folder)``: run in the request before the work starts (an upload saved into the
    job's folder); what it raises fails the job and is raised again.
    """
    token = secrets.token_hex(8)
    folder = private_folder(root / kind / token)
    _write(
        folder,
        {
            "kind": kind,
            "owner": user.username,
            "region": user.region,
            "label": label,
            "status": "queued",
            "stage": "jobs.stage.queued",
            "step": 0,
            "steps": steps,
            "created_at": _now(),
            "finished_at": None,
            "pid": os.getpid(),
            "boot": BOOT,
        },
    )
    if prepare is not None:
        try:
            prepare(folder)
        except Exception as exc:
            _update(folder, status="failed", message=failure_words(exc), finished_at=_now())
            raise
    _audit(engine, user, "job.start", kind, token, {"job_kind": kind, "job_label": label})

    def run() -> None:
        progress = Progress(folder, steps)
        try:
            _update(folder, status="running", pid=os.getpid(), boot=BOOT)
            facts = work(progress, folder)
            _update(folder, status="done", step=steps, facts=facts, finished_at=_now())
            _audit(engine, user, "job.end", kind, token, {"job_kind": kind, "job_status": "done"})
        except Exception as exc:  # the page must show the failure, not spin forever
            _update(folder, status="failed", message=failure_words(exc), finished_at=_now())
            ended = {"job_kind": kind, "job_status": "failed"}
            _audit(engine, user, "job.end", kind, token, ended)

    if runner is not None:
        runner(run)
    else:
        threading.Thread(target=run, name=f"{kind}-{token}", daemon=True).start()
    return token


def _visible(state: dict[str, Any], user: WebUser) -> bool:
    """The owner's, or a job whose region the reader's covers (a national job: national)."""
    region = state.get("region")
    if state.get("owner") == user.username:
        return True
    if region is None:
        return user.region is None
    return user.covers(str(region))


def _load(root: Path, kind: str, token: str) -> Job | None:
    folder = root / kind / token
    state = _read(folder)
    if state is None or state.get("kind") != kind:
        return None
    if _left_behind(state):
        state = _update(folder, status="interrupted", finished_at=state.get("finished_at"))
    return Job(kind, token, folder, state)


def get(root: Path, kind: str, token: str, user: WebUser) -> Job | None:
    """The job ``token`` of ``kind`` if ``user`` may see it."""
    if not _TOKEN.fullmatch(token):
        return None
    job = _load(root, kind, token)
    if job is None or not _visible(job.state, user):
        return None
    return job


def past(root: Path, kind: str, user: WebUser, limit: int = 20) -> list[Job]:
    """The latest jobs of ``kind`` the user may see, newest first."""
    folder = root / kind
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        job = _load(root, kind, path.name) if _TOKEN.fullmatch(path.name) else None
        if job is not None and _visible(job.state, user):
            found.append(job)
    found.sort(key=lambda j: str(j.state.get("created_at")), reverse=True)
    return found[:limit]


def ended_before(folder: Path, cutoff: dt.datetime) -> bool:
    """Whether the job in ``folder`` ended before ``cutoff`` (a folder without a readable
    state: last changed before it). A running job is never old."""
    state = _read(folder)
    if state is None:
        changed = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC)
        return changed < cutoff
    if state.get("status") in RUNNING and not _left_behind(state):
        return False
    ended = state.get("finished_at") or state.get("created_at")
    try:
        when = dt.datetime.fromisoformat(str(ended))
    except ValueError:
        return False
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)) < cutoff


__all__ = [
    "BOOT",
    "Job",
    "JobFailed",
    "Progress",
    "ended_before",
    "failure_words",
    "get",
    "past",
    "save_frames",
    "start",
]
