"""Family and person pages, and the proposals a desa operator makes from them.

Every proposal the CLI can make (``terpadu usulan create``) has a form here: correct a
family's fields, add a member, remove a member with the reason, correct a member, deactivate
or reactivate a family, and a new family with its members, each with evidence (a photo or
scan of the KK/KTP, a visit form). A form that fails its checks is shown again with what was
typed and each error beside its field; a proposal made is a redirect to its page (POST,
redirect, GET). The workflow checks the role and region again and audits every step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import text as sql
from starlette.datastructures import FormData, UploadFile

from terpadu.access import disclosure
from terpadu.locale import code_label, has_text, text
from terpadu.store.ids import parse_code
from terpadu.verval.errors import InvalidProposal
from terpadu.verval.evidence import evidence_path
from terpadu.verval.kinds import (
    ADD_MEMBER,
    CORRECT,
    DEACTIVATE,
    DEACTIVATION_REASONS,
    NEW_FAMILY,
    REACTIVATE,
    REMOVE_MEMBER,
    parse_kind,
)
from terpadu.web import services
from terpadu.web.charts import bar_chart
from terpadu.web.deps import AppState, CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.evidence_upload import attach_all, receive, scratch_folder
from terpadu.web.family import (
    family_detail,
    family_values,
    person_detail,
    person_in_scope,
    person_values,
)
from terpadu.web.family_forms import (
    FAMILY_SECTIONS,
    PERSON_FORM_FIELDS,
    Checked,
    changed,
    check_fields,
    cleared,
    family_sections,
    field_label,
    form_value,
    person_fields,
)
from terpadu.web.i18n import translate
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)

#: The kinds proposed from a family's page, and from a member's.
FAMILY_KINDS: Final = (CORRECT, ADD_MEMBER, DEACTIVATE, REACTIVATE)
PERSON_KINDS: Final = (CORRECT, REMOVE_MEMBER)
#: Member blocks a new-family form starts with, and the most it offers.
NEW_FAMILY_MEMBERS: Final = 2
MAX_NEW_MEMBERS: Final = 15
FAMILY_FORM_FIELDS: Final = tuple(f for _, names in FAMILY_SECTIONS for f in names)
_SLUGS: Final = {
    CORRECT: "koreksi",
    ADD_MEMBER: "tambah-anggota",
    REMOVE_MEMBER: "keluarkan-anggota",
    DEACTIVATE: "nonaktifkan",
    REACTIVATE: "aktifkan",
}


def labeller(lang: str) -> Callable[[str, Any], str]:
    """``label(group, value)`` for the templates: the words for a value of a group of
    ``family.yaml`` (status, reason_code, kind, program_status), else the value itself."""

    def label(group: str, value: Any) -> str:
        if value is None or value == "":
            return "-"
        key = f"family.{group}.{str(value).strip().lower().replace(' ', '_')}"
        return text(key, lang) if has_text(key) else str(value)

    return label


def page(
    request: Request,
    state: AppState,
    template: str,
    lang: str,
    session: PageSession,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page of this module: the shared layout's context and ``label``."""
    return render(
        request,
        state,
        template,
        lang,
        session,
        status_code,
        label=labeller(lang),
        field_label=lambda name: field_label(name, lang),
        **context,
    )


def _forbidden_unless_proposer(session: PageSession, lang: str) -> None:
    if not session.user.can_propose:
        raise WebError(403, "forbidden", text("family.only_operator", lang))


def _chosen_kind(value: str, allowed: tuple[str, ...], lang: str) -> str:
    try:
        kind = parse_kind(value or CORRECT)
    except InvalidProposal:
        kind = ""
    if kind not in allowed:
        raise services.not_found(text("family.unknown_kind", lang))
    return kind


def person_id_or_404(state: AppState, session: PageSession, ref: str) -> int:
    """The person's id for a PERSON_ID in scope (the person's family in the user's region)."""
    parsed = parse_code(ref.strip())
    if parsed is None or parsed[0] != "person":
        raise services.not_found()
    if not person_in_scope(state.engine, session.user, parsed[1]):
        raise services.not_found()
    return parsed[1]


