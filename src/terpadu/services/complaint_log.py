"""The office's complaints log (Excel or CSV) brought into Terpadu, each complaint on the clock.

An SLRT or Puskesos that kept its complaints in a spreadsheet brings them in once, or
month by month while it changes over: each row is a complaint with its number, date,
category, channel and where it stands. The log's number becomes the complaint's tracking
code, so the complainant follows it by the number on their old receipt, and it is the key:
a number already in Terpadu is never added twice nor changed by the log (its history is
kept in Terpadu from then on). Each imported complaint gets the steps the log tells (received,
then its state, dated) and the deadline of its state from the office's calendar, so one left
open too long is overdue at once. The person concerned is linked by NIK to the registry and
their family; a NIK the registry does not hold (a poor family not yet registered) is kept on
the complaint. Rows are read, cleaned and reported as every list is
(:mod:`terpadu.services.social_files`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Final

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.access import Actor
from terpadu.audit import Event, record_events
from terpadu.audit.log import as_utc
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable
from terpadu.intake.validate import issues_frame
from terpadu.layouts import Column
from terpadu.services.complaints import (
    CATEGORIES,
    CHANNELS,
    CLOSED,
    DECIDED,
    OUTCOMES,
    RECEIVED,
    REFERRED,
    SERVICES,
    STAFF,
    STATES,
    Clock,
)
from terpadu.services.social_files import (
    ListReport,
    Step,
    check_list,
    raw_column,
    region_scope_issues,
)
from terpadu.store.models.registry import Membership, Person
from terpadu.store.models.services import Complaint, ComplaintStep, Referral

#: The longest log number that can be a tracking code (the column's width).
TRACKING_MAX: Final = 20
#: The hour a dated step is put at (the log holds days): mid-morning in the office's zone.
STEP_HOUR: Final = 9
#: Outcomes a log can tell; a proposal is made in Terpadu (it names its usulan).
LOG_OUTCOMES: Final = tuple(o for o in OUTCOMES if o != "proposal")

COMPLAINT_COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "NO_PENGADUAN",
        "key",
        "tracking",
        required=True,
        aliases=("nomorpengaduan", "noregister", "nomorregister", "nopelacakan", "nolaporan"),
    ),
    Column(
        "TGL_PENGADUAN",
        "date",
        "received_on",
        required=True,
        aliases=("tanggalpengaduan", "tglditerima", "tanggalditerima", "tanggal"),
    ),
    Column(
        "KATEGORI",
        "code",
        "category",
        required=True,
        aliases=("jenispengaduan", "kategoripengaduan"),
        codes={
            1: ("eksklusi", "miskin belum terdaftar", "belum terdaftar", "exclusion"),
            2: ("inklusi", "terdaftar tidak miskin", "tidak miskin", "inclusion"),
            3: ("data salah", "salah data", "perbaikan data", "wrong data"),
            4: ("bantuan tidak cair", "saldo nol", "pembayaran", "payment"),
            5: ("permohonan bantuan", "minta bantuan", "bantuan", "help"),
            6: ("lainnya", "lain", "other"),
        },
    ),
    Column(
        "SALURAN",
        "code",
        "channel",
        aliases=("mediapengaduan", "carapengaduan"),
        codes={
            1: ("datang langsung", "langsung", "walk in"),
            2: ("desa", "puskesos", "village"),
            3: ("pendamping", "tksk", "facilitator"),
            4: ("telepon", "telp", "whatsapp", "wa", "phone"),
            5: ("surat", "letter"),
            6: ("web", "daring", "online", "aplikasi", "citizen web"),
            7: ("media sosial", "medsos", "social media"),
        },
    ),
    Column(
        "STATUS",
        "code",
        "state",
        required=True,
        aliases=("statuspengaduan", "tahap"),
        codes={
            1: ("diterima", "baru", "received"),
            2: ("diperiksa", "cek registri", "checked"),
            3: ("dikunjungi", "kunjungan rumah", "visited"),
            4: ("diputuskan", "decided"),
            5: ("dirujuk", "rujukan", "referred"),
            6: ("selesai", "ditutup", "closed"),
        },
    ),
    Column("TGL_STATUS", "date", "state_on", aliases=("tanggalstatus", "tglperubahanstatus")),
    Column(
        "KODE_WILAYAH",
        "region",
        "kode_wilayah",
        required=True,
        aliases=("kodewilayah", "kodedesa", "kodewil"),
    ),
    Column("NAMA_PELAPOR", "text", "complainant_name", required=True, aliases=("pelapor",)),
    Column("KONTAK_PELAPOR", "text", "complainant_contact", aliases=("kontak", "telepon", "hp")),
    Column("URAIAN", "text", "description", required=True, aliases=("isipengaduan", "keluhan")),
    Column("NIK", "nik", "subject_nik", aliases=("niksasaran", "nikterlapor")),
    Column("NAMA_SASARAN", "text", "subject_name", aliases=("namaterlapor", "sasaran")),
    Column(
        "HASIL",
        "code",
        "outcome",
        aliases=("keputusan", "tindaklanjut"),
        codes={
            1: ("tidak ada perubahan", "tetap", "no change"),
            2: ("pembayaran ditindaklanjuti", "payment followed up"),
            3: ("bantuan diberikan", "dibantu", "help given"),
            4: ("tidak layak", "tidak memenuhi syarat", "not eligible"),
        },
    ),
    Column(
        "RUJUKAN_KE",
        "code",
        "service",
        aliases=("layananrujukan", "dirujukke"),
        codes={
            1: ("kesehatan", "bpjs", "health"),
            2: ("pendidikan", "education"),
            3: ("dukcapil", "kependudukan", "civil registry"),
            4: ("dinas lain", "opd", "other office"),
            5: ("lks", "lembaga", "panti", "institution"),
        },
    ),
    Column("LEMBAGA_RUJUKAN", "text", "referred_to", aliases=("lembagatujuan", "tujuanrujukan")),
    Column("PETUGAS", "text", "assigned_to", aliases=("namaakun", "petugaspenanganan")),
)
_CATEGORY = dict(enumerate(CATEGORIES, start=1))
_CHANNEL = dict(enumerate(CHANNELS, start=1))
_STATE = dict(enumerate(STATES, start=1))
_OUTCOME = dict(enumerate(LOG_OUTCOMES, start=1))
_SERVICE = dict(enumerate(SERVICES, start=1))
#: States a decision has been taken in (an outcome may be told).
_DECIDED_CODES: Final = [STATES.index(s) + 1 for s in (DECIDED, CLOSED)]


def _row_checks(clean: CleanTable, actor: Actor) -> list[pl.DataFrame]:
    """The rules across a row's columns: a number too long for a tracking code, a state dated
    before the complaint, an outcome before any decision, a decision without one, a
    referral without its service."""
    values = clean.values
    if values.height == 0:
        return [pl.DataFrame(schema=ISSUE_SCHEMA)]
    state = pl.col("state")
    rules = (
        ("NO_PENGADUAN", pl.col("tracking").str.len_chars() > TRACKING_MAX, "tracking_too_long"),
        ("TGL_STATUS", pl.col("state_on") < pl.col("received_on"), "state_before_received"),
        (
            "HASIL",
            pl.col("outcome").is_not_null() & ~state.is_in(_DECIDED_CODES),
            "outcome_before_decision",
        ),
        (
            "HASIL",
            pl.col("outcome").is_null() & (state == STATES.index(DECIDED) + 1),
            "outcome_missing",
        ),
        (
            "RUJUKAN_KE",
            pl.col("service").is_null() & (state == STATES.index(REFERRED) + 1),
            "referral_missing",
        ),
    )
    frames = [region_scope_issues(values, actor, "KODE_WILAYAH", "kode_wilayah")]
    for column, rule, code in rules:
        hit = values.with_columns(raw_column(clean, column).alias("__raw")).filter(
            rule.fill_null(False)
        )
        frames.append(issues_frame(hit[ROW], column, hit["__raw"], "error", code))
    return frames


def _known(engine: Engine, clean: CleanTable, actor: Actor) -> pl.DataFrame:
    """Numbers Terpadu holds already: outside the account's region, a refused row; within
    it, kept as Terpadu has it (a warning where the log tells another state)."""
    keys = clean.values["tracking"].drop_nulls().to_list()
    if not keys:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    with Session(engine) as session:
        found = {
            tracking: (region, state)
            for tracking, region, state in session.execute(
                select(Complaint.tracking, Complaint.kode_wilayah, Complaint.state).where(
                    Complaint.tracking.in_(keys)
                )
            )
        }
    elsewhere, moved = [], []
    for row, tracking, state in clean.values.select(ROW, "tracking", "state").iter_rows():
        if tracking not in found:
            continue
        region, held = found[tracking]
        if not actor.covers(region):
            elsewhere.append((row, tracking))
        elif state is not None and _STATE.get(state) != held:
            moved.append((row, tracking))
    return pl.concat(
        [
            issues_frame(
                pl.Series([r for r, _ in rows], dtype=pl.Int64),
                "NO_PENGADUAN",
                pl.Series([t for _, t in rows], dtype=pl.Utf8),
                severity,
                code,
            )
            for rows, severity, code in (
                (elsewhere, "error", "complaint_elsewhere"),
                (moved, "warning", "complaint_known"),
            )
        ]
    )


def registry_people(session: Session, niks: list[str]) -> dict[str, tuple[int, int | None] | None]:
    """NIK → (person, their current family), or None where the NIK is held by different
    people (linkage has not settled who is who)."""
    found: dict[str, set[tuple[int, int | None]]] = {}
    for nik, person, resolved, family in session.execute(
        select(Person.nik, Person.id, Person.resolved_person_id, Membership.family_id)
        .outerjoin(Membership, (Membership.person_id == Person.id) & Membership.left_at.is_(None))
        .where(Person.nik.in_(niks))
        .order_by(Person.id)
    ):
        if nik is not None:  # matched on it: never None, but the column may be
            found.setdefault(nik, set()).add((resolved or person, family))
    people: dict[str, tuple[int, int | None] | None] = {}
    for nik, options in found.items():
        people[nik] = min(options) if len({p for p, _ in options}) == 1 else None
    return people


def _subject_issues(engine: Engine, clean: CleanTable) -> pl.DataFrame:
    """Warnings on NIKs the complaint cannot be linked by: not in the registry, or ambiguous."""
    niks = clean.values["subject_nik"].drop_nulls().unique().to_list()
    if not niks:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    with Session(engine) as session:
        people = registry_people(session, niks)
    values = clean.values.filter(pl.col("subject_nik").is_not_null())
    unknown = values.filter(~pl.col("subject_nik").is_in(list(people)))
    ambiguous = values.filter(
        pl.col("subject_nik").is_in([n for n, p in people.items() if p is None])
    )
    return pl.concat(
        [
            issues_frame(
                unknown[ROW], "NIK", unknown["subject_nik"], "warning", "subject_not_registered"
            ),
            issues_frame(
                ambiguous[ROW], "NIK", ambiguous["subject_nik"], "warning", "subject_ambiguous"
            ),
        ]
    )


def _moment(day: dt.date, clock: Clock) -> dt.datetime:
    return as_utc(dt.datetime.combine(day, dt.time(STEP_HOUR), tzinfo=clock.calendar.zone))


def _complaint(row: dict[str, Any], actor: Actor, clock: Clock, when: dt.datetime) -> Complaint:
    received = _moment(row["received_on"], clock)
    since = _moment(row["state_on"], clock) if row["state_on"] else received
    state = _STATE[row["state"]]
    return Complaint(
        tracking=row["tracking"],
        category=_CATEGORY[row["category"]],
        channel=_CHANNEL.get(row["channel"], CHANNELS[0]),
        state=state,
        state_since=since,
        due_at=clock.levels.due(clock.calendar, state, since),
        kode_wilayah=row["kode_wilayah"],
        complainant_name=row["complainant_name"],
        complainant_contact=row["complainant_contact"],
        description=row["description"],
        subject_name=row["subject_name"],
        subject_nik=row["subject_nik"],
        assigned_to=row["assigned_to"],
        outcome=_OUTCOME.get(row["outcome"]),
        told_at=since if state == CLOSED else None,
        closed_at=since if state == CLOSED else None,
        created_by=actor.username,
        created_at=received if received < when else when,
    )


def _steps(complaint: Complaint, actor: Actor, file_name: str) -> list[ComplaintStep]:
    """Received, then the state the log tells (what came between it did not record)."""
    note = f"Dari catatan pengaduan {file_name}"
    steps = [
        ComplaintStep(
            complaint_id=complaint.id,
            from_state=None,
            to_state=RECEIVED,
            actor=actor.username,
            role=actor.role,
            note=note,
            at=complaint.created_at,
        )
    ]
    if complaint.state != RECEIVED:
        steps.append(
            ComplaintStep(
                complaint_id=complaint.id,
                from_state=RECEIVED,
                to_state=complaint.state,
                actor=actor.username,
                role=actor.role,
                note=note,
                at=complaint.state_since,
            )
        )
    return steps


def import_complaints(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    sheet: str | None = None,
    clock: Clock | None = None,
    today: dt.date | None = None,
    progress: Step | None = None,
) -> ListReport:
    """Land the good rows of a complaints log; a number Terpadu holds already is left as it is.

    Bad rows are in the report's issues (file, row, column, value, reason) and land nothing;
    a complaint outside the account's region is such a row. ``clock``: the office's calendar
    and service levels the deadlines are counted on (its ``now``: the moment of the import).
    """
    actor.require_role(*STAFF, doing="import_complaint_log")
    clock = clock or Clock()
    when = as_utc(clock.now) if clock.now is not None else dt.datetime.now(dt.UTC)
    today = today or when.astimezone(clock.calendar.zone).date()
    _, checked = check_list(
        path,
        COMPLAINT_COLUMNS,
        key=("NO_PENGADUAN", "tracking"),
        today=today,
        sheet=sheet,
        progress=progress,
        extra=lambda clean: [
            *_row_checks(clean, actor),
            _known(engine, clean, actor),
            _subject_issues(engine, clean),
        ],
    )
    landed = checked.landed
    report = ListReport(path, checked.rows_read, landed.height, issues=checked.issues)
    if progress is not None:
        progress("write")
    events: list[Event] = []
    with Session(engine) as session, session.begin():
        held = set(
            session.scalars(
                select(Complaint.tracking).where(
                    Complaint.tracking.in_(landed["tracking"].to_list())
                )
            )
        )
        niks = landed["subject_nik"].drop_nulls().unique().to_list()
        people = registry_people(session, niks) if niks else {}
        made: list[tuple[Complaint, dict[str, Any]]] = []
        for row in landed.iter_rows(named=True):
            if row["tracking"] in held:
                continue
            complaint = _complaint(row, actor, clock, when)
            linked = people.get(row["subject_nik"]) if row["subject_nik"] else None
            if linked is not None:
                complaint.person_id, complaint.family_id = linked
            made.append((complaint, row))
        # One flush for the complaints, one for what refers to them: a long log goes in
        # as a few multi-row inserts, not a round trip per row.
        session.add_all([complaint for complaint, _ in made])
        session.flush()
        for complaint, row in made:
            session.add_all(_steps(complaint, actor, path.name))
            if row["service"] is not None:
                session.add(
                    Referral(
                        complaint_id=complaint.id,
                        service=_SERVICE[row["service"]],
                        institution=row["referred_to"] or "-",
                        sent_by=actor.username,
                        sent_at=complaint.state_since,
                    )
                )
            events.append(
                Event(
                    "complaint.import",
                    "complaint",
                    complaint.id,
                    complaint.kode_wilayah,
                    None,
                    {
                        "tracking": complaint.tracking,
                        "state": complaint.state,
                        "category": complaint.category,
                        "family_id": complaint.family_id,
                        "person_id": complaint.person_id,
                        "file": path.name,
                        "row": row[ROW],
                    },
                )
            )
        report.new = len(made)
        session.flush()
        record_events(session.connection(), events, actor=actor, at=when)
    return report


__all__ = [
    "COMPLAINT_COLUMNS",
    "LOG_OUTCOMES",
    "TRACKING_MAX",
    "import_complaints",
    "registry_people",
]
