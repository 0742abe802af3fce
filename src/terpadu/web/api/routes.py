"""JSON routes: the pages' operations for scripts and other systems, region-scoped like them."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response

from terpadu.access import NumberLookupRefused, disclosure
from terpadu.accounts.sessions import API, open_session
from terpadu.accounts.users import LoginFailed, LoginThrottled, authenticate
from terpadu.files import InputFileError, InputLimits
from terpadu.intake import AsOfInvalid, parse_as_of
from terpadu.registry import list_families, region_name, search_persons
from terpadu.registry.families import FamilyRow
from terpadu.web import disclosed, services
from terpadu.web import imports as web_imports
from terpadu.web.api.schemas import (
    Action,
    BulkIn,
    BulkOutcomePublic,
    CommentIn,
    DashboardPublic,
    DecisionIn,
    FamilyPublic,
    ImportJobPublic,
    LoginIn,
    Page,
    PovertyPublic,
    ProgramPublic,
    ProposalCreate,
    ProposalDetailPublic,
    ProposalPublic,
    ReviewPairPublic,
    SearchPublic,
    TokenPublic,
    UserPublic,
)
from terpadu.web.dashboard import dashboard as read_dashboard
from terpadu.web.deps import ApiSessionDep, CurrentUser, EngineDep, StateDep, WorkflowDep
from terpadu.web.errors import ERROR_RESPONSES, WebError
from terpadu.web.family import family_detail

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Id = Annotated[int, PathParam(ge=1, le=2**62)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/login", tags=["auth"])
def login(body: LoginIn, request: Request, state: StateDep) -> TokenPublic:
    """Exchange a username and password for a bearer token (throttled after failures)."""
    ip = client_ip(request)
    try:
        user = authenticate(
            state.engine, body.username, body.password, ip=ip, policy=state.config.lockout
        )
    except LoginThrottled as exc:
        raise WebError(
            429,
            exc.code,
            f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {exc.minutes} menit.",
            headers={"Retry-After": str(exc.retry_after_s)},
        ) from exc
    except LoginFailed as exc:
        raise WebError(401, exc.code, "Nama pengguna atau kata sandi salah.") from exc
    session_id = open_session(
        state.engine,
        user_id=user.id,
        token_version=user.token_version,
        kind=API,
        lifetime_s=state.config.token_max_age_s,
        ip=ip,
    )
    return TokenPublic(
        access_token=state.signer.bearer_token(session_id),
        expires_in=state.config.token_max_age_s,
    )


@router.post("/auth/logout", status_code=204, tags=["auth"])
def logout(session: ApiSessionDep, state: StateDep) -> Response:
    """End this bearer token on the server (it is refused from now on)."""
    state.sessions.end(session.session_id, session.user.actor)
    return Response(status_code=204)


@router.get("/auth/me", tags=["auth"])
def me(user: CurrentUser) -> UserPublic:
    return UserPublic(
        username=user.username,
        role=user.role,
        region=user.region,
        region_name=region_name(user.region) or "Nasional",
        sees_full_nik=user.sees_full_nik,
    )


def search_or_refuse(state: Any, user: Any, q: str, *, limit: int, offset: int) -> Any:
    """The search page, or 403 when a masked reader asks for a full NIK/KK."""
    try:
        return search_persons(state.engine, state.backend, user, q, limit=limit, offset=offset)
    except NumberLookupRefused as exc:
        raise WebError(403, exc.code, exc.message) from exc


@router.get("/search", tags=["registry"])
def search(
    user: CurrentUser,
    state: StateDep,
    q: Annotated[str, Query(max_length=200, description="NIK, KK number, name or FAMILY_ID")],
    limit: Limit = 20,
    offset: Offset = 0,
) -> SearchPublic:
    """Persons in your region by NIK, KK number, public id or (spelling-tolerant) name.

    Roles that see NIKs masked may not search by a full NIK or KK number (403
    ``number_lookup_refused``): an exact look-up would confirm a guessed NIK.
    """
    page = search_or_refuse(state, user, q, limit=limit, offset=offset)
    return SearchPublic(
        # Attributes straight into the public model (asdict deep-copies every field).
        items=list(page.items),
        total=page.total,
        total_exact=page.total_exact,
        limit=page.limit,
        offset=page.offset,
        query=page.query,
        kind=page.kind,
        fuzzy=page.fuzzy,
    )


@router.get("/families", tags=["registry"])
def families(
    user: CurrentUser,
    engine: EngineDep,
    region: Annotated[str | None, Query(max_length=20)] = None,
    status: Literal["aktif", "nonaktif"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[FamilyRow]:
    code = services.scoped_region(user, region) if region else None
    rows, total = list_families(
        engine, user, region=code or None, status=status, limit=limit, offset=offset
    )
    return Page[FamilyRow](
        items=list(rows),
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/families/{family_ref}", tags=["registry"])
def family(family_ref: str, user: CurrentUser, engine: EngineDep) -> FamilyPublic:
    """A family by FAMILY_ID (``KLG…``) or by the sender's ID_KELUARGA.

    404 when it does not exist or lies outside your region; 409 with the choices
    when an ID_KELUARGA is carried by several families (from different sources)
    in your region.
    """
    family_id = services.family_id_or_404(engine, user, family_ref)
    detail = family_detail(engine, user, family_id)
    if detail is None:
        raise services.not_found()
    return FamilyPublic.model_validate(detail)


@router.get("/dashboard", tags=["registry"])
def dashboard(user: CurrentUser, engine: EngineDep) -> DashboardPublic:
    return DashboardPublic.model_validate(read_dashboard(engine, user))


@router.get("/proposals", tags=["verval"])
def proposals(
    user: CurrentUser,
    engine: EngineDep,
    workflow: WorkflowDep,
    state: Literal["draft", "submitted", "verified", "approved", "rejected", "returned"]
    | None = None,
    waiting_for_me: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ProposalPublic]:
    rows, total = services.proposals_page(
        engine,
        user,
        state=state,
        waiting_for_me=waiting_for_me,
        limit=limit,
        offset=offset,
        workflow=workflow,
    )
    return Page[ProposalPublic](
        items=[ProposalPublic(**r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post("/proposals", status_code=201, tags=["verval"])
def create(
    body: ProposalCreate, user: CurrentUser, engine: EngineDep, workflow: WorkflowDep
) -> ProposalPublic:
    """Create a proposal (draft); the desa operator then submits it."""
    data = services.new_proposal(
        engine,
        user,
        kind=body.kind,
        family_ref=body.family_id,
        person_ref=body.person_id,
        values=body.values,
        members=body.members,
        reason=body.reason,
        note=body.note,
        workflow=workflow,
    )
    return ProposalPublic(**data)


@router.post("/proposals/bulk", tags=["verval"])
def bulk(
    body: BulkIn, user: CurrentUser, engine: EngineDep, workflow: WorkflowDep
) -> list[BulkOutcomePublic]:
    """Decide many proposals; each in its own transaction, failures listed."""
    outcomes = services.decide_many(
        engine, user, body.ids, body.action, body.note, workflow=workflow
    )
    return [BulkOutcomePublic(**o) for o in outcomes]


@router.get("/proposals/{proposal_id}", tags=["verval"])
def proposal(
    proposal_id: Id,
    user: CurrentUser,
    engine: EngineDep,
    workflow: WorkflowDep,
) -> ProposalDetailPublic:
    detail = services.proposal_detail(engine, user, proposal_id, workflow=workflow)
    return ProposalDetailPublic(**detail)


@router.post("/proposals/{proposal_id}/comments", status_code=201, tags=["verval"])
def add_comment(
    proposal_id: Id, body: CommentIn, user: CurrentUser, engine: EngineDep, workflow: WorkflowDep
) -> ProposalDetailPublic:
    services.comment(engine, user, proposal_id, body.body)
    detail = services.proposal_detail(engine, user, proposal_id, workflow=workflow)
    return ProposalDetailPublic(**detail)


@router.post("/proposals/{proposal_id}/{action}", tags=["verval"])
def act(
    proposal_id: Id,
    action: Action,
    user: CurrentUser,
    engine: EngineDep,
    workflow: WorkflowDep,
    body: DecisionIn | None = None,
) -> ProposalPublic:
    """Submit, verify, approve, reject or return a proposal (reject and return need a note)."""
    body = body or DecisionIn()
    return ProposalPublic(
        **services.decide_one(
            engine,
            user,
            proposal_id,
            action,
            note=body.note,
            expected_version=body.expected_version,
            family_version=body.family_version,
            workflow=workflow,
        )
    )


def job_public(job: dict[str, Any]) -> ImportJobPublic:
    done = job["status"] == "done"
    job = {
        k: (v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v)
        for k, v in job.items()
    }
    base = f"/api/v1/imports/{job['id']}/errors"
    return ImportJobPublic(
        **{k: job[k] for k in ImportJobPublic.model_fields if k in job},
        errors_csv=f"{base}?format=csv" if done else None,
        errors_xlsx=f"{base}?format=xlsx" if done else None,
    )


def save_upload(upload: UploadFile, target: Path, max_bytes: int) -> None:
    """Copy an upload to ``target``, readable by the server's user only (it holds NIKs)."""
    written = 0
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        while block := upload.file.read(1 << 20):
            written += len(block)
            if written > max_bytes:  # the caller removes the job's folder, this file with it
                raise WebError(
                    413,
                    "too_large",
                    f"Berkas {Path(upload.filename or target.name).name} terlalu besar: "
                    f"batas {max_bytes} byte per berkas.",
                )
            handle.write(block)


