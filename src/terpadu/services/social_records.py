"""One institution or one worker at a time: what the pages and the API change and show.

The lists are imported in bulk (:mod:`terpadu.services.institutions`,
:mod:`terpadu.services.workforce`); an office also registers a new panti, corrects its
capacity, records an accreditation visit, adds a facilitator, records a certification or
moves a worker to another kecamatan one record at a time. Every change here is checked
against the actor's role and region and audited (``institution.create``,
``institution.update``, ``institution.accredit``, ``worker.create``, ``worker.update``,
``worker.certify``, ``worker.assign``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from terpadu.access import Actor
from terpadu.audit import record_event
from terpadu.regions import region_exists
from terpadu.services.institutions import (
    FORMS,
    GRADES,
    KINDS,
    OWNERS,
    STAFF,
    InstitutionError,
    admit,
    institution_snapshot,
)
from terpadu.services.social_files import region_list
from terpadu.services.workforce import (
    ROLES,
    WorkerRow,
    WorkforceError,
    list_workers,
    worker_snapshot,
)
from terpadu.store.models.registry import Family, Membership
from terpadu.store.models.social import Institution, Worker, WorkerRegion


# -- institutions ---------------------------------------------------------------------------
@dataclass(frozen=True)
class InstitutionForm:
    """What the register/edit form holds (codes as in :data:`FORMS`, :data:`KINDS`, …)."""

    registration_no: str
    name: str
    form: str
    kind: str
    owner: str
    kode_wilayah: str
    legal_status: str | None = None
    capacity: int = 0
    staff_count: int = 0
    address: str | None = None


def _check_institution(form: InstitutionForm, actor: Actor) -> None:
    problems = []
    if not form.registration_no.strip():
        problems.append("nomor registrasi kosong")
    if not form.name.strip():
        problems.append("nama lembaga kosong")
    if form.form not in FORMS:
        problems.append(f"bentuk '{form.form}' bukan salah satu dari {', '.join(FORMS)}")
    if form.kind not in KINDS:
        problems.append(f"jenis '{form.kind}' bukan salah satu dari {', '.join(KINDS)}")
    if form.owner not in OWNERS:
        problems.append(f"pemilik '{form.owner}' bukan salah satu dari {', '.join(OWNERS)}")
    if form.capacity < 0 or form.staff_count < 0:
        problems.append("daya tampung dan jumlah pegawai tidak boleh negatif")
    code = form.kode_wilayah.strip()
    if not (code.isdigit() and len(code) in (4, 6, 10) and region_exists(code)):
        problems.append(f"kode wilayah '{code}' bukan kode kab/kota, kecamatan atau desa yang ada")
    if problems:
        raise InstitutionError("Data lembaga belum benar: " + "; ".join(problems) + ".")
    actor.require_region(code)


def save_institution(
    engine: Engine,
    actor: Actor,
    form: InstitutionForm,
    *,
    institution_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Register an institution (``institution_id`` None) or change one; its id."""
    actor.require_role(*STAFF, doing="edit_institution")
    _check_institution(form, actor)
    when = now or dt.datetime.now(dt.UTC)
    fields = {
        "registration_no": form.registration_no.strip(),
        "name": form.name.strip(),
        "form": form.form,
        "kind": form.kind,
        "owner": form.owner,
        "legal_status": (form.legal_status or "").strip() or None,
        "capacity": form.capacity,
        "staff_count": form.staff_count,
        "kode_wilayah": form.kode_wilayah.strip(),
        "address": (form.address or "").strip() or None,
    }
    with Session(engine) as session, session.begin():
        taken = session.scalar(
            select(Institution.id).where(Institution.registration_no == fields["registration_no"])
        )
        if taken is not None and taken != institution_id:
            raise InstitutionError(
                f"Nomor registrasi {fields['registration_no']} sudah dipakai lembaga lain."
            )
        if institution_id is None:
            row = Institution(**fields, updated_by=actor.username, updated_at=when)
            session.add(row)
            before = None
        else:
            found = session.get(Institution, institution_id)
            if found is None or not actor.covers(found.kode_wilayah):
                raise InstitutionError(f"Lembaga {institution_id} tidak ditemukan di wilayah Anda.")
            row, before = found, institution_snapshot(found)
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_by, row.updated_at = actor.username, when
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="institution.create" if before is None else "institution.update",
            entity="institution",
            entity_id=row.id,
            region=row.kode_wilayah,
            before=before,
            after=institution_snapshot(row),
            at=when,
        )
        return row.id


