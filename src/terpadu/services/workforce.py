"""The social workforce: who works where, certified or not, and whether there are enough.

Workers (TKSK, Sakti Peksos, penyuluh, PKH and KUBE facilitators, PSM, Tagana, Karang
Taruna officers) are known by NIK, so a list imported again updates them, and each is
assigned to one or more regions (a desa, kecamatan or kab/kota code). Karang Taruna
organisations are one per desa/kelurahan. Caseloads set the work of a region against the
workers assigned there and a norm (:data:`CASELOAD_NORMS`): families enrolled in PKH per PKH
facilitator, open complaints per TKSK. A region is short of staff when it needs more
workers of a role than it has.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import polars as pl
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from terpadu.access import ADMIN_PROVINSI, VERIFIKATOR_KAB, Actor
from terpadu.audit import Event, record_events
from terpadu.errors import TerpaduError
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable
from terpadu.intake.validate import issues_frame
from terpadu.layouts import Column
from terpadu.regions import regions_frame
from terpadu.services.case_codes import CLOSED as CASE_CLOSED
from terpadu.services.complaints import CLOSED
from terpadu.services.social_files import (
    ListReport,
    Step,
    check_list,
    raw_column,
    region_list,
)
from terpadu.store.models.cases import PpksCase
from terpadu.store.models.services import Complaint
from terpadu.store.models.social import Worker, WorkerRegion, YouthOrganisation
from terpadu.store.models.targeting import Enrolment

ROLES: Final = (
    "tksk",
    "sakti_peksos",
    "penyuluh",
    "pendamping_pkh",
    "pendamping_kube",
    "psm",
    "tagana",
    "karang_taruna",
)
#: Kab/kota and province staff keep the workforce lists.
STAFF: Final = (VERIFIKATOR_KAB, ADMIN_PROVINSI)
#: Planning norms: the work one worker of a role carries. PKH: families (KPM) per
#: facilitator; TKSK: open complaints per TKSK; Sakti Peksos: open PPKS cases per social
#: worker. Offices set their own (``parse_norms``).
CASELOAD_NORMS: Final[dict[str, int]] = {"pendamping_pkh": 250, "tksk": 20, "sakti_peksos": 25}
#: Workers a region needs whatever its load: a TKSK in every kecamatan.
MINIMUM_STAFF: Final[dict[str, int]] = {"tksk": 1}
#: The digits of the region a caseload is counted over (6: kecamatan).
CASELOAD_DIGITS: Final = 6

WORKER_COLUMNS: Final[tuple[Column, ...]] = (
    Column("NIK", "nik", "nik", required=True, aliases=("noktp", "nomorindukkependudukan")),
    Column("NAMA", "text", "name", required=True, aliases=("namalengkap", "namapetugas")),
    Column(
        "PERAN",
        "code",
        "role",
        required=True,
        aliases=("jenissdm", "jabatanfungsional", "jenispetugas"),
        codes={
            1: ("tksk", "tenaga kesejahteraan sosial kecamatan"),
            2: ("sakti peksos", "peksos", "pekerja sosial", "sakti_peksos"),
            3: ("penyuluh", "penyuluh sosial"),
            4: ("pendamping pkh", "pkh", "pendamping_pkh"),
            5: ("pendamping kube", "kube", "pendamping_kube"),
            6: ("psm", "pekerja sosial masyarakat"),
            7: ("tagana", "taruna siaga bencana"),
            8: ("karang taruna", "pengurus karang taruna", "karang_taruna"),
        },
    ),
    Column(
        "SERTIFIKASI",
        "flag",
        "certified",
        aliases=("bersertifikat", "sudahsertifikasi"),
        codes={
            0: ("tidak", "t", "belum", "no", "n"),
            1: ("ya", "y", "sudah", "yes", "bersertifikat"),
        },
    ),
    Column("TGL_SERTIFIKASI", "date", "certified_on", aliases=("tanggalsertifikasi",)),
    Column(
        "WILAYAH_TUGAS",
        "text",
        "regions",
        required=True,
        aliases=("wilayahkerja", "lokasitugas", "kodewilayah"),
    ),
    Column("NAMA_AKUN", "text", "username", aliases=("akun", "username", "namapengguna")),
    Column("NAMA_KARANG_TARUNA", "text", "organisation", aliases=("karangtaruna",)),
    Column("JABATAN", "text", "position"),
    Column("TELEPON", "text", "phone", aliases=("nohp", "hp", "telp")),
    Column(
        "AKTIF",
        "flag",
        "active",
        aliases=("statusaktif",),
        codes={0: ("tidak", "nonaktif", "t"), 1: ("ya", "aktif", "y")},
    ),
)


class WorkforceError(TerpaduError, ValueError):
    """A workforce step that cannot be taken; the message says why, in Bahasa Indonesia."""

    code = "workforce"


def parse_norms(text: str) -> dict[str, int]:
    """``pendamping_pkh=200,tksk=25`` over :data:`CASELOAD_NORMS`; a bad part is an error."""
    norms = dict(CASELOAD_NORMS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, _, value = part.partition("=")
        if role.strip() not in norms or not value.strip().isdigit() or int(value) < 1:
            raise WorkforceError(
                f"Norma beban kerja '{part}' tidak sah; tulis misalnya pendamping_pkh=250 "
                f"(peran: {', '.join(norms)}; angka 1 atau lebih)."
            )
        norms[role.strip()] = int(value)
    return norms


def _kept_elsewhere(engine: Engine, clean: CleanTable, actor: Actor) -> pl.DataFrame:
    """Rows naming a worker the registry has only outside the account's region: another
    office's worker, which this one cannot change."""
    if actor.region is None or clean.values.height == 0:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    niks = clean.values["nik"].drop_nulls().to_list()
    with Session(engine) as session:
        regions: dict[str, list[str]] = {}
        for nik, code in session.execute(
            select(Worker.nik, WorkerRegion.kode_wilayah)
            .join(WorkerRegion, WorkerRegion.worker_id == Worker.id)
            .where(Worker.nik.in_(niks))
        ):
            regions.setdefault(nik, []).append(code)
    elsewhere = [n for n, codes in regions.items() if not any(actor.covers(c) for c in codes)]
    rows = clean.values.filter(pl.col("nik").is_in(elsewhere))
    return issues_frame(rows[ROW], "NIK", rows["nik"], "error", "worker_elsewhere")