def safe_name(name: str | None, fallback: str) -> str:
    base = Path(name or fallback).name
    suffix = Path(base).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xls", ".parquet", ".txt"):
        suffix = ".csv"
    return f"{fallback}{suffix}"


def start_import(
    state: Any,
    user: Any,
    keluarga: UploadFile,
    anggota: UploadFile,
    source: str | None,
    sheets: tuple[str | None, str | None] = (None, None),
    as_of: str | None = None,
) -> int:
    """Save the uploads and start the import job; ``sheets``: the XLSX sheets to read
    (blank: the first); ``as_of``: the date the data was collected (blank: unknown)."""
    if not user.can_import:
        raise WebError(403, "forbidden", "Peran Anda hanya dapat membaca; impor tidak diizinkan.")
    try:
        collected = parse_as_of(as_of) if as_of and as_of.strip() else None
    except AsOfInvalid as exc:
        raise WebError(
            422,
            "validation_error",
            str(exc),
            details=[{"loc": ["body", "as_of"], "msg": str(exc), "type": "as_of_invalid"}],
        ) from exc
    if collected is not None and collected > dt.date.today():
        message = "Tanggal data ada di masa depan; isi tanggal pengumpulan data kiriman ini."
        raise WebError(
            422,
            "validation_error",
            message,
            details=[{"loc": ["body", "as_of"], "msg": message, "type": "as_of_future"}],
        )
    folder = web_imports.private_folder(
        state.config.settings.web_imports_dir / secrets.token_hex(8)
    )
    k = folder / safe_name(keluarga.filename, "keluarga")
    a = folder / safe_name(anggota.filename, "anggota")
    try:
        save_upload(keluarga, k, state.config.upload_max_bytes)
        save_upload(anggota, a, state.config.upload_max_bytes)
    except WebError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = (source or "").strip()[:100] or f"web-{user.region or 'nasional'}"
    chosen = ((sheets[0] or "").strip() or None, (sheets[1] or "").strip() or None)
    limits = InputLimits.from_settings(state.config.settings)
    # Families outside the user's region are refused now, while the user is waiting for
    # the answer, not in a job that fails later.
    checked = True
    try:
        web_imports.check_region(user, k, chosen[0], limits)
    except web_imports.OutsideRegion as exc:
        shutil.rmtree(folder, ignore_errors=True)
        details = {"region": exc.region, "codes": exc.codes, "more": exc.more}
        raise WebError(403, "outside_region", str(exc), details=details) from exc
    except InputFileError:
        checked = False  # a file that cannot be read: the job says what is wrong with it
    job_id = web_imports.create_job(state.engine, user, name, folder)
    web_imports.start_job(
        state.engine,
        user,
        job_id,
        k,
        a,
        name,
        sheets=chosen,
        as_of=collected,
        wait_s=state.config.settings.import_wait_s,
        limits=limits,
        chunk_rows=state.config.settings.import_chunk_rows,
        runner=state.import_runner,
        region_checked=checked,
    )
    return job_id


