"""Verval pages: the inbox (/usulan), one proposal (/usulan/<id>), the linkage review
queue (/tautan).

A page offers only the steps the user may take; a step the workflow still refuses (someone
else acted first, a missing note) shows the proposal again with the reason in words and what
was typed kept, never a bare error page. Region checks come first: outside the user's region
the answer stays "not found".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import text as sql

from terpadu.locale import code_label, text
from terpadu.registry import region_name
from terpadu.verval.kinds import KINDS
from terpadu.verval.records import proposal_code
from terpadu.web import services
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.pages.routes import render
from terpadu.web.review_view import pair_view
from terpadu.web.verval_view import (
    BULK_ACTIONS,
    STEP_ACTIONS,
    InboxFilters,
    allowed_steps,
    comments_view,
    content_view,
    history_view,
    inbox,
    kind_words,
    reason_words,
)

router = APIRouter(include_in_schema=False)

#: The workflow's refusals answered on the proposal page (a 404 stays a 404).
_REFUSALS = frozenset({"conflict", "invalid_transition", "forbidden", "invalid_proposal"})
_MESSAGES = frozenset({*STEP_ACTIONS, "komentar"})


def _step_words(steps: Iterable[str], lang: str) -> list[tuple[str, str]]:
    """Each step with its button's words."""
    return [(step, text(f"verval.action.{step}", lang)) for step in steps]


# -- inbox ----------------------------------------------------------------------------------
def _inbox_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    filters: InboxFilters,
    outcomes: list[dict[str, Any]] | None = None,
    bulk_error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    page = inbox(state.engine, session.user, filters, workflow=state.workflow(), lang=lang)
    return render(
        request,
        state,
        "proposals.html",
        lang,
        session,
        status_code,
        page=page,
        f=filters,
        kinds=[(k, kind_words(k, lang)) for k in KINDS],
        bulk=_step_words(BULK_ACTIONS.get(session.user.role, ()), lang),
        outcomes=outcomes,
        bulk_error=bulk_error,
    )


@router.get("/usulan", response_class=HTMLResponse)
def inbox_page(request: Request, state: StateDep, lang: Lang, session: SessionDep) -> HTMLResponse:
    params = {k: v[:200] for k, v in request.query_params.items()}
    return _inbox_page(request, state, lang, session, InboxFilters.parse(session.user, params))


@router.post("/usulan/massal", response_class=HTMLResponse)
async def inbox_bulk(
    request: Request, state: StateDep, lang: Lang, session: CsrfChecked
) -> HTMLResponse:
    form = await request.form()
    action = str(form.get("action") or "")
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    note = str(form.get("note") or "").strip() or None
    # The filters the list was shown with travel in the form, so the answer shows the same list.
    kept = {k: str(form.get(k) or "")[:200] for k in ("untuk", "tahap", "jenis", "wilayah")}
    kept |= {k: str(form.get(k) or "")[:200] for k in ("pembuat", "umur", "sumber", "urut")}
    filters = InboxFilters.parse(session.user, kept)
    if action not in STEP_ACTIONS:
        error = text("verval.refused.unknown_action", lang)
        return _inbox_page(request, state, lang, session, filters, None, error, 422)
    if not ids:
        error = text("verval.bulk_none", lang)
        return _inbox_page(request, state, lang, session, filters, None, error, 422)
    if action in ("reject", "return") and not note:
        error = text("verval.refused.note_required", lang)
        return _inbox_page(request, state, lang, session, filters, None, error, 422)
    outcomes = services.decide_many(
        state.engine, session.user, ids, action, note, workflow=state.workflow()
    )
    for o in outcomes:
        o["code"] = proposal_code(int(o["proposal_id"]))
        o["words"] = (
            text("verval.bulk_ok", lang, state=code_label("proposal_state", o["state"], lang))
            if o["ok"]
            else text("verval.bulk_failed", lang)
        )
        # The workflow's reason is in Bahasa Indonesia: shown on Indonesian pages only.
        o["detail"] = o["message"] if not o["ok"] and lang == "id" else ""
    return _inbox_page(request, state, lang, session, filters, outcomes)


# -- one proposal ---------------------------------------------------------------------------
def _proposal_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    proposal_id: int,
    *,
    status_code: int = 200,
    message: str | None = None,
    refused: WebError | None = None,
    note: str = "",
    note_error: str | None = None,
    comment: str = "",
) -> HTMLResponse:
    p = services.proposal_detail(state.engine, session.user, proposal_id, workflow=state.workflow())
    steps, why_none = allowed_steps(p, session.user, lang)
    if note and not steps and not comment:
        # No step is left to take with it: what was typed waits in the comment box instead.
        note, comment = "", note
    error, error_detail = None, None
    if refused is not None:
        key = f"verval.refused.{refused.code}"
        error = text(key if refused.code in _REFUSALS else "verval.refused.verval_error", lang)
        # The workflow's own reason is in Bahasa Indonesia (it quotes the rules); a refusal
        # by role is worded in the page's language.
        detail = refused.words(lang)
        error_detail = detail if lang == "id" or detail != refused.message else None
    return render(
        request,
        state,
        "proposal.html",
        lang,
        session,
        status_code,
        p=p,
        kind=kind_words(p["kind"], lang),
        region_name=region_name(p["kode_wilayah"]),
        reason=reason_words(p.get("reason"), lang) if p.get("reason") else None,
        content=content_view(p, lang),
        history=history_view(p, lang),
        comments=comments_view(p, lang),
        steps=_step_words(steps, lang),
        why_none=why_none,
        message=message,
        error=error,
        error_detail=error_detail,
        note=note,
        note_error=note_error,
        comment=comment,
    )


