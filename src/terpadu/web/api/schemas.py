"""API schemas, in families: what comes in (``…In``/``…Create``) and what goes out (``…Public``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list: the items, the total (capped for name search) and where it starts."""

    items: list[T]
    total: int
    total_exact: bool = True
    limit: int
    offset: int


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserPublic(BaseModel):
    username: str
    role: str
    region: str | None
    region_name: str
    sees_full_nik: bool


class PersonHitPublic(BaseModel):
    person_id: str
    nama: str
    nik: str | None
    tgl_lahir: dt.date | None
    jenis_kelamin: int | None
    status: str
    family_id: str
    id_keluarga: str
    no_kk: str | None
    kode_wilayah: str
    nama_wilayah: str


class SearchPublic(Page[PersonHitPublic]):
    query: str
    kind: str
    fuzzy: bool = False


class FamilyRowPublic(BaseModel):
    family_id: str
    id_keluarga: str
    no_kk: str | None
    kode_wilayah: str
    nama_wilayah: str
    status: str
    kepala: str | None


class FamilyPublic(BaseModel):
    family_id: str
    id_keluarga: str
    source: str
    no_kk: str | None
    kode_wilayah: str
    wilayah: list[dict[str, str]]
    alamat: str | None
    rt: str | None
    rw: str | None
    status: str
    status_reason: str | None
    version: int
    fields: dict[str, Any]
    members: list[dict[str, Any]]
    status_history: list[dict[str, Any]]
    welfare: dict[str, Any] | None
    proposals: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]
    programs: list[dict[str, Any]] | None


class DashboardPublic(BaseModel):
    region: str | None
    region_name: str
    families: dict[str, int]
    persons: dict[str, int]
    desil: list[dict[str, int]]
    quality: list[dict[str, Any]]
    quality_codes: list[dict[str, Any]]
    programs: list[dict[str, Any]] | None


class ProposalPublic(BaseModel):
    id: int
    code: str
    kind: str
    state: str
    kode_wilayah: str
    family_id: str | None
    person_id: str | None
    created_by: str
    created_at: dt.datetime
    state_since: dt.datetime
    waiting_on: str | None
    age_days: float
    sla_days: int | None
    overdue: bool
    version: int
    family_version: int | None


class ProposalDetailPublic(ProposalPublic):
    payload: dict[str, Any]
    reason: str | None
    note: str | None
    levels: list[str]
    stage: int
    batch_id: int | None
    result: dict[str, Any] | None
    steps: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    evidence: list[dict[str, Any]]


ProposalKind = Literal[
    "new_family", "add_member", "remove_member", "correct", "deactivate", "reactivate"
]
Action = Literal["submit", "verify", "approve", "reject", "return"]


class ProposalCreate(BaseModel):
    kind: ProposalKind
    family_id: str | None = Field(default=None, description="FAMILY_ID or ID_KELUARGA")
    person_id: str | None = Field(default=None, description="PERSON_ID (ORG…)")
    values: dict[str, Any] | None = None
    members: list[dict[str, Any]] | None = None
    reason: str | None = None
    note: str | None = None


class DecisionIn(BaseModel):
    note: str | None = None
    expected_version: int | None = None
    family_version: int | None = None


class BulkIn(BaseModel):
    action: Action
    ids: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(min_length=1, max_length=500)
    note: str | None = None


class BulkOutcomePublic(BaseModel):
    proposal_id: int
    ok: bool
    state: str | None
    message: str


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class ImportJobPublic(BaseModel):
    id: int
    status: str
    stage: str | None
    step: int
    steps: int
    source: str
    batch_id: int | None
    summary: dict[str, Any] | None
    message: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    errors_csv: str | None
    errors_xlsx: str | None


class PovertyPublic(BaseModel):
    region: str
    region_name: str
    run_id: int
    model_version: str
    ranked_at: str
    reference_date: str
    poverty_cutoff: float
    measures: dict[str, Any]
    dimensions: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    desil: list[dict[str, Any]]
    subregions: list[dict[str, Any]]


class ReviewPairPublic(BaseModel):
    id: int
    match_probability: float
    kode_wilayah: str | None
    state: str
    left: dict[str, Any]
    right: dict[str, Any]
    explanation: list[Any] | None


class ProgramPublic(BaseModel):
    rows: list[dict[str, Any]]