@router.post("/imports", status_code=202, tags=["import"])
def import_files(
    user: CurrentUser,
    state: StateDep,
    keluarga: Annotated[UploadFile, File(description="keluarga file")],
    anggota: Annotated[UploadFile, File(description="anggota file")],
    source: Annotated[str | None, Form(max_length=100)] = None,
    sheet_keluarga: Annotated[
        str | None, Form(max_length=100, description="XLSX sheet of the keluarga file")
    ] = None,
    sheet_anggota: Annotated[
        str | None, Form(max_length=100, description="XLSX sheet of the anggota file")
    ] = None,
    as_of: Annotated[
        str | None,
        Form(
            max_length=10,
            description="Date the data was collected (YYYY-MM-DD, or a period YYYY-MM: its "
            "last day). A value the registry changed after it is kept.",
        ),
    ] = None,
) -> ImportJobPublic:
    """Upload a keluarga and an anggota file; the import runs in the background.

    For XLSX files the first sheet is read unless a sheet is named; one workbook may be
    sent as both files with both sheets named. Without ``as_of`` a value the registry
    already replaced (by a later batch or an approved proposal) is kept, with a warning.
    """
    job_id = start_import(
        state, user, keluarga, anggota, source, (sheet_keluarga, sheet_anggota), as_of
    )
    job = web_imports.get_job(state.engine, user, job_id)
    assert job is not None
    return job_public(disclosed.import_job(job, disclosure(user)))


