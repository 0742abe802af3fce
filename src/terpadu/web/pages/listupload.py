"""Uploads of the office's existing lists: institutions (with their residents), the social
workforce and the complaints log, the same importers as ``lembaga impor``, ``sdm impor``
and ``pengaduan impor``.

These lists are small (hundreds of rows, a Dinas Sosial's own spreadsheet), so the
importer runs in the request and the page shows its report at once: rows read, kept
(new, changed), refused, and every problem (row, column, value, reason in words). The
problem file stays in a private folder for the uploader to download as CSV or XLSX; the
upload itself is removed as soon as it was read. The importers check the role, refuse
rows outside the uploader's region and audit every change.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final

import polars as pl
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from terpadu.access import Actor, PermissionDenied, disclosure
from terpadu.files import InputFileError
from terpadu.i18n import error_words
from terpadu.intake.report import PROBLEM_SCHEMA
from terpadu.locale import text
from terpadu.services.complaint_log import import_complaints
from terpadu.services.complaints import STAFF as COMPLAINT_STAFF
from terpadu.services.institutions import STAFF as INSTITUTION_STAFF
from terpadu.services.institutions import import_institutions
from terpadu.services.residents_list import import_residents
from terpadu.services.social_files import ListReport
from terpadu.services.workforce import STAFF as WORKFORCE_STAFF
from terpadu.services.workforce import import_workers
from terpadu.web import disclosed
from terpadu.web.api.routes import safe_name, save_upload
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.imports import ISSUE_COLUMNS, private_folder
from terpadu.web.pages._xlsx import FORMATS, table_download
from terpadu.web.pages.routes import render
from terpadu.web.pages.services import _clock

router = APIRouter(include_in_schema=False)

#: Where the problem files of list uploads are kept (one private folder per upload).
FOLDER: Final = "list-uploads"
PROBLEMS: Final = "masalah.parquet"
OWNER: Final = "pemilik.txt"
#: Days a problem file stays for download: it quotes the list's cells (NIKs, names).
KEEP_DAYS: Final = 7
#: Problems listed on the page; the problem file holds them all.
SHOWN: Final = 200
_TOKEN = re.compile(r"[0-9a-f]{16}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
Sheet = Annotated[str, Form(max_length=100)]

Importer = Callable[[StateDep, Actor, Path, str | None], ListReport]


@dataclass(frozen=True)
class ListKind:
    """One kind of list: its page, the roles its importer allows, how it is imported."""

    key: str
    back: str
    staff: tuple[str, ...]
    run: Importer


def _institutions(state: StateDep, actor: Actor, path: Path, sheet: str | None) -> ListReport:
    return import_institutions(state.engine, actor, path, sheet=sheet)


def _residents(state: StateDep, actor: Actor, path: Path, sheet: str | None) -> ListReport:
    return import_residents(state.engine, actor, path, sheet=sheet)


def _workers(state: StateDep, actor: Actor, path: Path, sheet: str | None) -> ListReport:
    return import_workers(state.engine, actor, path, sheet=sheet)


def _complaints(state: StateDep, actor: Actor, path: Path, sheet: str | None) -> ListReport:
    return import_complaints(state.engine, actor, path, sheet=sheet, clock=_clock(state))


INSTITUTIONS = ListKind("institutions", "/lembaga", INSTITUTION_STAFF, _institutions)
RESIDENTS = ListKind("residents", "/lembaga", INSTITUTION_STAFF, _residents)
WORKERS = ListKind("workers", "/sdm", WORKFORCE_STAFF, _workers)
COMPLAINTS = ListKind("complaints", "/pengaduan", COMPLAINT_STAFF, _complaints)


def upload_name(filename: str | None, fallback: str) -> str:
    """The upload's own name, kept to safe characters (the problem file quotes it), with
    the suffix the readers know (``safe_name``'s)."""
    suffix = Path(safe_name(filename, fallback)).suffix
    stem = _UNSAFE.sub("_", Path(Path(filename or fallback).name).stem).strip("._")[:80]
    return f"{stem or fallback}{suffix}"


def _owned_folder(state: StateDep, token: str, username: str) -> Path | None:
    """The upload's folder if ``token`` names one of ``username``'s uploads."""
    if _TOKEN.fullmatch(token) is None:
        return None
    folder = state.config.data_dir / FOLDER / token
    owner = folder / OWNER
    if not owner.is_file() or owner.read_text(encoding="utf-8") != username:
        return None
    return folder


def remove_old_uploads(root: Path, now: float | None = None) -> None:
    """Remove the problem files of uploads older than :data:`KEEP_DAYS`."""
    limit = (time.time() if now is None else now) - KEEP_DAYS * 86_400
    for folder in root.iterdir() if root.is_dir() else ():
        if _TOKEN.fullmatch(folder.name) and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _problem_rows(issues: pl.DataFrame, session: PageSession) -> pl.DataFrame:
    """The problems in the download's columns, values masked for the reader's role."""
    frame = issues.rename({k: v for k, v in ISSUE_COLUMNS.items() if k in issues.columns})
    return disclosed.masked_issues(
        frame.cast({"VALUE": pl.Utf8, "MESSAGE": pl.Utf8}), disclosure(session.user)
    )


def _run(
    state: StateDep,
    session: PageSession,
    lang: str,
    uploads: list[tuple[ListKind, UploadFile, str]],
) -> tuple[str, list[tuple[ListKind, ListReport]]]:
    """Import each upload in turn; the token of the kept problem file and the reports."""
    user = session.user
    for kind, _, _ in uploads:
        if user.role not in kind.staff:
            raise WebError(403, "forbidden", text(f"listupload.forbidden.{kind.key}", lang))
    remove_old_uploads(state.config.data_dir / FOLDER)
    token = secrets.token_hex(8)
    folder = private_folder(state.config.data_dir / FOLDER / token)
    reports: list[tuple[ListKind, ListReport]] = []
    try:
        for kind, upload, sheet in uploads:
            path = folder / upload_name(upload.filename, kind.key)
            save_upload(upload, path, state.config.upload_max_bytes)
            try:
                reports.append((kind, kind.run(state, user.actor, path, sheet.strip() or None)))
            finally:
                path.unlink(missing_ok=True)  # it holds NIKs; the problem file is what stays
    except PermissionDenied as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise WebError(403, "forbidden", str(exc)) from exc
    except (InputFileError, WebError):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    issues = [report.problem_list() for _, report in reports]
    pl.concat([pl.DataFrame(schema=PROBLEM_SCHEMA), *issues]).write_parquet(folder / PROBLEMS)
    (folder / PROBLEMS).chmod(0o600)
    (folder / OWNER).write_text(user.username, encoding="utf-8")
    return token, reports


def _page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    kind: ListKind,
    uploads: list[tuple[ListKind, UploadFile, str]],
) -> HTMLResponse:
    if not uploads:
        raise WebError(400, "no_file", text("pages.choose_file", lang))
    try:
        token, reports = _run(state, session, lang, uploads)
    except InputFileError as exc:
        # A file that cannot be read at all (not CSV/XLSX, no header, too many rows): said
        # by the name it was sent as, not the server's folder it was saved in.
        root = re.escape(str(state.config.data_dir / FOLDER))
        words = re.sub(root + r"/[0-9a-f]{16}/", "", error_words(exc, lang))
        return render(request, state, "pages/list_upload.html", lang, session, 422,
                      kind=kind, reports=[], error=words, problems=[], token=None)  # fmt: skip
    problems = _problem_rows(pl.concat([r.problem_list() for _, r in reports]), session)
    return render(
        request,
        state,
        "pages/list_upload.html",
        lang,
        session,
        kind=kind,
        reports=reports,
        error=None,
        problems=problems.head(SHOWN).to_dicts(),
        more=max(problems.height - SHOWN, 0),
        token=token,
    )