def _checks(clean: CleanTable, actor: Actor) -> list[pl.DataFrame]:
    """Assigned regions that are not region codes or lie outside the account's; a worker
    whose NIK was read as blank; a Karang Taruna named without its desa."""
    values = clean.values
    parsed = [region_list(cell) for cell in values["regions"].to_list()]
    bad = pl.Series([codes is None for codes in parsed])
    outside = pl.Series(
        [codes is not None and any(not actor.covers(c) for c in codes) for codes in parsed]
    )
    no_desa = pl.Series(
        [
            org is not None and not any(len(c) == 10 for c in (codes or []))
            for org, codes in zip(values["organisation"].to_list(), parsed, strict=True)
        ]
    )
    nik_raw = raw_column(clean, "NIK")
    # A NIK read as "none" (a placeholder word): a worker needs one, it is their key.
    nik_errors = clean.issues.filter((pl.col("column") == "NIK") & (pl.col("severity") == "error"))
    blank_nik = (
        values["nik"].is_null()
        & nik_raw.is_not_null()
        & ~values[ROW].is_in(nik_errors[ROW].implode())
    )
    certified_only_by_date = values["certified_on"].is_not_null() & (
        values["certified"].fill_null(0) != 1
    )
    rows = values[ROW]
    return (
        [
            issues_frame(
                rows.filter(bad),
                "WILAYAH_TUGAS",
                values["regions"].filter(bad),
                "error",
                "region_list_invalid",
            ),
            issues_frame(
                rows.filter(outside),
                "WILAYAH_TUGAS",
                values["regions"].filter(outside),
                "error",
                "region_outside",
            ),
            issues_frame(
                rows.filter(no_desa),
                "NAMA_KARANG_TARUNA",
                values["organisation"].filter(no_desa),
                "error",
                "organisation_without_region",
            ),
            issues_frame(
                rows.filter(blank_nik), "NIK", nik_raw.filter(blank_nik), "error", "required"
            ),
            issues_frame(
                rows.filter(certified_only_by_date),
                "TGL_SERTIFIKASI",
                values["certified_on"].filter(certified_only_by_date).cast(pl.Utf8),
                "warning",
                "certification_date_without_flag",
            ),
        ]
        if values.height
        else [pl.DataFrame(schema=ISSUE_SCHEMA)]
    )


