"""Institution and workforce routes: what the ``/lembaga`` and ``/sdm`` pages show and change.

Reads are for every account within its region (NIK and region codes masked for masked
roles, as everywhere); changes are for kab/kota verifiers and province admins, checked
against their region and audited by :mod:`terpadu.services.social_records` and
:mod:`terpadu.services.institutions`. Something outside the caller's region does not exist
(404), as elsewhere in the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from terpadu.access import Disclosure, PermissionDenied, disclosure
from terpadu.errors import TerpaduError
from terpadu.services.institutions import (
    InstitutionRow,
    ResidentRow,
    discharge,
    list_residents,
    occupancy,
)
from terpadu.services.social_records import (
    InstitutionDetail,
    InstitutionForm,
    WorkerForm,
    admit_in_region,
    assign_regions,
    certify_worker,
    institution_detail,
    record_accreditation,
    save_institution,
    save_worker,
    worker_detail,
)
from terpadu.services.workforce import Caseload, WorkerRow, caseloads, short_of_staff
from terpadu.store.ids import parse_code, person_code
from terpadu.web import social_tables as tables
from terpadu.web.auth import WebUser
from terpadu.web.deps import CurrentUser, EngineDep
from terpadu.web.errors import ERROR_RESPONSES, WebError, refusal

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

Id = Annotated[int, PathParam(ge=1, le=2**62)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Months = Annotated[int, Query(ge=1, le=36, description="Months ahead that count as expiring.")]
Kind = Literal["children", "elderly", "disability", "rehabilitation", "other"]
Owner = Literal["government", "regional", "community"]
Form_ = Literal["panti", "lks", "lk3", "rumah_singgah"]
Role = Literal[
    "tksk",
    "sakti_peksos",
    "penyuluh",
    "pendamping_pkh",
    "pendamping_kube",
    "psm",
    "tagana",
    "karang_taruna",
]
RegionFilter = Annotated[str, Query(max_length=13, pattern=r"^[0-9.]*$")]
Level = Annotated[
    int, Query(ge=4, le=10, description="Digits of the region: 4 kab/kota, 6 kecamatan, 10 desa.")
]


# -- schemas --------------------------------------------------------------------------------
class InstitutionPublic(BaseModel):
    """An institution in a list; ``kode_wilayah`` down to kab/kota for masked roles."""

    id: int
    registration_no: str
    name: str
    form: str
    kind: str
    owner: str
    accreditation: str | None
    accreditation_expires: dt.date | None
    capacity: int
    residents: int
    staff_count: int
    kode_wilayah: str | None


class InstitutionPage(BaseModel):
    items: list[InstitutionPublic]
    total: int
    counts: dict[str, int] = Field(description="Institutions per kind, over the whole filter.")
    capacity: int
    residents: int
    limit: int
    offset: int


class ResidentPublic(BaseModel):
    """A stay: a registry person, NIK masked for masked roles."""

    id: int
    person_id: str
    name: str
    nik: str | None
    admitted_on: dt.date
    admission_reason: str | None
    discharged_on: dt.date | None
    discharge_reason: str | None


class InstitutionDetailPublic(BaseModel):
    id: int
    registration_no: str
    name: str
    form: str
    kind: str
    owner: str
    legal_status: str | None
    accreditation: str | None
    accredited_on: dt.date | None
    accreditation_expires: dt.date | None
    capacity: int
    staff_count: int
    kode_wilayah: str | None
    address: str | None
    residents: list[ResidentPublic]


class InstitutionIn(BaseModel):
    """Register or change an institution."""

    registration_no: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    form: Form_
    kind: Kind
    owner: Owner
    kode_wilayah: str = Field(max_length=13, description="Kab/kota, kecamatan or desa code.")
    legal_status: str | None = Field(None, max_length=200)
    capacity: int = Field(0, ge=0, le=1_000_000)
    staff_count: int = Field(0, ge=0, le=1_000_000)
    address: str | None = Field(None, max_length=2000)


class AccreditationIn(BaseModel):
    grade: Literal["A", "B", "C"]
    accredited_on: dt.date
    expires: dt.date


class AdmissionIn(BaseModel):
    person_id: str = Field(max_length=40, description="PERSON_ID (ORG…) found by /search.")
    admitted_on: dt.date
    reason: str = Field(min_length=1, max_length=2000)


class DischargeIn(BaseModel):
    discharged_on: dt.date
    reason: str = Field(min_length=1, max_length=2000)


class OccupancyPublic(BaseModel):
    kode_wilayah: str | None
    kind: str
    institutions: int
    capacity: int
    residents: int
    rate: float | None = Field(description="Residents per place; above 1 is over capacity.")


class PipelinePublic(BaseModel):
    months: int
    expired: list[InstitutionPublic]
    expiring: list[InstitutionPublic]
    never: list[InstitutionPublic]


class WorkerPublic(BaseModel):
    """A worker; NIK masked and regions down to kab/kota for masked roles."""

    id: int
    nik: str | None
    name: str
    role: str
    certified: bool
    certified_on: dt.date | None
    regions: list[str]
    username: str | None
    organisation: str | None
    position: str | None
    active: bool
    open_complaints: int


class WorkerPage(BaseModel):
    items: list[WorkerPublic]
    total: int
    counts: dict[str, int] = Field(description="Workers per role, over the whole filter.")
    limit: int
    offset: int


class WorkerIn(BaseModel):
    nik: str = Field(pattern=r"^[0-9]{16}$")
    name: str = Field(min_length=1, max_length=200)
    role: Role
    regions: list[str] = Field(min_length=1, max_length=50)
    username: str | None = Field(None, max_length=100)
    position: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=50)
    active: bool = True


class CertificationIn(BaseModel):
    certified_on: dt.date


class RegionsIn(BaseModel):
    regions: list[str] = Field(min_length=1, max_length=50)


class CaseloadPublic(BaseModel):
    kode_wilayah: str | None
    load: int
    staff: int
    norm: int
    needed: int
    shortfall: int


class CaseloadsPublic(BaseModel):
    role: str
    level: int
    regions: list[CaseloadPublic]
    short: list[CaseloadPublic] = Field(description="Regions short of staff, largest first.")


# -- helpers --------------------------------------------------------------------------------
@contextmanager
def _refusals() -> Iterator[None]:
    """A refused change: 403 for role or region, 422 with the reason for bad values."""
    try:
        yield
    except PermissionDenied as exc:
        raise refusal(exc) from exc
    except TerpaduError as exc:
        raise WebError(422, getattr(exc, "code", "invalid"), str(exc)) from exc


def _level(level: int) -> None:
    if level not in (4, 6, 10):
        raise WebError(422, "invalid_level", f"Tingkat wilayah {level} harus 4, 6 atau 10 digit.")


def _institution_public(row: InstitutionRow, shown: Disclosure) -> InstitutionPublic:
    return InstitutionPublic(
        id=row.id,
        registration_no=row.registration_no,
        name=row.name,
        form=row.form,
        kind=row.kind,
        owner=row.owner,
        accreditation=row.accreditation,
        accreditation_expires=row.accreditation_expires,
        capacity=row.capacity,
        residents=row.residents,
        staff_count=row.staff_count,
        kode_wilayah=shown.region(row.kode_wilayah),
    )


def _resident_public(row: ResidentRow, shown: Disclosure) -> ResidentPublic:
    return ResidentPublic(
        id=row.id,
        person_id=person_code(row.person_id),
        name=row.name,
        nik=shown.nik(row.nik),
        admitted_on=row.admitted_on,
        admission_reason=shown.text(row.admission_reason),
        discharged_on=row.discharged_on,
        discharge_reason=shown.text(row.discharge_reason),
    )


def _detail(engine: EngineDep, user: WebUser, institution_id: int) -> InstitutionDetail:
    try:
        return institution_detail(engine, institution_id, region=user.region)
    except TerpaduError as exc:
        raise WebError(404, "not_found", str(exc)) from exc


def _detail_public(
    engine: EngineDep, user: WebUser, institution_id: int
) -> InstitutionDetailPublic:
    d = _detail(engine, user, institution_id)
    shown = disclosure(user)
    residents = list_residents(engine, d.id, current_only=False)
    return InstitutionDetailPublic(
        id=d.id,
        registration_no=d.registration_no,
        name=d.name,
        form=d.form,
        kind=d.kind,
        owner=d.owner,
        legal_status=d.legal_status,
        accreditation=d.accreditation,
        accredited_on=d.accredited_on,
        accreditation_expires=d.accreditation_expires,
        capacity=d.capacity,
        staff_count=d.staff_count,
        kode_wilayah=shown.region(d.kode_wilayah),
        address=shown.hidden(d.address),
        residents=[_resident_public(r, shown) for r in residents],
    )


def _institution_form(body: InstitutionIn) -> InstitutionForm:
    return InstitutionForm(
        registration_no=body.registration_no,
        name=body.name,
        form=body.form,
        kind=body.kind,
        owner=body.owner,
        kode_wilayah=body.kode_wilayah.replace(".", ""),
        legal_status=body.legal_status,
        capacity=body.capacity,
        staff_count=body.staff_count,
        address=body.address,
    )


# -- institutions ---------------------------------------------------------------------------
@router.get("/institutions", tags=["institutions"])
def institutions(
    user: CurrentUser,
    engine: EngineDep,
    kind: Kind | None = None,
    owner: Owner | None = None,
    region: RegionFilter = "",
    accreditation: Literal["valid", "expiring", "expired", "never"] | None = None,
    months: Months = tables.EXPIRING_MONTHS,
    limit: Limit = 50,
    offset: Offset = 0,
) -> InstitutionPage:
    """LKS and panti of your region with their current residents, by name."""
    chosen = tables.InstitutionFilter(
        kind=kind or "",
        owner=owner or "",
        region=region.replace(".", ""),
        accreditation=accreditation or "",
        months=months,
    )
    rows = tables.institutions(engine, user.region, chosen, dt.date.today())
    shown = disclosure(user)
    return InstitutionPage(
        items=[_institution_public(r, shown) for r in rows[offset : offset + limit]],
        total=len(rows),
        counts=tables.institution_counts(rows),
        capacity=sum(r.capacity for r in rows),
        residents=sum(r.residents for r in rows),
        limit=limit,
        offset=offset,
    )


@router.get("/institutions/occupancy", tags=["institutions"])
def institution_occupancy(
    user: CurrentUser, engine: EngineDep, level: Level = 4
) -> list[OccupancyPublic]:
    """Capacity against residents per region (4 kab/kota, 6 kecamatan, 10 desa) and kind."""
    _level(level)
    shown = disclosure(user)
    return [
        OccupancyPublic(
            kode_wilayah=shown.region(o.kode_wilayah),
            kind=o.kind,
            institutions=o.institutions,
            capacity=o.capacity,
            residents=o.residents,
            rate=o.rate,
        )
        for o in occupancy(engine, region=user.region, digits=level)
    ]


@router.get("/institutions/accreditation", tags=["institutions"])
def accreditation_pipeline(
    user: CurrentUser, engine: EngineDep, months: Months = tables.EXPIRING_MONTHS
) -> PipelinePublic:
    """Institutions needing an accreditation visit: expired, expiring, never accredited."""
    pipeline = tables.pipeline_within(engine, user.region, dt.date.today(), months)
    shown = disclosure(user)
    return PipelinePublic(
        months=months,
        expired=[_institution_public(r, shown) for r in pipeline.expired],
        expiring=[_institution_public(r, shown) for r in pipeline.expiring],
        never=[_institution_public(r, shown) for r in pipeline.never],
    )


@router.get("/institutions/{institution_id}", tags=["institutions"])
def institution(
    user: CurrentUser, engine: EngineDep, institution_id: Id
) -> InstitutionDetailPublic:
    """One institution with every stay (current and past)."""
    return _detail_public(engine, user, institution_id)


@router.post("/institutions", status_code=201, tags=["institutions"])
def register_institution(
    user: CurrentUser, engine: EngineDep, body: InstitutionIn
) -> InstitutionDetailPublic:
    """Register an institution (kab/kota verifiers, province admins; audited)."""
    with _refusals():
        ident = save_institution(engine, user.actor, _institution_form(body))
    return _detail_public(engine, user, ident)


@router.put("/institutions/{institution_id}", tags=["institutions"])
def change_institution(
    user: CurrentUser, engine: EngineDep, institution_id: Id, body: InstitutionIn
) -> InstitutionDetailPublic:
    """Change an institution's data (audited, before and after)."""
    _detail(engine, user, institution_id)
    with _refusals():
        save_institution(engine, user.actor, _institution_form(body), institution_id=institution_id)
    return _detail_public(engine, user, institution_id)


