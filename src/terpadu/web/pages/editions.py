"""Registry editions: the published editions, the publish form, the diff of two editions.

The same functions as ``terpadu edition list|publish|diff``: publishing needs the
``publish`` permission (an admin provinsi) and is audited by
:func:`terpadu.editions.publish_edition`; a diff is cut to the reader's region and its
old/new values masked for the reader's role, as the CLI's ``edition diff`` does.
"""

from __future__ import annotations

from typing import Annotated

import polars as pl
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import allows, disclosure
from terpadu.audit.anchor import AuditKeyMissing, load_key
from terpadu.editions import list_editions
from terpadu.engine.snapshot import SnapshotDamaged
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.verval.diff import diff_as_seen, diff_editions
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.pages._xlsx import FORMATS, table_download
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)

PAGE_ROWS = 100


def _page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    *,
    period: str = "",
    note: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    editions = list(reversed(list_editions(state.engine)))
    return render(
        request,
        state,
        "pages/editions.html",
        lang,
        session,
        status_code,
        editions=editions,
        can_publish=allows(session.user.role, "publish"),
        period=period,
        note=note,
        error=error,
        published=request.query_params.get("terbit"),
        unsigned=request.query_params.get("tanpa_kunci") == "1",
    )


@router.get("/edisi", response_class=HTMLResponse)
def editions_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    return _page(request, state, lang, session)


@router.post("/edisi", response_model=None)
def publish_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    period: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Publish the edition of a period (as ``terpadu edition publish``); a refusal is shown
    beside the field with what was typed."""
    from terpadu.editions import publish_edition

    actor = session.user.actor
    if not allows(actor.role, "publish"):
        raise WebError(403, "forbidden", translate(lang, "pages.publish_forbidden"))
    settings = state.settings
    try:
        key: bytes | None = load_key(settings.audit_key, settings.audit_key_file)
    except AuditKeyMissing as exc:
        if exc.code != "audit_key_missing":
            return _page(
                request, state, lang, session, period=period, note=note,
                error=error_words(exc, lang), status_code=400,
            )  # fmt: skip
        key = None
    if not period.strip():
        return _page(
            request, state, lang, session, period=period, note=note,
            error=translate(lang, "pages.period_required"), status_code=400,
        )  # fmt: skip
    try:
        actor.require("publish", doing="publish_edition")
        info = publish_edition(
            state.engine,
            period.strip(),
            editions_dir=settings.editions_dir,
            actor=actor,
            note=note.strip() or None,
            audit_key=key,
        )
    except TerpaduError as exc:
        return _page(
            request, state, lang, session, period=period, note=note,
            error=error_words(exc, lang), status_code=400,
        )  # fmt: skip
    unsigned = "&tanpa_kunci=1" if key is None else ""
    return RedirectResponse(f"/edisi?terbit={info.period}{unsigned}", status_code=303)


@router.get("/edisi/beda")
def diff_chosen(
    a: Annotated[str, Query(max_length=20)], b: Annotated[str, Query(max_length=20)]
) -> RedirectResponse:
    """The compare form (plain GET, no JavaScript) lands on the diff's own address."""
    return RedirectResponse(f"/edisi/{a.strip()}/beda/{b.strip()}", status_code=303)


def _diff(state: StateDep, session: PageSession, a: str, b: str, lang: str) -> pl.DataFrame:
    try:
        frame = diff_editions(state.engine, a, b, lang)
    except TerpaduError as exc:
        raise WebError(404, "not_found", error_words(exc, lang)) from None
    except SnapshotDamaged as exc:
        raise WebError(409, "edition_damaged", str(exc)) from None
    user = session.user
    if user.region is not None:
        frame = frame.filter(pl.col("KODE_WILAYAH").str.starts_with(user.region))
    return diff_as_seen(frame, disclosure(user))


@router.get("/edisi/{a}/beda/{b}", response_class=HTMLResponse)
def diff_page(
    request: Request,
    a: str,
    b: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    frame = _diff(state, session, a, b, lang)
    counts = (
        frame.group_by("ENTITAS", "PERUBAHAN").len("n").sort("ENTITAS", "PERUBAHAN").to_dicts()
        if frame.height
        else []
    )
    return render(
        request,
        state,
        "pages/edition_diff.html",
        lang,
        session,
        a=a,
        b=b,
        counts=counts,
        rows=frame.slice(offset, PAGE_ROWS).to_dicts(),
        total=frame.height,
        offset=offset,
        page_rows=PAGE_ROWS,
    )


@router.get("/edisi/{a}/beda/{b}/unduh.{fmt}")
def diff_download(
    a: str, b: str, fmt: str, state: StateDep, lang: Lang, session: SessionDep
) -> Response:
    if fmt not in FORMATS:
        raise WebError(404, "not_found", translate(lang, "pages.no_such_format"))
    frame = _diff(state, session, a, b, lang)
    # Already masked for the reader by _diff; masking twice changes nothing.
    return table_download(frame, f"beda-{a}-{b}", fmt, disclosure(session.user), "perubahan")
