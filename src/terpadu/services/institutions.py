"""Social-welfare institutions (LKS and panti): the list, residents, occupancy, accreditation.

An institution is known by its registration number (tanda daftar LKS), so a list imported
again updates its rows. Its residents are registry persons with an admission and, once
they leave, a discharge; occupancy is the open stays against the capacity (daya tampung).
The accreditation pipeline says which institutions need an accreditation visit: expired,
expiring within N days, never accredited. Every change is audited; every read is limited
to a region (a code prefix).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from terpadu.access import ADMIN_PROVINSI, VERIFIKATOR_KAB, Actor
from terpadu.audit import Event, record_event, record_events
from terpadu.errors import TerpaduError
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable
from terpadu.intake.validate import issues_frame
from terpadu.layouts import Column
from terpadu.services.social_files import (
    ListReport,
    Step,
    any_date,
    check_list,
    region_scope_issues,
)
from terpadu.store.models.registry import Person
from terpadu.store.models.social import Institution, Resident

FORMS: Final = ("panti", "lks", "lk3", "rumah_singgah")
KINDS: Final = ("children", "elderly", "disability", "rehabilitation", "other")
OWNERS: Final = ("government", "regional", "community")
GRADES: Final = ("A", "B", "C")
#: Kab/kota and province staff keep the list of institutions and their residents.
STAFF: Final = (VERIFIKATOR_KAB, ADMIN_PROVINSI)
#: Days ahead an accreditation counts as expiring (an accreditation visit takes months).
EXPIRING_DAYS: Final = 180

INSTITUTION_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "NO_REGISTRASI",
        "key",
        "registration_no",
        required=True,
        aliases=("noreg", "nomorregistrasi", "tandadaftar", "notandadaftar", "nomortandadaftar"),
    ),
    Column("NAMA_LEMBAGA", "text", "name", required=True, aliases=("nama", "namalks", "namapanti")),
    Column(
        "BENTUK",
        "code",
        "form",
        aliases=("bentuklembaga",),
        codes={
            1: ("panti", "panti sosial"),
            2: ("lks", "lks bukan panti", "lks non panti"),
            3: ("lk3",),
            4: ("rumah singgah",),
        },
    ),
    Column(
        "JENIS",
        "code",
        "kind",
        required=True,
        aliases=("jenislayanan", "sasaran"),
        codes={
            1: ("anak", "lks anak", "lksa"),
            2: ("lansia", "lanjut usia"),
            3: ("disabilitas", "penyandang disabilitas"),
            4: ("rehabilitasi", "napza", "rehabilitasi sosial", "rehabilitasi napza"),
            5: ("lainnya", "lain"),
        },
    ),
    Column(
        "PEMILIK",
        "code",
        "owner",
        required=True,
        aliases=("kepemilikan", "pengelola"),
        codes={
            1: ("pemerintah", "pemerintah pusat", "kemensos"),
            2: ("pemda", "pemerintah daerah", "provinsi", "kabupaten", "kota"),
            3: ("masyarakat", "swasta", "yayasan"),
        },
    ),
    Column("STATUS_HUKUM", "text", "legal_status", aliases=("badanhukum", "legalitas")),
    Column(
        "AKREDITASI",
        "code",
        "grade",
        aliases=("nilaiakreditasi", "peringkatakreditasi"),
        codes={
            0: ("belum", "belum terakreditasi", "tidak", "tidak terakreditasi"),
            1: ("A",),
            2: ("B",),
            3: ("C",),
        },
    ),
    Column("TGL_AKREDITASI", "date", "accredited_on", aliases=("tanggalakreditasi",)),
    Column(
        "AKREDITASI_BERLAKU_SAMPAI",
        "text",
        "expires_text",
        aliases=("berlakusampai", "masaberlaku", "tglberakhirakreditasi"),
    ),
    Column("DAYA_TAMPUNG", "int", "capacity", aliases=("kapasitas",), min_value=0),
    Column("JUMLAH_PEGAWAI", "int", "staff_count", aliases=("jumlahsdm", "pegawai"), min_value=0),
    Column(
        "KODE_WILAYAH",
        "region",
        "kode_wilayah",
        required=True,
        aliases=("kodewilayah", "kodedesa", "kodewil"),
    ),
    Column("ALAMAT", "text", "address"),
)
_FORM = dict(enumerate(FORMS, start=1))
_KIND = dict(enumerate(KINDS, start=1))
_OWNER = dict(enumerate(OWNERS, start=1))
_GRADE = {1: "A", 2: "B", 3: "C"}


class InstitutionError(TerpaduError, ValueError):
    """An institution or resident step that cannot be taken; the message says why."""

    code = "institution"


def _accreditation_issues(clean: CleanTable, today: dt.date) -> list[pl.DataFrame]:
    """An expiry that cannot be read or comes before the accreditation; a grade without date."""
    expires, unreadable = any_date(clean, "AKREDITASI_BERLAKU_SAMPAI", "expires_text", today)
    values = clean.values.with_columns(expires.alias("__expires"))
    early = values.filter(pl.col("__expires") < pl.col("accredited_on"))
    undated = values.filter(pl.col("grade").is_in([1, 2, 3]) & pl.col("accredited_on").is_null())
    return [
        unreadable,
        issues_frame(
            early[ROW],
            "AKREDITASI_BERLAKU_SAMPAI",
            early["expires_text"],
            "error",
            "expiry_before_accreditation",
        ),
        issues_frame(
            undated[ROW],
            "AKREDITASI",
            undated["grade"].replace_strict(_GRADE, default=None, return_dtype=pl.Utf8),
            "warning",
            "accreditation_date_missing",
        ),
    ]


def _kept_elsewhere(engine: Engine, clean: CleanTable, actor: Actor) -> pl.DataFrame:
    """Rows naming an institution registered outside the account's region: another office's
    institution (or a number given twice), which this one cannot change."""
    if actor.region is None or clean.values.height == 0:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    keys = clean.values["registration_no"].drop_nulls().to_list()
    with Session(engine) as session:
        found = session.execute(
            select(Institution.registration_no, Institution.kode_wilayah).where(
                Institution.registration_no.in_(keys)
            )
        ).all()
    elsewhere = [key for key, code in found if not actor.covers(code)]
    rows = clean.values.filter(pl.col("registration_no").is_in(elsewhere))
    return issues_frame(
        rows[ROW], "NO_REGISTRASI", rows["registration_no"], "error", "institution_elsewhere"
    )


def institution_snapshot(row: Institution) -> dict[str, Any]:
    """The audited fields of an institution (before and after of its events)."""
    return {
        "registration_no": row.registration_no,
        "name": row.name,
        "form": row.form,
        "kind": row.kind,
        "owner": row.owner,
        "legal_status": row.legal_status,
        "accreditation": row.accreditation,
        "accredited_on": row.accredited_on.isoformat() if row.accredited_on else None,
        "accreditation_expires": (
            row.accreditation_expires.isoformat() if row.accreditation_expires else None
        ),
        "capacity": row.capacity,
        "staff_count": row.staff_count,
        "kode_wilayah": row.kode_wilayah,
        "address": row.address,
    }


def import_institutions(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    sheet: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Step | None = None,
) -> ListReport:
    """Land the good rows of a list of institutions; update those already known by NO_REGISTRASI.

    Every bad row is in the report's issues (file, row, column, value, reason) and lands
    nothing; an institution outside the account's region is such a row.
    """
    actor.require_role(*STAFF, doing="import_institutions")
    today = today or dt.date.today()
    when = now or dt.datetime.now(dt.UTC)
    clean, checked = check_list(
        path,
        INSTITUTION_COLUMNS,
        key=("NO_REGISTRASI", "registration_no"),
        today=today,
        sheet=sheet,
        progress=progress,
        extra=lambda c: [
            *_accreditation_issues(c, today),
            region_scope_issues(c.values, actor, "KODE_WILAYAH", "kode_wilayah"),
            _kept_elsewhere(engine, c, actor),
        ],
    )
    expires, _ = any_date(clean, "AKREDITASI_BERLAKU_SAMPAI", "expires_text", today)
    landed = checked.landed.join(
        clean.values.select(ROW).with_columns(expires.alias("expires")), on=ROW, how="left"
    )
    report = ListReport(path, checked.rows_read, landed.height, issues=checked.issues)
    if progress is not None:
        progress("write")
    events: list[Event] = []
    with Session(engine) as session, session.begin():
        keys = landed["registration_no"].to_list()
        known = {
            i.registration_no: i
            for i in session.scalars(
                select(Institution).where(Institution.registration_no.in_(keys))
            )
        }
        for row in landed.iter_rows(named=True):
            grade = _GRADE.get(row["grade"]) if row["grade"] is not None else None
            fields = {
                "name": row["name"],
                "form": _FORM.get(row["form"], "lks"),
                "kind": _KIND[row["kind"]],
                "owner": _OWNER[row["owner"]],
                "legal_status": row["legal_status"],
                "accreditation": grade,
                "accredited_on": row["accredited_on"] if grade else None,
                "accreditation_expires": row["expires"] if grade else None,
                "capacity": row["capacity"] or 0,
                "staff_count": row["staff_count"] or 0,
                "kode_wilayah": row["kode_wilayah"],
                "address": row["address"],
            }
            found = known.get(row["registration_no"])
            before = institution_snapshot(found) if found is not None else None
            if found is None:
                found = Institution(registration_no=row["registration_no"], **fields)
                session.add(found)
                report.new += 1
            elif {k: getattr(found, k) for k in fields} != fields:
                for name, value in fields.items():
                    setattr(found, name, value)
                report.updated += 1
            else:
                continue
            found.updated_by, found.updated_at = actor.username, when
            session.flush()
            events.append(
                Event(
                    "institution.import",
                    "institution",
                    found.id,
                    found.kode_wilayah,
                    before,
                    institution_snapshot(found),
                )
            )
        record_events(session.connection(), events, actor=actor, at=when)
    return report


def _institution(session: Session, actor: Actor, institution_id: int) -> Institution:
    found = session.get(Institution, institution_id)
    if found is None:
        raise InstitutionError(f"Lembaga {institution_id} tidak ditemukan.")
    actor.require_region(found.kode_wilayah)
    return found


def institution_id(engine: Engine, registration_no: str, *, region: str | None) -> int:
    """The id of the institution with ``registration_no`` within ``region``."""
    with Session(engine) as session:
        found = session.scalars(
            select(Institution).where(Institution.registration_no == registration_no.strip())
        ).first()
    if found is None or (region and not found.kode_wilayah.startswith(region)):
        raise InstitutionError(f"Lembaga {registration_no} tidak ditemukan di wilayah Anda.")
    return found.id


def admit(
    engine: Engine,
    actor: Actor,
    institution: int,
    *,
    person_id: int,
    admitted_on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> int:
    """Record a registry person's admission; the stay's id. A person lives in one place."""
    actor.require_role(*STAFF, doing="admit_resident")
    if not reason.strip():
        raise InstitutionError("Tuliskan alasan penerimaan penghuni.")
    if admitted_on > (today or dt.date.today()):
        raise InstitutionError(f"Tanggal masuk {admitted_on.isoformat()} ada di masa depan.")
    with Session(engine) as session, session.begin():
        home = _institution(session, actor, institution)
        if session.get(Person, person_id) is None:
            raise InstitutionError(f"Orang {person_id} tidak ada di registri.")
        staying = session.scalars(
            select(Resident).where(
                Resident.person_id == person_id, Resident.discharged_on.is_(None)
            )
        ).first()
        if staying is not None:
            raise InstitutionError(
                f"Orang {person_id} masih tercatat sebagai penghuni lembaga "
                f"{staying.institution_id} sejak {staying.admitted_on.isoformat()}; "
                "catat dulu kepulangannya."
            )
        stay = Resident(
            institution_id=home.id,
            person_id=person_id,
            admitted_on=admitted_on,
            admission_reason=reason.strip(),
            recorded_by=actor.username,
        )
        session.add(stay)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="institution.admit",
            entity="institution_resident",
            entity_id=stay.id,
            region=home.kode_wilayah,
            before=None,
            after={"institution": home.registration_no, "person_id": person_id},
        )
        return stay.id


def discharge(
    engine: Engine,
    actor: Actor,
    stay_id: int,
    *,
    discharged_on: dt.date,
    reason: str,
) -> None:
    """Close a stay: the date the resident left and why (returned home, referred, died…)."""
    actor.require_role(*STAFF, doing="discharge_resident")
    if not reason.strip():
        raise InstitutionError("Tuliskan alasan kepulangan penghuni.")
    with Session(engine) as session, session.begin():
        stay = session.get(Resident, stay_id)
        if stay is None:
            raise InstitutionError(f"Data penghuni {stay_id} tidak ditemukan.")
        home = _institution(session, actor, stay.institution_id)
        if stay.discharged_on is not None:
            raise InstitutionError(
                f"Penghuni {stay_id} sudah pulang pada {stay.discharged_on.isoformat()}."
            )
        if discharged_on < stay.admitted_on:
            raise InstitutionError(
                f"Tanggal keluar {discharged_on.isoformat()} sebelum tanggal masuk "
                f"{stay.admitted_on.isoformat()}."
            )
        stay.discharged_on, stay.discharge_reason = discharged_on, reason.strip()
        record_event(
            session.connection(),
            actor=actor,
            action="institution.discharge",
            entity="institution_resident",
            entity_id=stay.id,
            region=home.kode_wilayah,
            before={"discharged_on": None},
            after={"discharged_on": discharged_on.isoformat(), "reason": reason.strip()},
        )


def person_by_nik(engine: Engine, nik: str) -> int:
    """The registry person holding ``nik``: one registration, or several tied by linkage
    to one PERSON_ID (the first is taken); a NIK held by different people is refused."""
    nik = nik.strip()
    with Session(engine) as session:
        found = session.execute(
            select(Person.id, Person.resolved_person_id)
            .where(Person.nik == nik)
            .order_by(Person.id)
        ).all()
    if not found:
        raise InstitutionError(f"NIK {nik} tidak ada di registri.")
    people = {resolved or person for person, resolved in found}
    if len(people) > 1:
        raise InstitutionError(
            f"NIK {nik} dipakai lebih dari satu orang di registri; selesaikan dulu di "
            "review linkage."
        )
    return int(found[0][0])


def open_stay(engine: Engine, institution: int, person_id: int) -> int:
    """The id of the person's current stay in the institution."""
    with Session(engine) as session:
        stay = session.scalar(
            select(Resident.id).where(
                Resident.institution_id == institution,
                Resident.person_id == person_id,
                Resident.discharged_on.is_(None),
            )
        )
    if stay is None:
        raise InstitutionError("Orang ini tidak sedang tercatat sebagai penghuni lembaga ini.")
    return int(stay)