def record_accreditation(
    engine: Engine,
    actor: Actor,
    institution_id: int,
    *,
    grade: str,
    accredited_on: dt.date,
    expires: dt.date,
    today: dt.date | None = None,
) -> None:
    """Record an accreditation result: grade A/B/C, the date given and the expiry."""
    actor.require_role(*STAFF, doing="record_accreditation")
    if grade not in GRADES:
        raise InstitutionError(f"Nilai akreditasi '{grade}' harus A, B atau C.")
    if accredited_on > (today or dt.date.today()):
        raise InstitutionError(f"Tanggal akreditasi {accredited_on.isoformat()} di masa depan.")
    if expires <= accredited_on:
        raise InstitutionError(
            f"Akreditasi berlaku sampai {expires.isoformat()} harus sesudah tanggal "
            f"akreditasi {accredited_on.isoformat()}."
        )
    with Session(engine) as session, session.begin():
        row = session.get(Institution, institution_id)
        if row is None or not actor.covers(row.kode_wilayah):
            raise InstitutionError(f"Lembaga {institution_id} tidak ditemukan di wilayah Anda.")
        before = institution_snapshot(row)
        row.accreditation, row.accredited_on, row.accreditation_expires = (
            grade,
            accredited_on,
            expires,
        )
        row.updated_by = actor.username
        record_event(
            session.connection(),
            actor=actor,
            action="institution.accredit",
            entity="institution",
            entity_id=row.id,
            region=row.kode_wilayah,
            before={k: before[k] for k in ("accreditation", "accredited_on")}
            | {"accreditation_expires": before["accreditation_expires"]},
            after={
                "accreditation": grade,
                "accredited_on": accredited_on.isoformat(),
                "accreditation_expires": expires.isoformat(),
            },
        )


@dataclass(frozen=True)
class InstitutionDetail:
    """One institution with every field the detail page shows."""

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
    kode_wilayah: str
    address: str | None
    updated_by: str
    updated_at: dt.datetime


def institution_detail(
    engine: Engine, institution_id: int, *, region: str | None
) -> InstitutionDetail:
    """The institution within ``region`` (a code prefix; outside it, not found)."""
    with Session(engine) as session:
        row = session.get(Institution, institution_id)
        if row is None or (region and not row.kode_wilayah.startswith(region)):
            raise InstitutionError(f"Lembaga {institution_id} tidak ditemukan di wilayah Anda.")
        return InstitutionDetail(
            row.id,
            row.registration_no,
            row.name,
            row.form,
            row.kind,
            row.owner,
            row.legal_status,
            row.accreditation,
            row.accredited_on,
            row.accreditation_expires,
            row.capacity,
            row.staff_count,
            row.kode_wilayah,
            row.address,
            row.updated_by,
            row.updated_at,
        )


