"""A family as the registry holds it: resolving a reference, its full record, lists.

Every function takes the reader (:class:`~terpadu.registry.viewer.Viewer`): a family
outside the reader's region is not found (nothing says it exists) and personal data
(NIK, KK, birth date, region below kab/kota, address) leaves here already masked for
readers who may not see it (:class:`terpadu.access.Disclosure`). Moments are ISO 8601 text (UTC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, Engine, text

from terpadu.layouts import DWELLING_FIELDS
from terpadu.regions import is_within, normalize_code
from terpadu.registry.search import MAX_LIMIT, like_prefix
from terpadu.registry.viewer import Viewer, disclosure_of, region_name
from terpadu.store.ids import family_code, parse_code, person_code

FAMILY_FIELDS: Final = DWELLING_FIELDS
# Rows of each history (status changes, proposals, audit events) a family record shows.
HISTORY_ROWS: Final = 50


class AmbiguousFamily(Exception):
    """An ID_KELUARGA that several visible families (from different sources) carry."""

    def __init__(self, choices: list[FamilyChoice]) -> None:
        super().__init__("ambiguous")
        self.choices = choices


@dataclass(frozen=True)
class FamilyChoice:
    """One of the families an ambiguous ID_KELUARGA names."""

    family_id: str
    source: str
    kode_wilayah: str


def resolve_family(engine: Engine, viewer: Viewer, ident: str) -> int | None:
    """The id of the family ``ident`` names (FAMILY_ID or ID_KELUARGA) within the reader's scope.

    None when there is no such family in scope (outside families are not
    revealed); :class:`AmbiguousFamily` when an ID_KELUARGA matches several visible
    families from different sources.
    """
    ident = ident.strip()
    parsed = parse_code(ident)
    with engine.connect() as conn:
        if parsed is not None and parsed[0] == "family":
            row = conn.execute(
                text("SELECT id, kode_wilayah FROM family WHERE id = :id"), {"id": parsed[1]}
            ).first()
            return int(row.id) if row is not None and viewer.covers(row.kode_wilayah) else None
        rows = conn.execute(
            text(
                "SELECT f.id, f.kode_wilayah, s.name AS source FROM family f "
                "JOIN source s ON s.id = f.source_id "
                "WHERE f.source_key = :key AND f.kode_wilayah LIKE :scope ORDER BY f.id"
            ),
            {"key": ident, "scope": like_prefix(viewer)},
        ).all()
    if not rows:
        return None
    if len(rows) > 1:
        raise AmbiguousFamily(
            [FamilyChoice(family_code(int(r.id)), r.source, r.kode_wilayah) for r in rows]
        )
    return int(rows[0].id)


# -- the family record ---------------------------------------------------------------------
@dataclass(frozen=True)
class RegionLevel:
    """One level of the family's region (province, kab/kota, kecamatan, desa)."""

    kode: str
    nama: str


@dataclass(frozen=True)
class Member:
    """A person who is or was in the family, with the membership."""

    person_id: str
    id: int
    id_anggota: str | None
    nik: str | None
    nama: str
    jenis_kelamin: int | None
    tgl_lahir: str | None
    hub_keluarga: int | None
    status: str
    status_reason: str | None
    perlu_rekam_dukcapil: bool
    version: int
    joined_at: str | None
    left_at: str | None
    left_reason: str | None
    current: bool


@dataclass(frozen=True)
class StatusChange:
    """A status change of the family or one of its members."""

    entity: str
    id: str
    status: str
    reason: str | None
    note: str | None
    actor: str | None
    at: str | None


@dataclass(frozen=True)
class ProposalRef:
    """A proposal about the family, as its record lists it."""

    id: int
    kind: str
    state: str
    created_by: str
    created_at: str | None
    state_since: str | None


@dataclass(frozen=True)
class AuditEntry:
    """An audit event about the family or its proposals."""

    id: int
    at: str | None
    actor: str | None
    role: str | None
    action: str
    entity: str
    entity_id: str | None