def worker_snapshot(worker: Worker, regions: list[str]) -> dict[str, Any]:
    """The audited fields of a worker with their assigned regions."""
    return {
        "nik": worker.nik,
        "name": worker.name,
        "role": worker.role,
        "certified": worker.certified,
        "certified_on": worker.certified_on.isoformat() if worker.certified_on else None,
        "username": worker.username,
        "organisation_id": worker.organisation_id,
        "position": worker.position,
        "active": worker.active,
        "regions": regions,
    }


def _organisation(session: Session, desa: str, name: str, when: dt.datetime) -> int:
    found = session.scalars(
        select(YouthOrganisation).where(YouthOrganisation.kode_wilayah == desa)
    ).first()
    if found is None:
        found = YouthOrganisation(kode_wilayah=desa, name=name, updated_at=when)
        session.add(found)
        session.flush()
    elif found.name != name:
        found.name, found.updated_at = name, when
    return found.id


def import_workers(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    sheet: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Step | None = None,
) -> ListReport:
    """Land the good rows of a workforce list; a worker already known by NIK is updated and
    their assigned regions become the file's. Bad rows are reported and land nothing."""
    actor.require_role(*STAFF, doing="import_workforce")
    today = today or dt.date.today()
    when = now or dt.datetime.now(dt.UTC)
    _, checked = check_list(
        path,
        WORKER_COLUMNS,
        key=("NIK", "nik"),
        today=today,
        sheet=sheet,
        progress=progress,
        extra=lambda clean: [*_checks(clean, actor), _kept_elsewhere(engine, clean, actor)],
    )
    landed = checked.landed
    report = ListReport(path, checked.rows_read, landed.height, issues=checked.issues)
    if progress is not None:
        progress("write")
    events: list[Event] = []
    with Session(engine) as session, session.begin():
        known = {
            w.nik: w
            for w in session.scalars(select(Worker).where(Worker.nik.in_(landed["nik"].to_list())))
        }
        assigned: dict[int, list[str]] = {}
        for link in session.scalars(
            select(WorkerRegion).where(WorkerRegion.worker_id.in_([w.id for w in known.values()]))
        ):
            assigned.setdefault(link.worker_id, []).append(link.kode_wilayah)
        for row in landed.iter_rows(named=True):
            regions = sorted(set(region_list(row["regions"]) or []))
            organisation = None
            if row["organisation"]:
                desa = next(c for c in regions if len(c) == 10)
                organisation = _organisation(session, desa, row["organisation"], when)
            fields = {
                "name": row["name"],
                "role": ROLES[row["role"] - 1],
                "certified": 1 if row["certified"] == 1 or row["certified_on"] else 0,
                "certified_on": row["certified_on"],
                "username": row["username"],
                "organisation_id": organisation,
                "position": row["position"],
                "phone": row["phone"],
                "active": 0 if row["active"] == 0 else 1,
            }
            worker = known.get(row["nik"])
            before_regions = sorted(assigned.get(worker.id, [])) if worker else []
            before = worker_snapshot(worker, before_regions) if worker else None
            if worker is None:
                worker = Worker(nik=row["nik"], **fields)
                session.add(worker)
                report.new += 1
            elif {k: getattr(worker, k) for k in fields} != fields or before_regions != regions:
                for name, value in fields.items():
                    setattr(worker, name, value)
                report.updated += 1
            else:
                continue
            worker.updated_by, worker.updated_at = actor.username, when
            session.flush()
            for code in set(before_regions) - set(regions):
                session.execute(
                    delete(WorkerRegion).where(
                        WorkerRegion.worker_id == worker.id, WorkerRegion.kode_wilayah == code
                    )
                )
            for code in set(regions) - set(before_regions):
                session.add(WorkerRegion(worker_id=worker.id, kode_wilayah=code))
            events.append(
                Event(
                    "worker.import",
                    "social_worker",
                    worker.id,
                    regions[0] if regions else None,
                    before,
                    worker_snapshot(worker, regions),
                )
            )
        session.flush()
        record_events(session.connection(), events, actor=actor, at=when)
    return report