def admit_in_region(
    engine: Engine,
    actor: Actor,
    institution_id: int,
    *,
    person_id: int,
    admitted_on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> int:
    """Admit a registry person of the actor's region (found by the page's NIK/name search)."""
    with Session(engine) as session:
        code = session.scalar(
            select(Family.kode_wilayah)
            .join(Membership, Membership.family_id == Family.id)
            .where(Membership.person_id == person_id, Membership.left_at.is_(None))
            .limit(1)
        )
    if code is None or not actor.covers(code):
        raise InstitutionError("Orang ini tidak ada di registri wilayah Anda.")
    return admit(
        engine,
        actor,
        institution_id,
        person_id=person_id,
        admitted_on=admitted_on,
        reason=reason,
        today=today,
    )


# -- workforce ------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkerForm:
    """What the add/edit form holds; ``regions`` as typed (``3604052001; 360406``)."""

    nik: str
    name: str
    role: str
    regions: str
    username: str | None = None
    position: str | None = None
    phone: str | None = None
    active: bool = True


def _parse_regions(typed: str, actor: Actor) -> list[str]:
    codes = region_list(typed)
    if codes is None or not codes:
        raise WorkforceError(
            f"Wilayah tugas '{typed}' harus berisi kode wilayah Kemendagri (2, 4, 6 atau 10 "
            "digit) yang ada, dipisah titik koma."
        )
    for code in codes:
        actor.require_region(code)
    return sorted(set(codes))


def _assigned(session: Session, worker_id: int) -> list[str]:
    return sorted(
        session.scalars(
            select(WorkerRegion.kode_wilayah).where(WorkerRegion.worker_id == worker_id)
        )
    )


def _worker_in_scope(session: Session, actor: Actor, worker_id: int) -> tuple[Worker, list[str]]:
    row = session.get(Worker, worker_id)
    regions = _assigned(session, worker_id) if row is not None else []
    if row is None or not any(actor.covers(c) for c in regions):
        raise WorkforceError(f"Petugas {worker_id} tidak ditemukan di wilayah Anda.")
    return row, regions


def _set_regions(
    session: Session, actor: Actor, worker_id: int, before: list[str], wanted: list[str]
) -> list[str]:
    """The worker's regions become ``wanted`` within the actor's region; assignments
    outside it (another office's) are kept."""
    kept = [c for c in before if not actor.covers(c)]
    after = sorted(set(kept) | set(wanted))
    for code in set(before) - set(after):
        session.execute(
            delete(WorkerRegion).where(
                WorkerRegion.worker_id == worker_id, WorkerRegion.kode_wilayah == code
            )
        )
    for code in set(after) - set(before):
        session.add(WorkerRegion(worker_id=worker_id, kode_wilayah=code))
    return after


def save_worker(
    engine: Engine,
    actor: Actor,
    form: WorkerForm,
    *,
    worker_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Add a worker (``worker_id`` None) or change one; their id."""
    actor.require_role(*STAFF, doing="edit_workforce")
    nik = form.nik.strip()
    problems = []
    if not (nik.isdigit() and len(nik) == 16):
        problems.append(f"NIK '{nik}' harus 16 angka")
    if not form.name.strip():
        problems.append("nama kosong")
    if form.role not in ROLES:
        problems.append(f"peran '{form.role}' bukan salah satu dari {', '.join(ROLES)}")
    if problems:
        raise WorkforceError("Data petugas belum benar: " + "; ".join(problems) + ".")
    wanted = _parse_regions(form.regions, actor)
    when = now or dt.datetime.now(dt.UTC)
    fields = {
        "nik": nik,
        "name": form.name.strip(),
        "role": form.role,
        "username": (form.username or "").strip() or None,
        "position": (form.position or "").strip() or None,
        "phone": (form.phone or "").strip() or None,
        "active": 1 if form.active else 0,
    }
    with Session(engine) as session, session.begin():
        taken = session.scalar(select(Worker.id).where(Worker.nik == nik))
        if taken is not None and taken != worker_id:
            raise WorkforceError(f"Petugas dengan NIK {nik} sudah terdaftar.")
        if worker_id is None:
            row = Worker(**fields, certified=0, updated_by=actor.username, updated_at=when)
            session.add(row)
            session.flush()
            before: dict[str, Any] | None = None
            old_regions: list[str] = []
        else:
            row, old_regions = _worker_in_scope(session, actor, worker_id)
            before = worker_snapshot(row, old_regions)
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_by, row.updated_at = actor.username, when
        regions = _set_regions(session, actor, row.id, old_regions, wanted)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="worker.create" if before is None else "worker.update",
            entity="social_worker",
            entity_id=row.id,
            region=wanted[0],
            before=before,
            after=worker_snapshot(row, regions),
            at=when,
        )
        return row.id


def certify_worker(
    engine: Engine,
    actor: Actor,
    worker_id: int,
    *,
    certified_on: dt.date,
    today: dt.date | None = None,
) -> None:
    """Record the worker's certification and its date."""
    actor.require_role(*STAFF, doing="record_certification")
    if certified_on > (today or dt.date.today()):
        raise WorkforceError(f"Tanggal sertifikasi {certified_on.isoformat()} di masa depan.")
    with Session(engine) as session, session.begin():
        row, regions = _worker_in_scope(session, actor, worker_id)
        before = {
            "certified": row.certified,
            "certified_on": row.certified_on.isoformat() if row.certified_on else None,
        }
        row.certified, row.certified_on, row.updated_by = 1, certified_on, actor.username
        record_event(
            session.connection(),
            actor=actor,
            action="worker.certify",
            entity="social_worker",
            entity_id=row.id,
            region=next((c for c in regions if actor.covers(c)), None),
            before=before,
            after={"certified": 1, "certified_on": certified_on.isoformat()},
        )


def assign_regions(engine: Engine, actor: Actor, worker_id: int, regions: str) -> list[str]:
    """The worker's assignments within the actor's region become ``regions``; all of them."""
    actor.require_role(*STAFF, doing="assign_worker")
    wanted = _parse_regions(regions, actor)
    with Session(engine) as session, session.begin():
        row, before = _worker_in_scope(session, actor, worker_id)
        after = _set_regions(session, actor, row.id, before, wanted)
        row.updated_by = actor.username
        record_event(
            session.connection(),
            actor=actor,
            action="worker.assign",
            entity="social_worker",
            entity_id=row.id,
            region=wanted[0],
            before={"regions": before},
            after={"regions": after},
        )
        return after


def worker_detail(engine: Engine, worker_id: int, *, region: str | None) -> WorkerRow:
    """The worker (active or not) assigned within or over ``region``."""
    found = [w for w in list_workers(engine, region=region, active_only=False) if w.id == worker_id]
    if not found:
        raise WorkforceError(f"Petugas {worker_id} tidak ditemukan di wilayah Anda.")
    return found[0]


def worker_phone(engine: Engine, worker_id: int) -> str | None:
    """The worker's phone number (the edit form shows it; lists do not)."""
    with Session(engine) as session:
        return session.scalar(select(Worker.phone).where(Worker.id == worker_id))


__all__ = [
    "InstitutionDetail",
    "InstitutionForm",
    "WorkerForm",
    "admit_in_region",
    "assign_regions",
    "certify_worker",
    "institution_detail",
    "record_accreditation",
    "save_institution",
    "save_worker",
    "worker_detail",
    "worker_phone",
]
