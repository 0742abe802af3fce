"""The residents list of the office's institutions (Excel or CSV), each a registry person.

Sent beside the list of institutions (``terpadu lembaga impor FILE --penghuni PENGHUNI``):
one row per person, the institution by its registration number, the person by NIK (they must
be in the registry, as :func:`~terpadu.services.institutions.admit` asks), the admission date
and, once they left, the discharge. A stay is known by its institution, person and admission
date, so the list sent again adds nothing and only records a discharge newly given. Rows
are read, cleaned and reported as every list is (:mod:`terpadu.services.social_files`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.access import Actor
from terpadu.audit import Event, record_events
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable
from terpadu.intake.validate import issues_frame
from terpadu.layouts import Column
from terpadu.services.complaint_log import registry_people
from terpadu.services.institutions import STAFF
from terpadu.services.social_files import ListReport, Step, check_list, raw_column
from terpadu.store.models.social import Institution, Resident

#: The reason a stay gets when the list gives none.
LISTED: Final = "Dari daftar penghuni lembaga"

RESIDENT_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "NO_REGISTRASI",
        "key",
        "registration_no",
        required=True,
        aliases=("noreg", "nomorregistrasi", "tandadaftar", "lembaga"),
    ),
    Column("NIK", "nik", "nik", required=True, aliases=("nikpenghuni", "noktp")),
    Column("TGL_MASUK", "date", "admitted_on", required=True, aliases=("tanggalmasuk",)),
    Column("ALASAN_MASUK", "text", "admission_reason", aliases=("alasan", "asalrujukan")),
    Column("TGL_KELUAR", "date", "discharged_on", aliases=("tanggalkeluar",)),
    Column("ALASAN_KELUAR", "text", "discharge_reason", aliases=("alasankeluar",)),
)


def _rows(values: pl.DataFrame, keep: list[bool]) -> pl.DataFrame:
    return values.filter(pl.Series(keep, dtype=pl.Boolean))


def _checks(engine: Engine, clean: CleanTable, actor: Actor) -> list[pl.DataFrame]:
    """The institution unknown or another office's, the person not in the registry (or a NIK
    several hold), a discharge before the admission, an open stay while the person stays
    elsewhere."""
    values = clean.values
    if values.height == 0:
        return [pl.DataFrame(schema=ISSUE_SCHEMA)]
    keys = values["registration_no"].drop_nulls().unique().to_list()
    niks = values["nik"].drop_nulls().unique().to_list()
    with Session(engine) as session:
        homes = dict(
            session.execute(
                select(Institution.registration_no, Institution.kode_wilayah).where(
                    Institution.registration_no.in_(keys)
                )
            ).all()
        )
        people = registry_people(session, niks) if niks else {}
        person_ids = [p[0] for p in people.values() if p is not None]
        staying = {
            person: (home, admitted)
            for person, home, admitted in session.execute(
                select(Resident.person_id, Institution.registration_no, Resident.admitted_on)
                .join(Institution, Institution.id == Resident.institution_id)
                .where(Resident.person_id.in_(person_ids), Resident.discharged_on.is_(None))
            )
        }
    rows = values.to_dicts()
    unknown = [r["registration_no"] not in homes for r in rows]
    elsewhere = [
        r["registration_no"] in homes and not actor.covers(homes[r["registration_no"]])
        for r in rows
    ]
    unregistered = [r["nik"] is not None and r["nik"] not in people for r in rows]
    ambiguous = [r["nik"] is not None and r["nik"] in people and people[r["nik"]] is None
                 for r in rows]  # fmt: skip

    def stays_elsewhere(row: dict[str, object]) -> bool:
        found = people.get(str(row["nik"])) if row["nik"] else None
        if found is None or row["discharged_on"] is not None or found[0] not in staying:
            return False
        return staying[found[0]] != (row["registration_no"], row["admitted_on"])

    early = values["discharged_on"] < values["admitted_on"]
    moved = [stays_elsewhere(r) for r in rows]
    raw_key = raw_column(clean, "NO_REGISTRASI")
    frames = [
        issues_frame(
            values[ROW].filter(pl.Series(flags)), "NO_REGISTRASI",
            raw_key.filter(pl.Series(flags)), "error", code,
        )
        for flags, code in ((unknown, "institution_unknown"), (elsewhere, "institution_elsewhere"))
    ]  # fmt: skip
    for flags, code in (
        (unregistered, "resident_not_registered"),
        (ambiguous, "resident_ambiguous"),
        (moved, "resident_elsewhere"),
    ):
        hit = _rows(values, flags)
        frames.append(issues_frame(hit[ROW], "NIK", hit["nik"], "error", code))
    late = values.filter(early.fill_null(False))
    frames.append(
        issues_frame(
            late[ROW], "TGL_KELUAR", late["discharged_on"].cast(pl.Utf8), "error",
            "discharge_before_admission",
        )
    )  # fmt: skip
    return frames


def import_residents(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    sheet: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Step | None = None,
) -> ListReport:
    """Land the good rows of a residents list: a new stay is admitted, a known one gets the
    discharge the list newly gives. Bad rows are reported and land nothing."""
    actor.require_role(*STAFF, doing="import_residents")
    today = today or dt.date.today()
    when = now or dt.datetime.now(dt.UTC)
    _, checked = check_list(
        path,
        RESIDENT_COLUMNS,
        key=("NIK", "nik"),
        today=today,
        sheet=sheet,
        progress=progress,
        extra=lambda clean: _checks(engine, clean, actor),
    )
    landed = checked.landed
    report = ListReport(path, checked.rows_read, landed.height, issues=checked.issues)
    if progress is not None:
        progress("write")
    events: list[Event] = []
    with Session(engine) as session, session.begin():
        homes = {
            i.registration_no: i
            for i in session.scalars(
                select(Institution).where(
                    Institution.registration_no.in_(landed["registration_no"].to_list())
                )
            )
        }
        people = registry_people(session, landed["nik"].to_list()) if landed.height else {}
        for row in landed.iter_rows(named=True):
            home, person = homes[row["registration_no"]], people[row["nik"]]
            assert person is not None  # an unknown or ambiguous NIK refused the row
            stay = session.scalars(
                select(Resident).where(
                    Resident.institution_id == home.id,
                    Resident.person_id == person[0],
                    Resident.admitted_on == row["admitted_on"],
                )
            ).first()
            if stay is None:
                stay = Resident(
                    institution_id=home.id,
                    person_id=person[0],
                    admitted_on=row["admitted_on"],
                    admission_reason=row["admission_reason"] or LISTED,
                    recorded_by=actor.username,
                )
                session.add(stay)
                report.new += 1
                action = "institution.admit"
            elif stay.discharged_on is None and row["discharged_on"] is not None:
                report.updated += 1
                action = "institution.discharge"
            else:
                continue
            if row["discharged_on"] is not None:
                stay.discharged_on = row["discharged_on"]
                stay.discharge_reason = row["discharge_reason"] or LISTED
            session.flush()
            events.append(
                Event(
                    action,
                    "institution_resident",
                    stay.id,
                    home.kode_wilayah,
                    None,
                    {
                        "institution": home.registration_no,
                        "person_id": person[0],
                        "admitted_on": stay.admitted_on.isoformat(),
                        "discharged_on": (
                            stay.discharged_on.isoformat() if stay.discharged_on else None
                        ),
                        "file": path.name,
                    },
                )
            )
        record_events(session.connection(), events, actor=actor, at=when)
    return report


__all__ = ["RESIDENT_COLUMNS", "import_residents"]
