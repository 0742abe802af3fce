"""Everything the registry holds on one NIK, as the person may ask for it (UU PDP art. 7).

The report is read in one transaction and covers the records within the actor's region;
what lies outside it is counted, not shown (another region's office answers for those).
Other members of the person's families are not shown: they are data subjects of their
own. Only roles that see full NIKs may make a report, and every report is audited
(``subject.report``), so a later report shows who asked before.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, func, or_, select
from sqlalchemy.sql import Select

from terpadu.access import Actor, PermissionDenied, allows, mask_nik
from terpadu.audit import common_region, record_event
from terpadu.audit.log import iso_utc
from terpadu.store.ids import family_code, person_code
from terpadu.store.models import Family, Membership, Person
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.linkage import DukcapilResult, LinkMerge, ResolvedPerson
from terpadu.store.models.registry import QuarantineEntry, StatusEvent, ValueChange
from terpadu.store.models.targeting import Enrolment
from terpadu.store.models.verval import Proposal
from terpadu.store.models.welfare import FamilyWelfare
from terpadu.subjects.errors import InvalidSubjectNik, SubjectNotFound


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


PERSON = _table(Person)
FAMILY = _table(Family)
MEMBERSHIP = _table(Membership)
STATUS = _table(StatusEvent)
CHANGE = _table(ValueChange)
WELFARE = _table(FamilyWelfare)
ENROLMENT = _table(Enrolment)
PROPOSAL = _table(Proposal)
EVENT = _table(AuditEvent)
RESOLVED = _table(ResolvedPerson)
MERGE = _table(LinkMerge)
DUKCAPIL = _table(DukcapilResult)
QUARANTINE = _table(QuarantineEntry)

# Columns left out of the person and family records: bookkeeping, not data about them.
_SKIP = frozenset({"source_id", "file_id", "batch_id", "row_number", "version"})


@dataclass
class SubjectReport:
    """What :func:`subject_report` found; ``sections`` are JSON-able lists of records."""

    nik: str
    made_at: dt.datetime
    made_by: str
    role: str
    region: str | None
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    withheld: dict[str, int] = field(default_factory=dict)
    audit_event_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "dibuat_utc": iso_utc(self.made_at),
            "oleh": self.made_by,
            "peran": self.role,
            "wilayah_kerja": self.region,
            "data": self.sections,
            "di_luar_wilayah": self.withheld,
            "event_audit": self.audit_event_id,
        }


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso_utc(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, str) and value[:1] in "[{":
        try:  # JSON kept as text (SQLite, audit before/after)
            return json.loads(value)
        except ValueError:
            return value
    return value


def _rows(conn: Connection, query: Select[Any], skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    leave = set(skip)
    return [
        {k: _value(v) for k, v in row.items() if k not in leave}
        for row in conn.execute(query).mappings()
    ]


def _in(column: Any, values: Sequence[Any]) -> Any:
    # An empty list is fine: SQLAlchemy renders an IN that matches nothing.
    return column.in_(list(values))


def _scoped(
    rows: list[dict[str, Any]], actor: Actor, key: str, counts: dict[str, int], name: str
) -> list[dict[str, Any]]:
    kept = [r for r in rows if actor.covers(r.get(key))]
    if len(kept) < len(rows):
        counts[name] = counts.get(name, 0) + len(rows) - len(kept)
    return kept


def check_nik_text(nik: str) -> str:
    """The NIK as 16 digits (spaces and dots removed); :class:`InvalidSubjectNik` otherwise."""
    digits = "".join(ch for ch in nik if ch not in " .-")
    if len(digits) != 16 or not digits.isdigit():
        raise InvalidSubjectNik()
    return digits


def _persons(conn: Connection, nik: str) -> tuple[list[int], list[int]]:
    """Ids of person rows with this NIK, and of the rows linked to them by record linkage."""
    direct = [
        int(i) for i in conn.execute(select(PERSON.c.id).where(PERSON.c.nik == nik)).scalars()
    ]
    clusters = [
        int(i)
        for i in conn.execute(
            select(RESOLVED.c.id).where(
                or_(
                    RESOLVED.c.nik == nik,
                    RESOLVED.c.id.in_(
                        select(PERSON.c.resolved_person_id).where(
                            _in(PERSON.c.id, direct), PERSON.c.resolved_person_id.is_not(None)
                        )
                    ),
                )
            )
        ).scalars()
    ]
    linked = [
        int(i)
        for i in conn.execute(
            select(PERSON.c.id).where(
                _in(PERSON.c.resolved_person_id, clusters), PERSON.c.id.not_in(direct)
            )
        ).scalars()
    ]
    return direct, linked


def subject_report(
    engine: Engine, actor: Actor, nik: str, *, purpose: str, channel: str = "cli"
) -> SubjectReport:
    """Gather and audit the report on ``nik`` for ``actor`` (see the module's text).

    ``purpose``: why it is made (e.g. the person's request number), kept in the audit
    event. Raises :class:`PermissionDenied` for roles that see masked NIKs and
    :class:`SubjectNotFound` when nothing about the NIK lies within the actor's region.
    """
    if not allows(actor.role, "see_full_nik"):
        raise PermissionDenied(
            "Laporan subjek data memuat NIK lengkap; hanya operator desa, verifikator "
            "kab/kota dan admin provinsi di wilayahnya yang boleh membuatnya."
        )
    nik = check_nik_text(nik)
    if not purpose.strip():
        raise PermissionDenied("Tujuan laporan harus diisi (mis. nomor permohonan).")
    now = dt.datetime.now(dt.UTC)
    report = SubjectReport(nik, now, actor.username, actor.role, actor.region)
    withheld = report.withheld
    with engine.begin() as conn:
        direct, linked = _persons(conn, nik)
        all_ids = direct + linked
        memberships = _rows(
            conn,
            select(MEMBERSHIP, FAMILY.c.kode_wilayah)
            .join(FAMILY, FAMILY.c.id == MEMBERSHIP.c.family_id)
            .where(_in(MEMBERSHIP.c.person_id, all_ids))
            .order_by(MEMBERSHIP.c.joined_at),
        )
        # A person row is in scope when one of its families (now or before) is.
        in_scope = {m["person_id"] for m in memberships if actor.covers(m["kode_wilayah"])}
        shown = [i for i in all_ids if i in in_scope]
        if len(shown) < len(all_ids):
            withheld["orang"] = len(all_ids) - len(shown)
        memberships = [m for m in memberships if m["person_id"] in in_scope]
        family_ids = sorted({m["family_id"] for m in memberships})
        persons = _rows(
            conn, select(PERSON).where(_in(PERSON.c.id, shown)).order_by(PERSON.c.id), _SKIP
        )
        for person in persons:
            person["kode"] = person_code(person["id"])
            person["tautan"] = "nik" if person["id"] in direct else "linkage"
        families = _scoped(
            _rows(conn, select(FAMILY).where(_in(FAMILY.c.id, family_ids)), _SKIP),
            actor,
            "kode_wilayah",
            withheld,
            "keluarga",
        )
        family_ids = [f["id"] for f in families]
        sizes: dict[int, int] = {
            int(f): int(n)
            for f, n in conn.execute(
                select(MEMBERSHIP.c.family_id, func.count())
                .where(_in(MEMBERSHIP.c.family_id, family_ids), MEMBERSHIP.c.left_at.is_(None))
                .group_by(MEMBERSHIP.c.family_id)
            )
        }
        for family in families:
            family["kode"] = family_code(family["id"])
            family["jumlah_anggota_aktif"] = int(sizes.get(family["id"], 0))
        history_of = or_(
            and_(STATUS.c.entity == "person", _in(STATUS.c.entity_id, shown)),
            and_(STATUS.c.entity == "family", _in(STATUS.c.entity_id, family_ids)),
        )
        changes_of = or_(
            and_(CHANGE.c.entity == "person", _in(CHANGE.c.entity_id, shown)),
            and_(CHANGE.c.entity == "family", _in(CHANGE.c.entity_id, family_ids)),
        )
        proposals = _scoped(
            _rows(
                conn,
                select(PROPOSAL)
                .where(or_(_in(PROPOSAL.c.person_id, shown), _in(PROPOSAL.c.family_id, family_ids)))
                .order_by(PROPOSAL.c.id),
            ),
            actor,
            "kode_wilayah",
            withheld,
            "usulan",
        )
        proposal_ids = [p["id"] for p in proposals]
        enrolments = _scoped(
            _rows(
                conn,
                select(ENROLMENT)
                .where(
                    or_(
                        _in(ENROLMENT.c.family_id, family_ids),
                        ENROLMENT.c.nik_penerima == nik,
                        _in(ENROLMENT.c.penerima_person_id, shown),
                    )
                )
                .order_by(ENROLMENT.c.period, ENROLMENT.c.program),
            ),
            actor,
            "kode_wilayah",
            withheld,
            "kepesertaan",
        )
        about = or_(
            and_(EVENT.c.entity == "person", _in(EVENT.c.entity_id, [str(i) for i in shown])),
            and_(EVENT.c.entity == "family", _in(EVENT.c.entity_id, [str(i) for i in family_ids])),
            and_(
                EVENT.c.entity == "proposal", _in(EVENT.c.entity_id, [str(i) for i in proposal_ids])
            ),
        )
        events = _scoped(
            _rows(conn, select(EVENT).where(about).order_by(EVENT.c.id), ("prev_hash",)),
            actor,
            "region",
            withheld,
            "event_audit",
        )
        clusters = sorted(
            {p["resolved_person_id"] for p in persons if p.get("resolved_person_id") is not None}
        )
        report.sections = {
            "orang": persons,
            "keanggotaan": memberships,
            "riwayat_status": _rows(conn, select(STATUS).where(history_of).order_by(STATUS.c.at)),
            "riwayat_nilai": _rows(conn, select(CHANGE).where(changes_of).order_by(CHANGE.c.at)),
            "keluarga": families,
            "kesejahteraan": _rows(
                conn,
                select(WELFARE)
                .where(_in(WELFARE.c.family_id, family_ids))
                .order_by(WELFARE.c.ranked_at),
            ),
            "kepesertaan_program": enrolments,
            "usulan": proposals,
            "event_audit": events,
            "tautan_identitas": _rows(conn, select(RESOLVED).where(_in(RESOLVED.c.id, clusters))),
            "penggabungan": _rows(
                conn, select(MERGE).where(_in(MERGE.c.person_id, shown)).order_by(MERGE.c.id)
            ),
            "cek_dukcapil": _scoped(
                _rows(
                    conn,
                    select(DUKCAPIL).where(
                        or_(_in(DUKCAPIL.c.person_id, shown), DUKCAPIL.c.nik == nik)
                    ),
                ),
                actor,
                "kode_wilayah",
                withheld,
                "cek_dukcapil",
            ),
            # Rows refused at import that name this NIK: that they exist and why, not the
            # raw row (it may hold a family of another region).
            "baris_ditolak": _rows(
                conn,
                select(
                    QUARANTINE.c.batch_id,
                    QUARANTINE.c.row_number,
                    QUARANTINE.c.column_name,
                    QUARANTINE.c.severity,
                    QUARANTINE.c.code,
                    QUARANTINE.c.message,
                ).where(or_(QUARANTINE.c.value == nik, QUARANTINE.c.record_key == nik)),
            )
            if shown
            else [],
        }
        found = bool(persons or enrolments)
        # Audited also when nothing is found: a search for someone is an access too.
        report.audit_event_id = _audit(
            conn, actor, nik, purpose, channel, shown, families, found=found
        )
    if not found:
        raise SubjectNotFound()
    return report


def _audit(
    conn: Connection,
    actor: Actor,
    nik: str,
    purpose: str,
    channel: str,
    persons: list[int],
    families: list[dict[str, Any]],
    *,
    found: bool,
) -> int:
    return record_event(
        conn,
        actor=actor,
        action="subject.report",
        entity="person",
        entity_id=persons[0] if persons else None,
        region=common_region(f["kode_wilayah"] for f in families) or actor.region,
        before=None,
        after={
            # The masked NIK: the log is read by auditors, who see masked NIKs.
            "nik": mask_nik(nik),
            "orang": persons,
            "ditemukan": found,
            "tujuan": purpose.strip(),
            "saluran": channel,
        },
    )


__all__ = ["SubjectReport", "check_nik_text", "subject_report"]
