"""What the pages of background work share: where jobs live, the job page (state,
progress in words, failure with what to do, past runs) and the look-up that refuses
a job the reader may not see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from terpadu.web import jobs
from terpadu.web.deps import PageSession, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.pages.routes import render

#: Where each kind's form and job pages live.
PAGES = {
    "dukcapil": "/rekonsiliasi/dukcapil",
    "pembayaran": "/rekonsiliasi/pembayaran",
    "simulasi": "/simulasi",
}


def runs_root(state: StateDep) -> Path:
    """``<data_dir>/web-runs``: one folder per kind, one per job."""
    return state.settings.web_runs_dir


def job_url(kind: str, token: str) -> str:
    if kind == "dukcapil":
        return f"{PAGES[kind]}/tugas/{token}"
    return f"{PAGES[kind]}/{token}"


def find(state: StateDep, session: PageSession, kind: str, token: str, lang: str) -> jobs.Job:
    found = jobs.get(runs_root(state), kind, token, session.user)
    if found is None:
        raise WebError(404, "not_found", translate(lang, "pages.run_not_found"))
    return found


def past_runs(state: StateDep, session: PageSession, kind: str) -> dict[str, Any]:
    """The template context of the list of past runs (``pages/_past_runs.html``)."""
    listed = jobs.past(runs_root(state), kind, session.user)
    return {
        "runs": [(job, job_url(kind, job.token)) for job in listed],
        "runs_kind": kind,
    }


def start(
    state: StateDep,
    session: PageSession,
    kind: str,
    work: jobs.Work,
    *,
    steps: int,
    label: str,
    prepare: Callable[[Path], None] | None = None,
) -> str:
    """Start ``work`` as a job of ``kind`` by the page's user; its token."""
    return jobs.start(
        state.engine,
        runs_root(state),
        kind,
        session.user,
        work,
        steps=steps,
        label=label,
        runner=state.import_runner,
        prepare=prepare,
    )


def job_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    job: jobs.Job,
    *,
    done: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A job's page: its state, refreshed while it runs; the failure and what to do; once
    done, the ``done`` template (with ``context``) when the kind has no result page of its
    own."""
    return render(
        request,
        state,
        "pages/job.html",
        lang,
        session,
        job=job,
        form_url=PAGES[job.kind],
        done=done,
        **past_runs(state, session, job.kind),
        **context,
    )


__all__ = ["PAGES", "find", "job_page", "job_url", "past_runs", "runs_root", "start"]
