"""The family and person pages: the registry record with the family's welfare ranking and
programmes, and a person with the families, history and linked registrations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from terpadu.registry import FamilyRecord, Viewer, family_record, status_history
from terpadu.registry.families import (
    HISTORY_ROWS,
    AuditEntry,
    ProposalRef,
    StatusChange,
    iso,
)
from terpadu.registry.viewer import disclosure_of, region_name
from terpadu.store.ids import family_code, parse_code, person_code
from terpadu.targeting.reads import FamilyProgram, family_programs
from terpadu.verval.kinds import FAMILY_EDITABLE, PERSON_EDITABLE
from terpadu.welfare.reads import FamilyWelfare, current_welfare


@dataclass
class FamilyDetail(FamilyRecord):
    """Everything the family page and ``GET /api/v1/families/{ref}`` show."""

    welfare: FamilyWelfare | None = None
    programs: list[FamilyProgram] | None = None


def family_detail(engine: Engine, viewer: Viewer, family_id: int) -> FamilyDetail | None:
    """The family as its page shows it; None when it lies outside the reader's scope."""
    record = family_record(engine, viewer, family_id)
    if record is None:
        return None
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return FamilyDetail(
        **fields,
        welfare=current_welfare(engine, family_id),
        programs=family_programs(engine, family_id),
    )


# -- the person page -------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonFamily:
    """A family the person is or was a member of."""

    family_id: str
    id_keluarga: str
    kode_wilayah: str
    wilayah: str
    hub_keluarga: int | None
    joined_at: str | None
    left_at: str | None
    left_reason: str | None
    current: bool


@dataclass(frozen=True)
class LinkedPerson:
    """Another registration of the same person (the same PERSON_ID cluster)."""

    person_id: str
    nama: str | None
    family_id: str | None
    kode_wilayah: str | None
    hidden: bool  # outside the reader's region: only its id is shown


@dataclass
class PersonDetail:
    """A person as the person page shows it, personal fields as the reader may see them."""

    id: int
    person_id: str
    nama: str
    nik: str | None
    status: str
    status_reason: str | None
    version: int
    perlu_rekam_dukcapil: bool
    source: str
    fields: dict[str, Any]
    families: list[PersonFamily]
    family: PersonFamily | None
    resolved_id: str | None
    linked: list[LinkedPerson]
    status_history: list[StatusChange] = field(default_factory=list)
    proposals: list[ProposalRef] = field(default_factory=list)
    audit_events: list[AuditEntry] = field(default_factory=list)
    programs: list[FamilyProgram] = field(default_factory=list)


_PERSON_SHOWN = (
    "jenis_kelamin",
    "tempat_lahir",
    "tgl_lahir",
    "status_kawin",
    "nama_ibu_kandung",
    "partisipasi_sekolah",
    "pendidikan_tertinggi",
    "status_pekerjaan",
    "disabilitas",
    "disabilitas_berat",
    "penyakit_kronis",
    "hamil",
)


def _memberships(conn: Connection, viewer: Viewer, person_id: int) -> list[PersonFamily]:
    shown = disclosure_of(viewer)
    rows = conn.execute(
        text(
            "SELECT f.id, f.source_key, f.kode_wilayah, m.hub_keluarga, m.joined_at, m.left_at, "
            "m.left_reason FROM membership m JOIN family f ON f.id = m.family_id "
            "WHERE m.person_id = :id ORDER BY (m.left_at IS NULL) DESC, m.joined_at DESC, m.id DESC"
        ),
        {"id": person_id},
    ).all()
    return [
        PersonFamily(
            family_id=family_code(r.id),
            id_keluarga=r.source_key,
            kode_wilayah=shown.region(r.kode_wilayah) or "",
            wilayah=region_name(shown.region(r.kode_wilayah)),
            hub_keluarga=r.hub_keluarga,
            joined_at=iso(r.joined_at),
            left_at=iso(r.left_at),
            left_reason=r.left_reason,
            current=r.left_at is None,
        )
        for r in rows
        if viewer.covers(r.kode_wilayah)
    ]


def _person_region(conn: Connection, person_id: int) -> str | None:
    """The region of the person's current family (else the latest one)."""
    code = conn.execute(
        text(
            "SELECT f.kode_wilayah FROM membership m JOIN family f ON f.id = m.family_id "
            "WHERE m.person_id = :id ORDER BY (m.left_at IS NULL) DESC, m.joined_at DESC, m.id DESC"
        ),
        {"id": person_id},
    ).scalar()
    return str(code) if code is not None else None