@dataclass(frozen=True)
class ResidentRow:
    """One stay as a list or page shows it."""

    id: int
    person_id: int
    name: str
    nik: str | None
    admitted_on: dt.date
    admission_reason: str
    discharged_on: dt.date | None
    discharge_reason: str | None


def list_residents(
    engine: Engine, institution: int, *, current_only: bool = True
) -> list[ResidentRow]:
    """The residents of an institution (the caller checked its region), latest admitted first."""
    query = (
        select(Resident, Person.nama, Person.nik)
        .join(Person, Person.id == Resident.person_id)
        .where(Resident.institution_id == institution)
    )
    if current_only:
        query = query.where(Resident.discharged_on.is_(None))
    with Session(engine) as session:
        return [
            ResidentRow(
                r.id,
                r.person_id,
                name,
                nik,
                r.admitted_on,
                r.admission_reason,
                r.discharged_on,
                r.discharge_reason,
            )
            for r, name, nik in session.execute(
                query.order_by(Resident.admitted_on.desc(), Resident.id.desc())
            )
        ]


@dataclass(frozen=True)
class InstitutionRow:
    """One institution as a list or page shows it."""

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
    kode_wilayah: str


def _open_stays() -> Any:
    return (
        select(Resident.institution_id, func.count().label("n"))
        .where(Resident.discharged_on.is_(None))
        .group_by(Resident.institution_id)
        .subquery()
    )