@router.post("/institutions/{institution_id}/accreditation", tags=["institutions"])
def accredit(
    user: CurrentUser, engine: EngineDep, institution_id: Id, body: AccreditationIn
) -> InstitutionDetailPublic:
    """Record an accreditation: grade, date given, expiry."""
    _detail(engine, user, institution_id)
    with _refusals():
        record_accreditation(
            engine,
            user.actor,
            institution_id,
            grade=body.grade,
            accredited_on=body.accredited_on,
            expires=body.expires,
        )
    return _detail_public(engine, user, institution_id)


@router.post("/institutions/{institution_id}/residents", status_code=201, tags=["institutions"])
def admit_resident(
    user: CurrentUser, engine: EngineDep, institution_id: Id, body: AdmissionIn
) -> InstitutionDetailPublic:
    """Admit a registry person of your region (a person lives in one institution at a time)."""
    _detail(engine, user, institution_id)
    parsed = parse_code(body.person_id.strip())
    if parsed is None or parsed[0] != "person":
        raise WebError(422, "invalid_person_id", f"PERSON_ID {body.person_id} tidak dikenal.")
    with _refusals():
        admit_in_region(
            engine,
            user.actor,
            institution_id,
            person_id=parsed[1],
            admitted_on=body.admitted_on,
            reason=body.reason,
        )
    return _detail_public(engine, user, institution_id)