def _chosen(
    kind: ListKind, upload: UploadFile | None, sheet: str
) -> list[tuple[ListKind, UploadFile, str]]:
    return [(kind, upload, sheet)] if upload is not None and upload.filename else []


@router.post("/lembaga/impor", response_class=HTMLResponse)
def institutions_upload(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    daftar: Annotated[UploadFile | None, File()] = None,
    penghuni: Annotated[UploadFile | None, File()] = None,
    sheet: Sheet = "",
    sheet_penghuni: Sheet = "",
) -> HTMLResponse:
    """The institutions list, then (optionally) their residents: a resident's institution
    may be one this very list registers."""
    uploads = _chosen(INSTITUTIONS, daftar, sheet) + _chosen(RESIDENTS, penghuni, sheet_penghuni)
    return _page(request, state, lang, session, INSTITUTIONS, uploads)


@router.post("/sdm/impor", response_class=HTMLResponse)
def workers_upload(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    daftar: Annotated[UploadFile | None, File()] = None,
    sheet: Sheet = "",
) -> HTMLResponse:
    return _page(request, state, lang, session, WORKERS, _chosen(WORKERS, daftar, sheet))


@router.post("/pengaduan/impor", response_class=HTMLResponse)
def complaints_upload(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    daftar: Annotated[UploadFile | None, File()] = None,
    sheet: Sheet = "",
) -> HTMLResponse:
    return _page(request, state, lang, session, COMPLAINTS, _chosen(COMPLAINTS, daftar, sheet))


@router.get("/impor-daftar/{token}/masalah.{fmt}")
def problems_download(token: str, fmt: str, state: StateDep, session: SessionDep) -> Response:
    """The problem file of one of the reader's own list uploads (another's is not found)."""
    folder = _owned_folder(state, token, session.user.username)
    if fmt not in FORMATS or folder is None or not (folder / PROBLEMS).is_file():
        raise WebError(404, "not_found", "Berkas masalah tidak ditemukan.")
    rows = _problem_rows(pl.read_parquet(folder / PROBLEMS), session)
    return table_download(rows, f"masalah-daftar-{token}", fmt, disclosure(session.user), "masalah")


__all__ = ["router", "upload_name"]
