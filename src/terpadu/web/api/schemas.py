"""API schemas, in families: what comes in (``…In``/``…Create``) and what goes out (``…Public``).

Where a domain read model already is the answer (a family's members, its welfare row, a
search hit), the answer is that dataclass itself: one definition, no field-by-field copy.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from terpadu.registry.families import (
    AuditEntry,
    Member,
    ProposalRef,
    RegionLevel,
    StatusChange,
)
from terpadu.registry.search import PersonHit
from terpadu.targeting.reads import FamilyProgram, ProgramCoverage, ProgramResult
from terpadu.welfare.reads import FamilyWelfare

T = TypeVar("T")


class ReadModel(BaseModel):
    """An answer built from a domain read model's attributes (``model_validate(obj)``)."""

    model_config = ConfigDict(from_attributes=True)


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


class SearchPublic(Page[PersonHit]):
    query: str
    kind: str
    fuzzy: bool = False


# -- the family record (terpadu.registry, welfare and programme reads) -----------------------


class FamilyPublic(ReadModel):
    family_id: str
    id_keluarga: str
    source: str
    no_kk: str | None
    kode_wilayah: str
    wilayah: list[RegionLevel]
    alamat: str | None
    rt: str | None
    rw: str | None
    status: str
    status_reason: str | None
    version: int
    fields: dict[str, Any]
    members: list[Member]
    status_history: list[StatusChange]
    welfare: FamilyWelfare | None
    proposals: list[ProposalRef]
    audit_events: list[AuditEntry]
    programs: list[FamilyProgram] | None


# -- the dashboard -------------------------------------------------------------------------
class DesilCountPublic(ReadModel):
    desil: int
    keluarga: int


class QualityAreaPublic(ReadModel):
    kode: str
    nama: str
    error: int
    warning: int


class QualityCodePublic(ReadModel):
    code: str
    count: int


class DashboardPublic(ReadModel):
    region: str | None
    region_name: str
    families: dict[str, int]
    persons: dict[str, int]
    desil: list[DesilCountPublic]
    quality: list[QualityAreaPublic]
    quality_codes: list[QualityCodePublic]
    programs: list[ProgramCoverage] | None


# -- verval ----------------------------------------------------------------------------------
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


class StepPublic(BaseModel):
    """One step of a proposal's workflow."""

    action: str
    from_state: str | None
    to_state: str
    actor: str
    role: str
    note: str | None
    at: dt.datetime


class CommentPublic(BaseModel):
    author: str
    role: str
    body: str
    at: dt.datetime


class EvidencePublic(BaseModel):
    id: int
    file_name: str
    sha256: str
    size_bytes: int
    description: str | None
    uploaded_by: str
    uploaded_at: dt.datetime


class ProposalDetailPublic(ProposalPublic):
    payload: dict[str, Any]
    reason: str | None
    note: str | None
    levels: list[str]
    stage: int
    batch_id: int | None
    result: dict[str, Any] | None
    steps: list[StepPublic]
    comments: list[CommentPublic]
    evidence: list[EvidencePublic]


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


class PovertyMeasuresPublic(BaseModel):
    """Alkire-Foster measures: families (n), poor families (q), H, A, M0, and the families
    in the desil the programmes target (``desil_program``)."""

    n: int
    q: int
    H: float
    A: float
    M0: float
    desil_program: int


class DimensionPublic(BaseModel):
    dimensi: str
    label: str
    bobot: float
    kontribusi: float
    persen_kontribusi: float
    persen_terdeprivasi: float


class IndicatorPublic(BaseModel):
    dimensi: str
    indikator: str
    label: str
    bobot: float
    persen_terdeprivasi: float
    persen_terdeprivasi_tersensor: float


class PovertyDesilPublic(BaseModel):
    desil: int
    keluarga: int
    persen: float


class PovertyPublic(BaseModel):
    region: str
    region_name: str
    run_id: int
    model_version: str
    ranked_at: str
    reference_date: str
    poverty_cutoff: float
    measures: PovertyMeasuresPublic
    dimensions: list[DimensionPublic]
    indicators: list[IndicatorPublic]
    desil: list[PovertyDesilPublic]
    # One row per region one level down; its desil share is named after the programme desil.
    subregions: list[dict[str, Any]]


class ReviewSidePublic(BaseModel):
    """One registration of a review pair; only ``person_id`` and ``hidden`` when it lies
    outside the reader's region."""

    model_config = ConfigDict(extra="forbid")

    person_id: str
    hidden: bool | None = None
    nik: str | None = None
    nama: str | None = None
    tgl_lahir: str | None = None
    jenis_kelamin: int | None = None
    nama_ibu_kandung: str | None = None
    tempat_lahir: str | None = None
    family_id: str | None = None
    kode_wilayah: str | None = None
    no_kk: str | None = None


class ReviewPairPublic(BaseModel):
    id: int
    match_probability: float
    kode_wilayah: str | None
    state: str
    left: ReviewSidePublic
    right: ReviewSidePublic
    explanation: list[Any] | None


class ProgramPublic(BaseModel):
    rows: list[ProgramResult]