@router.post("/institutions/{institution_id}/residents/{stay_id}/discharge", tags=["institutions"])
def discharge_resident(
    user: CurrentUser, engine: EngineDep, institution_id: Id, stay_id: Id, body: DischargeIn
) -> InstitutionDetailPublic:
    """Close a stay: the date the resident left and why."""
    _detail(engine, user, institution_id)
    if stay_id not in {r.id for r in list_residents(engine, institution_id)}:
        raise WebError(404, "not_found", "Penghuni itu tidak sedang tinggal di lembaga ini.")
    with _refusals():
        discharge(engine, user.actor, stay_id, discharged_on=body.discharged_on, reason=body.reason)
    return _detail_public(engine, user, institution_id)


# -- workforce ------------------------------------------------------------------------------
def _worker_public(row: WorkerRow, shown: Disclosure) -> WorkerPublic:
    return WorkerPublic(
        id=row.id,
        nik=shown.nik(row.nik),
        name=row.name,
        role=row.role,
        certified=row.certified,
        certified_on=row.certified_on,
        regions=tables.shown_regions(row, shown),
        username=row.username,
        organisation=row.organisation,
        position=row.position,
        active=row.active,
        open_complaints=row.open_complaints,
    )


def _worker(engine: EngineDep, user: WebUser, worker_id: int) -> WorkerPublic:
    try:
        row = worker_detail(engine, worker_id, region=user.region)
    except TerpaduError as exc:
        raise WebError(404, "not_found", str(exc)) from exc
    return _worker_public(row, disclosure(user))