def list_institutions(
    engine: Engine, *, region: str | None, kind: str | None = None
) -> list[InstitutionRow]:
    """The institutions of ``region`` (a code prefix) with their current residents, by name."""
    stays = _open_stays()
    query = select(Institution, func.coalesce(stays.c.n, 0)).outerjoin(
        stays, stays.c.institution_id == Institution.id
    )
    if region:
        query = query.where(Institution.kode_wilayah.startswith(region))
    if kind:
        query = query.where(Institution.kind == kind)
    with Session(engine) as session:
        return [
            InstitutionRow(
                i.id,
                i.registration_no,
                i.name,
                i.form,
                i.kind,
                i.owner,
                i.accreditation,
                i.accreditation_expires,
                i.capacity,
                int(n),
                i.staff_count,
                i.kode_wilayah,
            )
            for i, n in session.execute(query.order_by(Institution.name, Institution.id))
        ]


@dataclass(frozen=True)
class Occupancy:
    """Capacity against residents of one region and kind of institution."""

    kode_wilayah: str
    kind: str
    institutions: int
    capacity: int
    residents: int

    @property
    def rate(self) -> float | None:
        """Residents per place (above 1: over capacity); None without places."""
        return self.residents / self.capacity if self.capacity else None


def occupancy(engine: Engine, *, region: str | None, digits: int = 4) -> list[Occupancy]:
    """Occupancy per region (its first ``digits``: 4 kab/kota, 6 kecamatan) and kind."""
    if digits not in (2, 4, 6, 10):
        raise InstitutionError("Tingkat wilayah harus 2, 4, 6 atau 10 digit.")
    totals: dict[tuple[str, str], list[int]] = {}
    for row in list_institutions(engine, region=region):
        key = (row.kode_wilayah[:digits], row.kind)
        count = totals.setdefault(key, [0, 0, 0])
        count[0] += 1
        count[1] += row.capacity
        count[2] += row.residents
    return [
        Occupancy(code, kind, n, capacity, residents)
        for (code, kind), (n, capacity, residents) in sorted(
            totals.items(), key=lambda item: (item[0][0], KINDS.index(item[0][1]))
        )
    ]