@dataclass(frozen=True)
class WorkerRow:
    """One worker as a list or page shows them."""

    id: int
    nik: str
    name: str
    role: str
    certified: bool
    certified_on: dt.date | None
    regions: list[str]
    username: str | None
    organisation: str | None
    position: str | None
    active: bool
    open_complaints: int  # open complaints assigned to the worker's account


def _within(codes: list[str], region: str | None) -> bool:
    return region is None or any(c.startswith(region) or region.startswith(c) for c in codes)


def list_workers(
    engine: Engine, *, region: str | None, role: str | None = None, active_only: bool = True
) -> list[WorkerRow]:
    """Workers assigned within ``region`` (or over it), by role and name."""
    with Session(engine) as session:
        links: dict[int, list[str]] = {}
        for worker_id, code in session.execute(
            select(WorkerRegion.worker_id, WorkerRegion.kode_wilayah).order_by(
                WorkerRegion.kode_wilayah
            )
        ):
            links.setdefault(worker_id, []).append(code)
        organisations: dict[int, str] = {
            org_id: name
            for org_id, name in session.execute(
                select(YouthOrganisation.id, YouthOrganisation.name)
            )
        }
        complaints: dict[str | None, int] = {
            username: int(n)
            for username, n in session.execute(
                select(Complaint.assigned_to, func.count())
                .where(Complaint.state != CLOSED, Complaint.assigned_to.is_not(None))
                .group_by(Complaint.assigned_to)
            )
        }
        query = select(Worker)
        if role:
            query = query.where(Worker.role == role)
        if active_only:
            query = query.where(Worker.active == 1)
        rows = []
        for w in session.scalars(query):
            codes = links.get(w.id, [])
            if not _within(codes, region):
                continue
            rows.append(
                WorkerRow(
                    w.id,
                    w.nik,
                    w.name,
                    w.role,
                    bool(w.certified),
                    w.certified_on,
                    codes,
                    w.username,
                    organisations.get(w.organisation_id) if w.organisation_id else None,
                    w.position,
                    bool(w.active),
                    int(complaints.get(w.username, 0)) if w.username else 0,
                )
            )
    return sorted(rows, key=lambda r: (ROLES.index(r.role), r.name, r.id))


@dataclass(frozen=True)
class Organisation:
    """A Karang Taruna with its officers on the list."""

    kode_wilayah: str
    name: str
    officers: int


def list_organisations(engine: Engine, *, region: str | None) -> list[Organisation]:
    """The Karang Taruna organisations of ``region``, by desa code."""
    query = (
        select(YouthOrganisation, func.count(Worker.id))
        .outerjoin(Worker, (Worker.organisation_id == YouthOrganisation.id) & (Worker.active == 1))
        .group_by(YouthOrganisation.id)
        .order_by(YouthOrganisation.kode_wilayah)
    )
    if region:
        query = query.where(YouthOrganisation.kode_wilayah.startswith(region))
    with Session(engine) as session:
        return [Organisation(o.kode_wilayah, o.name, int(n)) for o, n in session.execute(query)]


@dataclass(frozen=True)
class Caseload:
    """The work of one region for one role against the workers assigned there."""

    kode_wilayah: str
    role: str
    load: int  # PKH: enrolled families; TKSK: open complaints; Sakti Peksos: open cases
    staff: int  # active workers of the role assigned to the region, within it or over it
    norm: int
    needed: int

    @property
    def per_staff(self) -> float | None:
        return self.load / self.staff if self.staff else None

    @property
    def shortfall(self) -> int:
        return max(0, self.needed - self.staff)