@router.get("/imports/{job_id}", tags=["import"])
def import_job(job_id: Id, user: CurrentUser, engine: EngineDep) -> ImportJobPublic:
    job = web_imports.get_job(engine, user, job_id)
    if job is None:
        raise services.not_found()
    return job_public(disclosed.import_job(job, disclosure(user)))


@router.get(
    "/imports/{job_id}/errors",
    tags=["import"],
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
)
def import_errors(
    job_id: Id,
    user: CurrentUser,
    engine: EngineDep,
    format: Literal["csv", "xlsx"] = "csv",
) -> FileResponse:
    """The problems found by the import, as CSV or XLSX."""
    job = web_imports.get_job(engine, user, job_id)
    if job is None:
        raise services.not_found()
    path = disclosed.problem_list(job, format, disclosure(user))
    if path is None:
        raise WebError(409, "not_ready", "Impor belum selesai; daftar masalah belum ada.")
    return FileResponse(path, filename=path.name)


@router.get("/reports/poverty", tags=["reports"])
def poverty(
    user: CurrentUser,
    engine: EngineDep,
    region: Annotated[str | None, Query(max_length=20)] = None,
) -> PovertyPublic:
    """Poverty profile (desil, H, A, M0, dimensions) of your region or a region below it."""
    return PovertyPublic(**services.poverty(engine, user, region))


# A side outside the reader's region carries only person_id and hidden.
@router.get("/linkage/review", tags=["linkage"], response_model_exclude_unset=True)
def review(
    user: CurrentUser, engine: EngineDep, limit: Limit = 20, offset: Offset = 0
) -> Page[ReviewPairPublic]:
    """Pending pairs of the linkage review queue in your region."""
    rows, total = services.review_pairs(engine, user, limit=limit, offset=offset)
    return Page[ReviewPairPublic](
        items=[ReviewPairPublic(**r) for r in rows],
        total=total,
        total_exact=True,
        limit=limit,
        offset=offset,
    )


@router.get("/programs", tags=["targeting"])
def programs(user: CurrentUser, engine: EngineDep) -> ProgramPublic:
    """Programme results in your region."""
    rows = services.program_results(engine, user)
    return ProgramPublic(rows=list(rows))