# -- the family page ---------------------------------------------------------------------------
@router.get("/keluarga/{family_ref}", response_class=HTMLResponse)
def family_page(
    request: Request, family_ref: str, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    family_id = services.family_id_or_404(state.engine, session.user, family_ref)
    detail = family_detail(state.engine, session.user, family_id)
    if detail is None:
        raise services.not_found()
    dims = detail.welfare.skor_dimensi if detail.welfare else {}
    dim_chart = (
        bar_chart(
            [(code_label("dimension", k, lang)[:12], 100 * float(v)) for k, v in dims.items()],
            title=translate(lang, "deprivation"),
            color="#8a5a00",
        )
        if dims
        else None
    )
    return page(
        request,
        state,
        "family.html",
        lang,
        session,
        f=detail,
        places={len(w.kode): w.nama for w in detail.wilayah},
        dim_chart=dim_chart,
        slugs=_SLUGS,
        message=request.query_params.get("pesan"),
    )


# -- the person page ---------------------------------------------------------------------------
@router.get("/anggota/{person_ref}", response_class=HTMLResponse)
def person_page(
    request: Request, person_ref: str, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    person_id = person_id_or_404(state, session, person_ref)
    detail = person_detail(state.engine, session.user, person_id)
    if detail is None:  # pragma: no cover - checked just above
        raise services.not_found()
    return page(request, state, "person.html", lang, session, p=detail, slugs=_SLUGS)


# -- proposal forms ----------------------------------------------------------------------------
def _form_page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    *,
    kind: str,
    target: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A proposal form about a family or a member, filled with ``values``."""
    person_fields_shown = kind == ADD_MEMBER or (kind == CORRECT and "person" in target)
    family_fields_shown = kind == CORRECT and "person" not in target
    return page(
        request,
        state,
        "proposal_form.html",
        lang,
        session,
        status_code,
        kind=kind,
        target=target,
        sections=family_sections(lang) if family_fields_shown else [],
        fields=person_fields(lang) if person_fields_shown else [],
        reasons=DEACTIVATION_REASONS,
        values=values,
        errors=errors or {},
        problem=problem,
    )


def _family_target(state: AppState, session: PageSession, family_ref: str) -> dict[str, Any]:
    family_id = services.family_id_or_404(state.engine, session.user, family_ref)
    detail = family_detail(state.engine, session.user, family_id)
    if detail is None:
        raise services.not_found()
    head = next((m.nama for m in detail.members if m.current and m.hub_keluarga == 1), None)
    return {
        "family_id": detail.family_id,
        "id": family_id,
        "head": head,
        "status": detail.status,
        "action": f"/keluarga/{detail.family_id}/usulan",
        "back": f"/keluarga/{detail.family_id}",
    }


def _person_target(
    state: AppState, session: PageSession, person_ref: str, lang: str
) -> dict[str, Any]:
    person_id = person_id_or_404(state, session, person_ref)
    detail = person_detail(state.engine, session.user, person_id)
    if detail is None or detail.family is None:
        # A person with no current family can be proposed about only through the family.
        raise WebError(409, "no_family", text("family.no_current_family", lang))
    parsed = parse_code(detail.family.family_id)
    return {
        "family_id": detail.family.family_id,
        "id": parsed[1] if parsed else None,
        "person_id": detail.person_id,
        "person": person_id,
        "nama": detail.nama,
        "status": detail.status,
        "action": f"/anggota/{detail.person_id}/usulan",
        "back": f"/anggota/{detail.person_id}",
    }


@router.get("/keluarga/{family_ref}/usulan", response_class=HTMLResponse)
def family_proposal_form(
    request: Request,
    family_ref: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    jenis: Annotated[str, Query(max_length=30)] = "koreksi",
) -> HTMLResponse:
    _forbidden_unless_proposer(session, lang)
    kind = _chosen_kind(jenis, FAMILY_KINDS, lang)
    target = _family_target(state, session, family_ref)
    values: dict[str, str] = {}
    if kind == CORRECT:
        current = family_values(state.engine, target["id"])
        values = {f: form_value(current.get(f)) for f in FAMILY_FORM_FIELDS}
    values["submit_now"] = "1"
    return _form_page(request, state, lang, session, kind=kind, target=target, values=values)


@router.get("/anggota/{person_ref}/usulan", response_class=HTMLResponse)
def person_proposal_form(
    request: Request,
    person_ref: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    jenis: Annotated[str, Query(max_length=30)] = "koreksi",
) -> HTMLResponse:
    _forbidden_unless_proposer(session, lang)
    kind = _chosen_kind(jenis, PERSON_KINDS, lang)
    target = _person_target(state, session, person_ref, lang)
    values: dict[str, str] = {"submit_now": "1"}
    if kind == CORRECT:
        current = person_values(state.engine, target["person"])
        values |= {f: form_value(current.get(f)) for f in PERSON_FORM_FIELDS}
    return _form_page(request, state, lang, session, kind=kind, target=target, values=values)


def _typed(form: FormData) -> dict[str, str]:
    """What the form's text fields held, to fill the form in again."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}


def _uploads(form: FormData) -> list[UploadFile]:
    return [u for u in form.getlist("bukti") if isinstance(u, UploadFile)]


def _content(
    state: AppState, kind: str, target: dict[str, Any], form: FormData, lang: str
) -> tuple[dict[str, Any] | None, str | None, Checked]:
    """The proposal's values and reason from the form, with the errors found by field."""
    reason = str(form.get("reason") or "").strip() or None
    checked = Checked()
    if kind in (DEACTIVATE, REMOVE_MEMBER):
        if reason not in DEACTIVATION_REASONS:
            checked.errors["reason"] = text("family.error.choose", lang)
        return None, reason, checked
    if kind == REACTIVATE:
        return None, None, checked
    if kind == ADD_MEMBER:
        checked = check_fields("person", form, PERSON_FORM_FIELDS, lang)
        if "hub_keluarga" not in checked.values and "hub_keluarga" not in checked.errors:
            checked.errors["hub_keluarga"] = text("family.error.required", lang)
        return checked.values, None, checked
    # A correction: of the member when the form is a member's, else of the family.
    if target.get("person") is not None:
        names: tuple[str, ...] = PERSON_FORM_FIELDS
        current = person_values(state.engine, target["person"])
        entity = "person"
    else:
        names = FAMILY_FORM_FIELDS
        current = family_values(state.engine, target["id"])
        entity = "family"
    names = tuple(n for n in names if n in form)  # a field not sent is not corrected
    checked = check_fields(entity, form, names, lang, current=current)
    values: dict[str, Any] = changed(current, checked.values)
    values |= {k: v for k, v in cleared(current, form, names).items() if k not in checked.errors}
    if not values and not checked.errors:
        checked.errors["_form"] = text("family.error.nothing_changed", lang)
    return values, None, checked


def _propose(
    state: AppState,
    session: PageSession,
    lang: str,
    kind: str,
    target: dict[str, Any],
    form: FormData,
) -> tuple[int | None, dict[str, str], str | None]:
    """Make the proposal (and attach its evidence, and submit it if asked): its id, or the
    errors by field and the error of the whole form."""
    values, reason, checked = _content(state, kind, target, form, lang)
    problem = checked.errors.pop("_form", None)
    if checked.errors or problem:
        return None, checked.errors, problem
    user = session.user
    with scratch_folder(state.settings.data_dir) as folder:
        files, bad_file = receive(_uploads(form), Path(folder), lang)
        if bad_file:
            return None, {"bukti": bad_file}, None
        note = str(form.get("note") or "").strip() or None
        try:
            created = services.new_proposal(
                state.engine,
                user,
                kind=kind,
                family_ref=target["family_id"],
                person_ref=target.get("person_id"),
                values=values,
                members=None,
                reason=reason,
                note=note,
                workflow=state.workflow(),
            )
        except WebError as exc:
            if exc.status != 422:
                raise
            return None, {}, exc.message
        _finish(state, session, created["id"], files, form)
    return int(created["id"]), {}, None


def _finish(
    state: AppState, session: PageSession, proposal_id: int, files: list[Any], form: FormData
) -> None:
    """Attach the evidence, then submit when the operator asked to (evidence first: a
    verifier sees it with the proposal)."""
    with services.verval_errors():
        attach_all(state.engine, session.user, proposal_id, files, state.settings.evidence_dir)
    if form.get("submit_now"):
        services.decide_one(
            state.engine, session.user, proposal_id, "submit", workflow=state.workflow()
        )


@router.post("/keluarga/{family_ref}/usulan", response_model=None)
async def family_proposal(
    request: Request, family_ref: str, state: StateDep, lang: Lang, session: CsrfChecked
) -> Response:
    """Create a proposal about this family from its form (and submit it at once if asked)."""
    form = await request.form()
    return await run_in_threadpool(
        _post_proposal, request, state, lang, session, form, family_ref, None
    )


@router.post("/anggota/{person_ref}/usulan", response_model=None)
async def person_proposal(
    request: Request, person_ref: str, state: StateDep, lang: Lang, session: CsrfChecked
) -> Response:
    """Create a proposal about this member (a correction, or removing them from the family)."""
    form = await request.form()
    return await run_in_threadpool(
        _post_proposal, request, state, lang, session, form, None, person_ref
    )


def _post_proposal(
    request: Request,
    state: AppState,
    lang: str,
    session: PageSession,
    form: FormData,
    family_ref: str | None,
    person_ref: str | None,
) -> Response:
    _forbidden_unless_proposer(session, lang)
    if person_ref is not None:
        target = _person_target(state, session, person_ref, lang)
        kind = _chosen_kind(str(form.get("kind") or ""), PERSON_KINDS, lang)
    else:
        target = _family_target(state, session, family_ref or "")
        kind = _chosen_kind(str(form.get("kind") or ""), FAMILY_KINDS, lang)
    proposal_id, errors, problem = _propose(state, session, lang, kind, target, form)
    if proposal_id is None:
        return _form_page(
            request,
            state,
            lang,
            session,
            kind=kind,
            target=target,
            values=_typed(form),
            errors=errors,
            problem=problem,
            status_code=422,
        )
    return RedirectResponse(f"/usulan/{proposal_id}", status_code=303)


# -- a new family ------------------------------------------------------------------------------
def _member_count(form: FormData | None, asked: int | None) -> int:
    count = asked or NEW_FAMILY_MEMBERS
    if form is not None:
        try:
            count = int(str(form.get("anggota") or count))
        except ValueError:
            count = NEW_FAMILY_MEMBERS
        if form.get("tambah"):
            count += 1
    return max(1, min(count, MAX_NEW_MEMBERS))


def _new_family_page(
    request: Request,
    state: AppState,
    lang: str,
    session: PageSession,
    values: dict[str, str],
    count: int,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        request,
        state,
        "family_new.html",
        lang,
        session,
        status_code,
        sections=family_sections(lang),
        fields=person_fields(lang),
        count=count,
        values=values,
        errors=errors or {},
        problem=problem,
    )


@router.get("/keluarga-baru", response_class=HTMLResponse)
def new_family_form(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    anggota: Annotated[int | None, Query(ge=1, le=MAX_NEW_MEMBERS)] = None,
) -> HTMLResponse:
    _forbidden_unless_proposer(session, lang)
    region = session.user.region or ""
    values = {"kode_wilayah": region if len(region) == 10 else "", "submit_now": "1"}
    values |= {"m0.hub_keluarga": "1"}
    count = _member_count(None, anggota)
    return _new_family_page(request, state, lang, session, values, count)


@router.post("/keluarga-baru", response_model=None)
async def new_family(
    request: Request, state: StateDep, lang: Lang, session: CsrfChecked
) -> Response:
    """Propose a new family with its members (a family the registry does not hold yet)."""
    form = await request.form()
    return await run_in_threadpool(_post_new_family, request, state, lang, session, form)


def _post_new_family(
    request: Request, state: AppState, lang: str, session: PageSession, form: FormData
) -> Response:
    _forbidden_unless_proposer(session, lang)
    count = _member_count(form, None)
    typed = _typed(form)
    if form.get("tambah"):  # one more member block, nothing is made yet
        return _new_family_page(request, state, lang, session, typed, count)
    family = check_fields("family", form, FAMILY_FORM_FIELDS, lang)
    errors = dict(family.errors)
    members: list[dict[str, Any]] = []
    heads = 0
    for i in range(count):
        prefix = f"m{i}."
        if not any(str(form.get(prefix + f) or "").strip() for f in PERSON_FORM_FIELDS):
            continue  # a block left empty
        member = check_fields("person", form, PERSON_FORM_FIELDS, lang, prefix=prefix)
        errors |= {prefix + k: v for k, v in member.errors.items()}
        if member.values.get("hub_keluarga") == 1:
            heads += 1
        members.append(member.values)
    problem = None
    if not members:
        problem = text("family.error.no_members", lang)
    elif heads != 1 and not errors:
        problem = text("family.error.one_head", lang)
    code = str(family.values.get("kode_wilayah") or "")
    if code and not session.user.covers(code):
        errors["kode_wilayah"] = text("family.error.outside_region", lang)
    if errors or problem:
        return _new_family_page(request, state, lang, session, typed, count, errors, problem, 422)
    with scratch_folder(state.settings.data_dir) as folder:
        files, bad_file = receive(_uploads(form), Path(folder), lang)
        if bad_file:
            errors = {"bukti": bad_file}
            return _new_family_page(request, state, lang, session, typed, count, errors, None, 422)
        try:
            created = services.new_proposal(
                state.engine,
                session.user,
                kind=NEW_FAMILY,
                family_ref=None,
                person_ref=None,
                values=family.values,
                members=members,
                reason=None,
                note=str(form.get("note") or "").strip() or None,
                workflow=state.workflow(),
            )
        except WebError as exc:
            if exc.status != 422:
                raise
            return _new_family_page(
                request, state, lang, session, typed, count, None, exc.message, 422
            )
        _finish(state, session, int(created["id"]), files, form)
    return RedirectResponse(f"/usulan/{created['id']}", status_code=303)


# -- evidence ----------------------------------------------------------------------------------
_MEDIA: Final = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


@router.get("/bukti/{evidence_id}")
def evidence_file(
    evidence_id: int, state: StateDep, lang: Lang, session: SessionDep
) -> FileResponse:
    """A proposal's evidence file, for those who see personal data in full in its region
    (a KTP or KK scan shows the whole NIK)."""
    with state.engine.connect() as conn:
        row = conn.execute(
            sql(
                "SELECT e.sha256, e.file_name, p.kode_wilayah FROM proposal_evidence e "
                "JOIN proposal p ON p.id = e.proposal_id WHERE e.id = :id"
            ),
            {"id": evidence_id},
        ).first()
    if row is None or not session.user.covers(row.kode_wilayah):
        raise services.not_found()
    if not disclosure(session.user).full:
        raise WebError(403, "forbidden", text("family.evidence_masked", lang))
    path = evidence_path(state.settings.evidence_dir, row.sha256)
    if not path.is_file():
        raise services.not_found()
    suffix = Path(row.file_name).suffix.lower()
    return FileResponse(
        path,
        media_type=_MEDIA.get(suffix, "application/octet-stream"),
        filename=row.file_name,
        content_disposition_type="attachment",
    )


__all__ = ["router"]