@dataclass(frozen=True)
class Pipeline:
    """Institutions that need an accreditation visit, most urgent first in each list."""

    expired: list[InstitutionRow]
    expiring: list[InstitutionRow]
    never: list[InstitutionRow]


def accreditation_pipeline(
    engine: Engine, *, region: str | None, today: dt.date, within_days: int = EXPIRING_DAYS
) -> Pipeline:
    """Expired (the expiry has passed), expiring within ``within_days``, never accredited."""
    rows = list_institutions(engine, region=region)
    horizon = today + dt.timedelta(days=within_days)

    def expiry(row: InstitutionRow) -> dt.date:
        assert row.accreditation_expires is not None  # filtered below
        return row.accreditation_expires

    dated = [r for r in rows if r.accreditation and r.accreditation_expires is not None]
    return Pipeline(
        expired=sorted((r for r in dated if expiry(r) < today), key=expiry),
        expiring=sorted((r for r in dated if today <= expiry(r) <= horizon), key=expiry),
        never=[r for r in rows if not r.accreditation],
    )


__all__ = [
    "EXPIRING_DAYS",
    "FORMS",
    "INSTITUTION_COLUMNS",
    "KINDS",
    "OWNERS",
    "InstitutionError",
    "InstitutionRow",
    "Occupancy",
    "Pipeline",
    "ResidentRow",
    "accreditation_pipeline",
    "admit",
    "discharge",
    "import_institutions",
    "institution_id",
    "institution_snapshot",
    "list_institutions",
    "list_residents",
    "occupancy",
    "open_stay",
    "person_by_nik",
]