@dataclass
class FamilyRecord:
    """A family's registry record; the faces add its welfare and programmes."""

    id: int
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
    members: list[Member] = field(default_factory=list)
    status_history: list[StatusChange] = field(default_factory=list)
    proposals: list[ProposalRef] = field(default_factory=list)
    audit_events: list[AuditEntry] = field(default_factory=list)


def iso(value: Any) -> str | None:
    """A stored date or moment as ISO 8601 text (moments without a zone are UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def family_record(engine: Engine, viewer: Viewer, family_id: int) -> FamilyRecord | None:
    """The family's registry record (region, members, status history, proposals, audit
    events); None when the family is outside the reader's scope."""
    with engine.connect() as conn:
        f = conn.execute(
            text(
                "SELECT f.*, s.name AS source_name FROM family f "
                "JOIN source s ON s.id = f.source_id WHERE f.id = :id"
            ),
            {"id": family_id},
        ).first()
        if f is None or not viewer.covers(f.kode_wilayah):
            return None
        shown = disclosure_of(viewer)
        code = shown.region(f.kode_wilayah) or ""
        detail = FamilyRecord(
            id=f.id,
            family_id=family_code(f.id),
            id_keluarga=f.source_key,
            source=f.source_name,
            no_kk=shown.kk(f.no_kk),
            kode_wilayah=code,
            wilayah=[
                RegionLevel(code[:length], region_name(code[:length]))
                for length in (2, 4, 6, 10)
                if len(code) >= length
            ],
            alamat=shown.hidden(f.alamat),
            rt=shown.hidden(f.rt),
            rw=shown.hidden(f.rw),
            status=f.status,
            status_reason=f.status_reason,
            version=f.version,
            fields={name: getattr(f, name) for name in FAMILY_FIELDS},
        )
        detail.members = _members(conn, viewer, family_id)
        detail.status_history = status_history(
            conn, viewer, family_id=family_id, person_ids=[m.id for m in detail.members]
        )
        detail.proposals = _proposals(conn, family_id)
        detail.audit_events = _audit_events(conn, family_id)
    return detail


def _members(conn: Connection, viewer: Viewer, family_id: int) -> list[Member]:
    rows = conn.execute(
        text(
            "SELECT p.id, p.id_anggota, p.nik, p.nama, p.jenis_kelamin, p.tgl_lahir, "
            "p.status, p.status_reason, p.needs_civil_registration, p.version, "
            "m.hub_keluarga, m.joined_at, m.left_at, m.left_reason "
            "FROM membership m JOIN person p ON p.id = m.person_id "
            "WHERE m.family_id = :id ORDER BY (m.left_at IS NULL) DESC, "
            "m.hub_keluarga, p.tgl_lahir, p.id"
        ),
        {"id": family_id},
    ).all()
    shown = disclosure_of(viewer)
    return [
        Member(
            person_id=person_code(m.id),
            id=m.id,
            id_anggota=m.id_anggota,
            nik=shown.nik(m.nik),
            nama=m.nama,
            jenis_kelamin=m.jenis_kelamin,
            tgl_lahir=shown.birth_date(iso(m.tgl_lahir)),
            hub_keluarga=m.hub_keluarga,
            status=m.status,
            status_reason=m.status_reason,
            perlu_rekam_dukcapil=bool(m.needs_civil_registration),
            version=m.version,
            joined_at=iso(m.joined_at),
            left_at=iso(m.left_at),
            left_reason=m.left_reason,
            current=m.left_at is None,
        )
        for m in rows
    ]


def status_history(
    conn: Connection,
    viewer: Viewer,
    *,
    family_id: int | None = None,
    person_ids: Sequence[int] = (),
) -> list[StatusChange]:
    """Status changes of a family and of the given persons, newest first, as ``viewer`` may
    see them (notes masked where the role sees no personal detail)."""
    shown = disclosure_of(viewer)
    history: list[Any] = []
    if family_id is not None:
        history += conn.execute(
            text(
                "SELECT entity, entity_id, status, reason, note, actor, at FROM status_event "
                "WHERE entity = 'family' AND entity_id = :id ORDER BY at DESC, id DESC "
                "LIMIT :rows"
            ),
            {"id": family_id, "rows": HISTORY_ROWS},
        ).all()
    if person_ids:
        marks = ", ".join(str(int(i)) for i in person_ids[:500])
        history += conn.execute(
            text(
                "SELECT entity, entity_id, status, reason, note, actor, at "
                f"FROM status_event WHERE entity = 'person' AND entity_id IN ({marks}) "
                "ORDER BY at DESC, id DESC LIMIT :rows"
            ),
            {"rows": HISTORY_ROWS},
        ).all()
    changes = [
        StatusChange(
            entity=h.entity,
            id=family_code(h.entity_id) if h.entity == "family" else person_code(h.entity_id),
            status=h.status,
            reason=h.reason,
            note=shown.text(h.note),
            actor=h.actor,
            at=iso(h.at),
        )
        for h in history
    ]
    return sorted(changes, key=lambda h: h.at or "", reverse=True)