def _load(session: Session, role: str, region: str | None, digits: int) -> dict[str, int]:
    """The work per region: distinct families in the latest PKH period's current enrolments;
    open complaints; open PPKS cases."""
    counts: dict[str, int] = {}
    if role == "pendamping_pkh":
        period = session.scalar(
            select(func.max(Enrolment.period)).where(
                Enrolment.program == "pkh", Enrolment.is_current == 1
            )
        )
        if period is None:
            return counts
        query: Any = (
            select(Enrolment.kode_wilayah, func.count(func.distinct(Enrolment.family_id)))
            .where(
                Enrolment.program == "pkh", Enrolment.is_current == 1, Enrolment.period == period
            )
            .group_by(Enrolment.kode_wilayah)
        )
        if region:
            query = query.where(Enrolment.kode_wilayah.startswith(region))
    elif role == "tksk":
        query = (
            select(Complaint.kode_wilayah, func.count())
            .where(Complaint.state != CLOSED)
            .group_by(Complaint.kode_wilayah)
        )
        if region:
            query = query.where(Complaint.kode_wilayah.startswith(region))
    elif role == "sakti_peksos":
        query = (
            select(PpksCase.kode_wilayah, func.count())
            .where(PpksCase.state != CASE_CLOSED)
            .group_by(PpksCase.kode_wilayah)
        )
        if region:
            query = query.where(PpksCase.kode_wilayah.startswith(region))
    else:
        raise WorkforceError(
            f"Beban kerja dihitung untuk peran {', '.join(CASELOAD_NORMS)}; bukan '{role}'."
        )
    for code, n in session.execute(query):
        counts[code[:digits]] = counts.get(code[:digits], 0) + int(n)
    return counts


def caseloads(
    engine: Engine,
    role: str,
    *,
    region: str | None,
    norms: dict[str, int] | None = None,
    digits: int = CASELOAD_DIGITS,
) -> list[Caseload]:
    """Per region (its first ``digits``): the load, the workers, and how many it needs.

    A worker counts in every region of that level their assignments lie in or cover (a
    facilitator of two desa in one kecamatan counts once there; one assigned to a whole
    kab/kota counts in each of its kecamatan). Regions with work or workers are listed, and,
    for roles with a minimum (TKSK: one per kecamatan), every region of the level.
    """
    if digits not in (4, 6, 10):
        raise WorkforceError("Tingkat wilayah harus 4, 6 atau 10 digit.")
    norm = (norms or CASELOAD_NORMS).get(role) or CASELOAD_NORMS.get(role)
    if norm is None:
        raise WorkforceError(
            f"Beban kerja dihitung untuk peran {', '.join(CASELOAD_NORMS)}; bukan '{role}'."
        )
    workers = list_workers(engine, region=region, role=role)
    with Session(engine) as session:
        load = _load(session, role, region, digits)
    minimum = MINIMUM_STAFF.get(role, 0)
    codes = set(load)
    for w in workers:
        codes.update(c[:digits] for c in w.regions if len(c) >= digits)
    if minimum:
        level = {4: "kabupaten", 6: "kecamatan", 10: "desa"}[digits]
        every = regions_frame(level)["code"]
        if region:
            every = every.filter(every.str.starts_with(region))
        codes.update(every.to_list())
    if region:
        codes = {c for c in codes if c.startswith(region) or region.startswith(c)}
    ordered = sorted(codes)
    staff: dict[str, int] = {}
    for w in workers:
        # The regions of the level the worker counts in, each once.
        counted = {c[:digits] for c in w.regions if len(c) >= digits}
        for wide in (c for c in w.regions if len(c) < digits):
            counted.update(code for code in ordered if code.startswith(wide))
        for code in counted:
            staff[code] = staff.get(code, 0) + 1
    rows = []
    for code in ordered:
        work = load.get(code, 0)
        needed = max(minimum, math.ceil(work / norm))
        rows.append(Caseload(code, role, work, staff.get(code, 0), norm, needed))
    return rows


def short_of_staff(rows: list[Caseload]) -> list[Caseload]:
    """The regions that need more workers than they have, largest shortfall first."""
    return sorted((r for r in rows if r.shortfall), key=lambda r: (-r.shortfall, r.kode_wilayah))


__all__ = [
    "CASELOAD_DIGITS",
    "CASELOAD_NORMS",
    "MINIMUM_STAFF",
    "ROLES",
    "WORKER_COLUMNS",
    "Caseload",
    "Organisation",
    "WorkerRow",
    "WorkforceError",
    "caseloads",
    "import_workers",
    "list_organisations",
    "list_workers",
    "parse_norms",
    "short_of_staff",
    "worker_snapshot",
]
