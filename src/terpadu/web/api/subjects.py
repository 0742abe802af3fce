"""Data-subject routes (UU PDP): the report on one NIK, and a correction request.

``GET /api/v1/subjects/{nik}`` answers what :func:`terpadu.subjects.subject_report`
gathers, within the caller's role and region, and audits it;
``POST /api/v1/subjects/{nik}/corrections`` records the person's request as a draft
correction proposal (desa operators).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from terpadu.access import PermissionDenied
from terpadu.subjects import (
    InvalidSubjectNik,
    SubjectNotFound,
    request_correction,
    subject_report,
)
from terpadu.verval.errors import InvalidProposal, VervalError
from terpadu.verval.records import proposal_code
from terpadu.web.deps import CurrentUser, EngineDep
from terpadu.web.errors import ERROR_RESPONSES, WebError, refusal

router = APIRouter(prefix="/api/v1/subjects", tags=["subjek data"], responses=ERROR_RESPONSES)

Nik = Annotated[str, PathParam(pattern=r"^[0-9]{16}$", description="The person's NIK.")]


class SubjectReportPublic(BaseModel):
    """Everything the registry holds on one NIK within the caller's region."""

    nik: str
    dibuat_utc: str
    oleh: str
    peran: str
    wilayah_kerja: str | None
    data: dict[str, list[dict[str, Any]]]
    di_luar_wilayah: dict[str, int]
    event_audit: int | None


class CorrectionIn(BaseModel):
    """A person's correction request: the values as they should be and their statement."""

    values: dict[str, str | int | float | None] = Field(min_length=1, max_length=30)
    statement: str = Field(min_length=1, max_length=4000)
    person_id: int | None = Field(default=None, ge=1, le=2**62)


class CorrectionPublic(BaseModel):
    proposal_id: int
    code: str


def _answer(exc: Exception) -> WebError:
    if isinstance(exc, PermissionDenied):
        return refusal(exc)
    if isinstance(exc, SubjectNotFound):
        return WebError(404, "not_found", str(exc))
    if isinstance(exc, (InvalidSubjectNik, InvalidProposal)):
        return WebError(422, exc.code, str(exc))
    if isinstance(exc, VervalError):
        return WebError(400, "verval_error", str(exc))
    raise exc


@router.get("/{nik}")
def subject(
    nik: Nik,
    user: CurrentUser,
    engine: EngineDep,
    purpose: Annotated[
        str, Query(min_length=1, max_length=200, description="Why (e.g. the request's number).")
    ],
) -> SubjectReportPublic:
    """Everything held on one NIK in your region (roles that see full NIKs); audited."""
    try:
        report = subject_report(engine, user.actor, nik, purpose=purpose, channel="api")
    except (PermissionDenied, SubjectNotFound, InvalidSubjectNik) as exc:
        raise _answer(exc) from exc
    return SubjectReportPublic(**report.as_dict())


@router.post("/{nik}/corrections", status_code=201)
def correction(
    nik: Nik, body: CorrectionIn, user: CurrentUser, engine: EngineDep
) -> CorrectionPublic:
    """Record the person's correction request as a draft correction proposal (desa operator)."""
    try:
        proposal_id = request_correction(
            engine, user.actor, nik, dict(body.values), body.statement, person_id=body.person_id
        )
    except (PermissionDenied, SubjectNotFound, InvalidSubjectNik, VervalError) as exc:
        raise _answer(exc) from exc
    return CorrectionPublic(proposal_id=proposal_id, code=proposal_code(proposal_id))


__all__ = ["router"]