def _proposals(conn: Connection, family_id: int) -> list[ProposalRef]:
    rows = conn.execute(
        text(
            "SELECT id, kind, state, created_by, created_at, state_since FROM proposal "
            "WHERE family_id = :id ORDER BY id DESC LIMIT :rows"
        ),
        {"id": family_id, "rows": HISTORY_ROWS},
    ).all()
    return [
        ProposalRef(
            id=p.id,
            kind=p.kind,
            state=p.state,
            created_by=p.created_by,
            created_at=iso(p.created_at),
            state_since=iso(p.state_since),
        )
        for p in rows
    ]


def _audit_events(conn: Connection, family_id: int) -> list[AuditEntry]:
    rows = conn.execute(
        text(
            "SELECT id, at, actor, role, action, entity, entity_id FROM audit_event "
            "WHERE (entity = 'family' AND entity_id = :fid) "
            "OR (entity = 'proposal' AND entity_id IN "
            "(SELECT CAST(id AS VARCHAR(64)) FROM proposal WHERE family_id = :fam)) "
            "ORDER BY id DESC LIMIT :rows"
        ),
        {"fid": str(family_id), "fam": family_id, "rows": HISTORY_ROWS},
    ).all()
    return [
        AuditEntry(
            id=e.id,
            at=iso(e.at),
            actor=e.actor,
            role=e.role,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
        )
        for e in rows
    ]


# -- lists -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyRow:
    """A family in a list, with the name of its head."""

    family_id: str
    id_keluarga: str
    no_kk: str | None
    kode_wilayah: str
    nama_wilayah: str
    status: str
    kepala: str | None


def list_families(
    engine: Engine,
    viewer: Viewer,
    *,
    region: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[FamilyRow], int]:
    """A page of families in scope (optionally a sub-region and a status) and the total."""
    limit = max(1, min(limit, MAX_LIMIT))
    prefix = viewer.region_prefix
    shown = disclosure_of(viewer)
    if region:
        # A masked reader sees regions down to kab/kota: a finer filter is widened to it.
        code = shown.region(normalize_code(region)) or ""
        if viewer.region and not is_within(code, viewer.region):
            return [], 0
        prefix = code
    params: dict[str, Any] = {"scope": f"{prefix}%", "limit": limit, "offset": max(0, offset)}
    where = "f.kode_wilayah LIKE :scope"
    if status:
        where += " AND f.status = :status"
        params["status"] = status
    with engine.connect() as conn:
        total = conn.execute(
            text(f"SELECT count(*) FROM family f WHERE {where}"), params
        ).scalar_one()
        rows = conn.execute(
            text(
                "SELECT f.id, f.source_key, f.no_kk, f.kode_wilayah, f.status, "
                "(SELECT p.nama FROM membership m JOIN person p ON p.id = m.person_id "
                " WHERE m.family_id = f.id AND m.left_at IS NULL "
                " ORDER BY m.hub_keluarga, p.id LIMIT 1) AS kepala "
                f"FROM family f WHERE {where} ORDER BY f.id LIMIT :limit OFFSET :offset"
            ),
            params,
        ).all()
    return [
        FamilyRow(
            family_code(r.id),
            r.source_key,
            shown.kk(r.no_kk),
            shown.region(r.kode_wilayah) or "",
            region_name(shown.region(r.kode_wilayah)),
            r.status,
            r.kepala,
        )
        for r in rows
    ], int(total)