@router.get("/usulan/{proposal_id}", response_class=HTMLResponse)
def proposal_page(
    request: Request,
    proposal_id: int,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    pesan: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    return _proposal_page(
        request, state, lang, session, proposal_id, message=pesan if pesan in _MESSAGES else None
    )


@router.post("/usulan/{proposal_id}/aksi", response_model=None)
def proposal_action(
    request: Request,
    proposal_id: int,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    action: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int | None, Form()] = None,
) -> Response:
    # Outside the region: not found, before anything is said about the proposal.
    services.proposal_region_or_404(state.engine, session.user, proposal_id)
    kept_note, kept_comment = ("", note) if action == "comment" else (note, "")

    def again(
        status: int, *, error: str | None = None, refused: WebError | None = None
    ) -> Response:
        """The proposal page again, with why and what was typed."""
        return _proposal_page(
            request,
            state,
            lang,
            session,
            proposal_id,
            status_code=status,
            refused=refused,
            note=kept_note,
            note_error=error,
            comment=kept_comment,
        )

    if action != "comment" and action not in STEP_ACTIONS:
        return again(422, error=text("verval.refused.unknown_action", lang))
    if action in ("reject", "return") and not note.strip():
        return again(422, error=text("verval.refused.note_required", lang))
    try:
        if action == "comment":
            services.comment(state.engine, session.user, proposal_id, note)
        else:
            services.decide_one(
                state.engine,
                session.user,
                proposal_id,
                action,
                note=note.strip() or None,
                expected_version=version,
                workflow=state.workflow(),
            )
    except WebError as exc:
        if exc.status == 404:
            raise
        return again(exc.status, refused=exc)
    shown = "komentar" if action == "comment" else action
    return RedirectResponse(f"/usulan/{proposal_id}?pesan={shown}", status_code=303)


# -- linkage review -------------------------------------------------------------------------
def _linkage_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    offset: int,
    *,
    status_code: int = 200,
    message: str | None = None,
    error_pair: int | None = None,
    error: str | None = None,
    note: str = "",
) -> HTMLResponse:
    pairs, total = services.review_pairs(state.engine, session.user, limit=10, offset=offset)
    return render(
        request,
        state,
        "linkage.html",
        lang,
        session,
        status_code,
        pairs=[pair_view(p, lang) for p in pairs],
        total=total,
        can_decide=not session.user.read_only,
        offset=offset,
        message=message,
        error_pair=error_pair,
        error=error,
        note=note,
    )


@router.get("/tautan", response_class=HTMLResponse)
def linkage_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    pesan: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    message = (
        text(f"verval.decided_{pesan}", lang) if pesan in ("same", "different", "skip") else None
    )
    return _linkage_page(request, state, lang, session, offset, message=message)


def _pair_state(state: StateDep, session: PageSession, pair_id: int) -> str | None:
    """The review pair's state (pending, decided, skipped…); None outside the user's region."""
    scope = f"{session.user.region_prefix}%"
    with state.engine.connect() as conn:
        found = conn.execute(
            sql(
                "SELECT state FROM review_pair WHERE id = :id "
                "AND COALESCE(kode_wilayah, '') LIKE :scope"
            ),
            {"id": pair_id, "scope": scope},
        ).scalar()
    return None if found is None else str(found)


@router.post("/tautan/{pair_id}", response_model=None)
def linkage_decide(
    request: Request,
    pair_id: int,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    decision: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    yakin: Annotated[str, Form(max_length=5)] = "",
    offset: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
) -> Response:
    # imported here: linkage loads Splink and DuckDB, which other pages skip
    from terpadu.linkage import LinkageError
    from terpadu.linkage.review import decide_review

    if session.user.read_only:
        raise WebError(403, "forbidden", text("verval.read_only_review", lang))
    pair_state = _pair_state(state, session, pair_id)
    if pair_state is None:
        raise services.not_found()
    if pair_state != "pending":
        # Someone else decided (or skipped) it since the page was loaded.
        error = text("verval.review_stale", lang)
        return _linkage_page(request, state, lang, session, offset, status_code=409, error=error)
    if decision not in ("same", "different", "skip"):
        error = text("verval.refused.unknown_action", lang)
        return _linkage_page(
            request, state, lang, session, offset, status_code=422, error_pair=pair_id,
            error=error, note=note,
        )  # fmt: skip
    if decision != "skip" and not yakin:
        # Merging or keeping apart is for good: the clerk says so in so many words.
        error = text("verval.confirm_needed", lang)
        return _linkage_page(
            request, state, lang, session, offset, status_code=422, error_pair=pair_id,
            error=error, note=note,
        )  # fmt: skip
    try:
        decide_review(
            state.engine, pair_id, decision, actor=session.user.username, note=note or None
        )
    except LinkageError as exc:
        error = text("verval.review_refused", lang) + (f": {exc}" if lang == "id" else ".")
        return _linkage_page(
            request, state, lang, session, offset, status_code=409, error_pair=pair_id,
            error=error, note=note,
        )  # fmt: skip
    return RedirectResponse(f"/tautan?pesan={decision}&offset={offset}", status_code=303)