def _worker_form(body: WorkerIn) -> WorkerForm:
    return WorkerForm(
        nik=body.nik,
        name=body.name,
        role=body.role,
        regions="; ".join(body.regions),
        username=body.username,
        position=body.position,
        phone=body.phone,
        active=body.active,
    )


@router.get("/workers", tags=["workforce"])
def workers(
    user: CurrentUser,
    engine: EngineDep,
    role: Role | None = None,
    region: RegionFilter = "",
    certified: bool | None = None,
    inactive: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> WorkerPage:
    """Workers assigned within (or over) your region, by role and name."""
    chosen = tables.WorkerFilter(
        role=role or "",
        region=region.replace(".", ""),
        certified="" if certified is None else ("ya" if certified else "tidak"),
        inactive=inactive,
    )
    rows = tables.workers(engine, user.region, chosen)
    shown = disclosure(user)
    return WorkerPage(
        items=[_worker_public(r, shown) for r in rows[offset : offset + limit]],
        total=len(rows),
        counts=tables.worker_counts(rows),
        limit=limit,
        offset=offset,
    )


@router.get("/workers/caseloads", tags=["workforce"])
def worker_caseloads(
    user: CurrentUser,
    engine: EngineDep,
    role: Literal["pendamping_pkh", "tksk", "sakti_peksos"] = "pendamping_pkh",
    level: Level = 6,
    norm: Annotated[
        int | None, Query(ge=1, le=100_000, description="The office's norm (default: built in).")
    ] = None,
) -> CaseloadsPublic:
    """Load against workers and the norm per region; the regions short of staff."""
    _level(level)
    shown = disclosure(user)
    norms: dict[str, int] | None = {str(role): norm} if norm else None
    rows = caseloads(engine, role, region=user.region, norms=norms, digits=level)

    def public(rows: list[Caseload]) -> list[CaseloadPublic]:
        return [
            CaseloadPublic(
                kode_wilayah=shown.region(r.kode_wilayah),
                load=r.load,
                staff=r.staff,
                norm=r.norm,
                needed=r.needed,
                shortfall=r.shortfall,
            )
            for r in rows
        ]

    return CaseloadsPublic(
        role=role, level=level, regions=public(rows), short=public(short_of_staff(rows))
    )


@router.get("/workers/{worker_id}", tags=["workforce"])
def worker(user: CurrentUser, engine: EngineDep, worker_id: Id) -> WorkerPublic:
    """One worker (active or not) assigned within or over your region."""
    return _worker(engine, user, worker_id)


@router.post("/workers", status_code=201, tags=["workforce"])
def add_worker(user: CurrentUser, engine: EngineDep, body: WorkerIn) -> WorkerPublic:
    """Add a worker with their assigned regions (audited)."""
    with _refusals():
        ident = save_worker(engine, user.actor, _worker_form(body))
    return _worker(engine, user, ident)


@router.put("/workers/{worker_id}", tags=["workforce"])
def change_worker(
    user: CurrentUser, engine: EngineDep, worker_id: Id, body: WorkerIn
) -> WorkerPublic:
    """Change a worker; their assignments outside your region are kept."""
    _worker(engine, user, worker_id)
    with _refusals():
        save_worker(engine, user.actor, _worker_form(body), worker_id=worker_id)
    return _worker(engine, user, worker_id)


@router.post("/workers/{worker_id}/certification", tags=["workforce"])
def certify(
    user: CurrentUser, engine: EngineDep, worker_id: Id, body: CertificationIn
) -> WorkerPublic:
    """Record the worker's certification date."""
    _worker(engine, user, worker_id)
    with _refusals():
        certify_worker(engine, user.actor, worker_id, certified_on=body.certified_on)
    return _worker(engine, user, worker_id)


@router.put("/workers/{worker_id}/regions", tags=["workforce"])
def assign(user: CurrentUser, engine: EngineDep, worker_id: Id, body: RegionsIn) -> WorkerPublic:
    """The worker's assigned regions within your region become these."""
    _worker(engine, user, worker_id)
    with _refusals():
        assign_regions(engine, user.actor, worker_id, "; ".join(body.regions))
    return _worker(engine, user, worker_id)


__all__ = ["router"]