def _linked(conn: Connection, viewer: Viewer, person_id: int, cluster: int) -> list[LinkedPerson]:
    rows = conn.execute(
        text(
            "SELECT p.id, p.nama, f.id AS fid, f.kode_wilayah FROM person p "
            "LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
            "LEFT JOIN family f ON f.id = m.family_id "
            "WHERE (p.resolved_person_id = :c OR p.id = :c) AND p.id <> :id ORDER BY p.id LIMIT 50"
        ),
        {"c": cluster, "id": person_id},
    ).all()
    shown = disclosure_of(viewer)
    out = []
    for r in rows:
        inside = r.kode_wilayah is not None and viewer.covers(r.kode_wilayah)
        out.append(
            LinkedPerson(
                person_id=person_code(r.id),
                nama=r.nama if inside else None,
                family_id=family_code(r.fid) if inside and r.fid else None,
                kode_wilayah=shown.region(r.kode_wilayah) if inside else None,
                hidden=not inside,
            )
        )
    return out


def person_in_scope(engine: Engine, viewer: Viewer, person_id: int) -> bool:
    """Whether the person's family (current, else latest) lies within the reader's region."""
    with engine.connect() as conn:
        region = _person_region(conn, person_id)
    return region is not None and viewer.covers(region)


def person_detail(engine: Engine, viewer: Viewer, person_id: int) -> PersonDetail | None:
    """The person with families, history, programmes and linked registrations; None when
    the person's family lies outside the reader's region."""
    with engine.connect() as conn:
        p = conn.execute(
            text(
                "SELECT p.*, s.name AS source_name FROM person p "
                "JOIN source s ON s.id = p.source_id WHERE p.id = :id"
            ),
            {"id": person_id},
        ).first()
        if p is None:
            return None
        region = _person_region(conn, person_id)
        if region is None or not viewer.covers(region):
            return None
        shown = disclosure_of(viewer)
        families = _memberships(conn, viewer, person_id)
        current = next((f for f in families if f.current), None)
        fields = {name: getattr(p, name) for name in _PERSON_SHOWN}
        fields["tgl_lahir"] = shown.birth_date(iso(p.tgl_lahir))
        fields["nama_ibu_kandung"] = shown.hidden(p.nama_ibu_kandung)
        cluster = p.resolved_person_id
        detail = PersonDetail(
            id=p.id,
            person_id=person_code(p.id),
            nama=p.nama,
            nik=shown.nik(p.nik),
            status=p.status,
            status_reason=p.status_reason,
            version=p.version,
            perlu_rekam_dukcapil=bool(p.needs_civil_registration),
            source=p.source_name,
            fields=fields,
            families=families,
            family=current,
            resolved_id=person_code(cluster) if cluster else None,
            linked=_linked(conn, viewer, p.id, cluster) if cluster else [],
        )
        detail.status_history = status_history(conn, viewer, person_ids=[p.id])
        detail.proposals = [
            ProposalRef(
                id=r.id,
                kind=r.kind,
                state=r.state,
                created_by=r.created_by,
                created_at=iso(r.created_at),
                state_since=iso(r.state_since),
            )
            for r in conn.execute(
                text(
                    "SELECT id, kind, state, created_by, created_at, state_since FROM proposal "
                    "WHERE person_id = :id ORDER BY id DESC LIMIT :rows"
                ),
                {"id": p.id, "rows": HISTORY_ROWS},
            ).all()
        ]
        detail.audit_events = [
            AuditEntry(
                id=e.id,
                at=iso(e.at),
                actor=e.actor,
                role=e.role,
                action=e.action,
                entity=e.entity,
                entity_id=e.entity_id,
            )
            for e in conn.execute(
                text(
                    "SELECT id, at, actor, role, action, entity, entity_id FROM audit_event "
                    "WHERE (entity = 'person' AND entity_id = :pid) "
                    "OR (entity = 'proposal' AND entity_id IN "
                    "(SELECT CAST(id AS VARCHAR(64)) FROM proposal WHERE person_id = :person)) "
                    "ORDER BY id DESC LIMIT :rows"
                ),
                {"pid": str(p.id), "person": p.id, "rows": HISTORY_ROWS},
            ).all()
        ]
    if current is not None:
        parsed = parse_code(current.family_id)
        detail.programs = family_programs(engine, parsed[1]) if parsed else []
    return detail


def family_values(engine: Engine, family_id: int) -> dict[str, Any]:
    """The family's stored values of every editable field (a correction form starts from
    them; the operator who proposes sees the record in full)."""
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM family WHERE id = :id"), {"id": family_id}).first()
    return {} if row is None else {f: getattr(row, f) for f in FAMILY_EDITABLE}


def person_values(engine: Engine, person_id: int) -> dict[str, Any]:
    """The person's stored values of every editable field."""
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM person WHERE id = :id"), {"id": person_id}).first()
    return {} if row is None else {f: getattr(row, f) for f in PERSON_EDITABLE}
