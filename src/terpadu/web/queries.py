"""Region-scoped reads shared by the pages and the API.

Every function takes the logged-in :class:`WebUser` and limits its SQL to
families whose ``kode_wilayah`` starts with the user's region code, so nothing
outside the user's region is ever loaded. NIKs leave here already masked for
roles that may not see them.

Search is built for a million persons on PostgreSQL: a NIK or KK is an index
look-up; a name is matched token by token with ``LIKE '%token%'`` on
``lower(nama)`` (served by the trigram index on ``person_name``, migration
0009), and when
nothing matches, again with each word widened to the registry's words spelt
like it (*Achmad* → *Ahmad*; :mod:`terpadu.web.vocabulary`). A name search
collects at most :data:`NAME_MATCH_CAP` matching persons in one bounded pass (no
ordering over every *Siti* in a province), then sorts and pages that set: a
query matching more is reported as "more than 200" and the operator adds a
word. NIK, KK and id look-ups are exact and their totals counted up to
:data:`COUNT_CAP`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine, text

from terpadu.access import show_nik
from terpadu.identity import normalize_name
from terpadu.layouts import DWELLING_FIELDS
from terpadu.regions import get_region, is_within, normalize_code
from terpadu.regions.codes import RegionCodeError
from terpadu.store.ids import family_code, parse_code, person_code
from terpadu.store.name_search import has_name_table
from terpadu.web.auth import WebUser
from terpadu.web.programs import web_family_programs, web_program_coverage
from terpadu.web.vocabulary import NameVocabulary
from terpadu.welfare.scope import desil_scope

COUNT_CAP: Final = 1000
# Name matches collected per search: ten pages of 20. A name shared by more people is
# reported as "more than 200", and the operator adds a word rather than paging on.
NAME_MATCH_CAP: Final = 200
# rapidfuzz token_sort_ratio (0-100) a spelling-tolerant match must reach: "achmad salim"
# against "ahmad bin salim" scores 81.
MIN_NAME_SCORE: Final = 60.0
MAX_LIMIT: Final = 100
_DIGITS = re.compile(r"^\d+$")
_TOKEN = re.compile(r"[a-z0-9]+")


# -- what name search works with -----------------------------------------------------------
class SearchBackend:
    """What name search works with, one per engine: the registry's name words (for
    spelling-tolerant search) and whether names are found through ``person_name``."""

    def __init__(self, engine: Engine) -> None:
        self.vocabulary = NameVocabulary(engine)
        self._name_table = False

    def name_table(self, conn: Connection) -> bool:
        # Remembered once found; a registry migrated while the server runs finds it later.
        if not self._name_table:
            self._name_table = has_name_table(conn)
        return self._name_table


def detect_backend(engine: Engine) -> SearchBackend:
    return SearchBackend(engine)


def _name_match(
    conn: Connection, backend: SearchBackend, on: Callable[[str], str]
) -> tuple[str, str | None]:
    """A condition on a person's name (``on(name column)``) as (the search's WHERE clause,
    the check of each candidate's own name or None).

    On PostgreSQL the candidates come from ``person_name`` through its trigram
    index, and each is checked again on ``person``'s own name, so a name row
    whose person never committed, or that disagrees with it, matches nothing
    (:mod:`terpadu.store.name_search`). The check runs on the bounded candidate
    set, not in the WHERE clause: a second ``LIKE`` there makes PostgreSQL
    expect a single match and join every membership by hash (30 ms instead of 4).
    """
    if not backend.name_table(conn):
        return on("p.nama"), None
    return f"p.id IN (SELECT n.person_id FROM person_name n WHERE {on('n.nama')})", on("nama")


def _like_prefix(user: WebUser) -> str:
    return f"{user.region_prefix}%"


def region_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        region = get_region(code)
    except (RegionCodeError, ValueError):
        return ""
    return region.name if region else ""


# -- search ---------------------------------------------------------------------------------
@dataclass
class PersonHit:
    person_id: str
    nama: str
    nik: str | None
    tgl_lahir: dt.date | None
    jenis_kelamin: int | None
    status: str
    family_id: str
    id_keluarga: str
    no_kk: str | None
    kode_wilayah: str
    nama_wilayah: str


@dataclass
class SearchPage:
    query: str
    kind: str  # nik, kk, nik_kk, name, code, empty
    items: list[PersonHit]
    total: int
    total_exact: bool
    limit: int
    offset: int
    fuzzy: bool = False


_PERSON_COLUMNS = (
    "p.id AS pid, p.nama, p.nik, p.tgl_lahir, p.jenis_kelamin, p.status, "
    "f.id AS fid, f.source_key, f.no_kk, f.kode_wilayah"
)
_PERSON_FROM = (
    "FROM person p JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
    "JOIN family f ON f.id = m.family_id"
)


def _hit(user: WebUser, row: Any) -> PersonHit:
    tgl = row.tgl_lahir
    if isinstance(tgl, str):  # SQLite text dates through text()
        tgl = dt.date.fromisoformat(tgl[:10])
    return PersonHit(
        person_id=person_code(int(row.pid)),
        nama=row.nama,
        nik=show_nik(user, row.nik),
        tgl_lahir=tgl,
        jenis_kelamin=row.jenis_kelamin,
        status=row.status,
        family_id=family_code(int(row.fid)),
        id_keluarga=row.source_key,
        no_kk=row.no_kk,
        kode_wilayah=row.kode_wilayah,
        nama_wilayah=region_name(row.kode_wilayah),
    )


def classify(query: str) -> str:
    q = query.strip()
    if not q:
        return "empty"
    if parse_code(q) is not None:
        return "code"
    compact = q.replace(" ", "").replace(".", "")
    if _DIGITS.match(compact):
        return "nik_kk" if len(compact) == 16 else "number"
    return "name"


def _tokens(query: str) -> tuple[list[str], str]:
    """(tokens every match must contain, the normalised query for similarity)."""
    normal = normalize_name(query).lower()
    normal_tokens = normal.split()
    raw = _TOKEN.findall(query.lower())
    # Keep the words as typed unless normalisation removed them (titles) or rewrote them
    # (Muh., Moh. → muhammad: the registry holds every spelling, so don't require one).
    strict = [t for t in raw if t in normal_tokens]
    if not strict:
        strict = [t for t in normal_tokens if t != "muhammad"] or normal_tokens
    return [t for t in strict if len(t) >= 2][:6], normal


def _run(
    conn: Connection, where: str, params: dict[str, Any], *, limit: int, offset: int, order: str
) -> tuple[list[Any], int, bool]:
    rows = conn.execute(
        text(
            f"SELECT {_PERSON_COLUMNS} {_PERSON_FROM} WHERE {where} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": limit, "offset": offset},
    ).all()
    if offset == 0 and len(rows) < limit:
        return list(rows), len(rows), True
    total = conn.execute(
        text(f"SELECT count(*) FROM (SELECT 1 {_PERSON_FROM} WHERE {where} LIMIT :cap) s"),
        {**params, "cap": COUNT_CAP + 1},
    ).scalar_one()
    return list(rows), min(int(total), COUNT_CAP), int(total) <= COUNT_CAP


def _run_capped(
    conn: Connection,
    where: str,
    params: dict[str, Any],
    *,
    limit: int,
    offset: int,
    check: str | None = None,
) -> tuple[list[Any], int, bool]:
    """One page of the first NAME_MATCH_CAP + 1 matches found, sorted by id, and their count.

    The candidate set is materialised with a LIMIT and no ORDER BY, so the
    planner stops after NAME_MATCH_CAP + 1 rows of the trigram bitmap scan
    instead of walking the primary key past every non-matching person (its row
    estimates for ``LIKE '%token%'`` are often off by 100x). ``check``: a
    condition on the candidates' columns that each must also meet.
    """
    # The extra (cap + 1st) match only tells that there are more; it is never shown.
    page_size = max(0, min(limit, NAME_MATCH_CAP - offset))
    materialized = "MATERIALIZED" if conn.dialect.name == "postgresql" else ""
    # The count row is always there; the page's columns are NULL past the last match.
    rows = conn.execute(
        text(
            f"WITH hits AS {materialized} (SELECT {_PERSON_COLUMNS} {_PERSON_FROM} "
            f"WHERE {where} LIMIT :cap), "
            f"matched AS (SELECT * FROM hits WHERE {check or '1 = 1'}) "
            "SELECT n.total, page.* FROM (SELECT count(*) AS total FROM matched) n "
            "LEFT JOIN (SELECT * FROM matched ORDER BY pid LIMIT :limit OFFSET :offset) page "
            "ON 1 = 1"
        ),
        {**params, "cap": NAME_MATCH_CAP + 1, "limit": page_size, "offset": offset},
    ).all()
    total = int(rows[0].total)
    items = [r for r in rows if r.pid is not None]
    return items, min(total, NAME_MATCH_CAP), total <= NAME_MATCH_CAP


def search_persons(
    engine: Engine,
    backend: SearchBackend,
    user: WebUser,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Persons in the user's region matching a NIK, a KK number, a public id or a name."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    kind = classify(query)
    q = query.strip()
    scope: dict[str, Any] = {"scope": _like_prefix(user)}
    in_scope = "f.kode_wilayah LIKE :scope"
    if kind in ("empty", "number"):
        return SearchPage(q, kind, [], 0, True, limit, offset)
    # Autocommit: a read needs no BEGIN and ROLLBACK round trips around it.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if kind == "code":
            entity, ident = parse_code(q) or ("", 0)
            column = "p.id" if entity == "person" else "f.id"
            rows, total, exact = _run(
                conn,
                f"{column} = :ident AND {in_scope}",
                {**scope, "ident": ident},
                limit=limit,
                offset=offset,
                order="p.id",
            )
        elif kind == "nik_kk":
            number = q.replace(" ", "").replace(".", "")
            # Two index look-ups (person.nik, family.no_kk) rather than an OR across the join.
            where = (
                f"{in_scope} AND p.id IN (SELECT p2.id FROM person p2 WHERE p2.nik = :number "
                "UNION SELECT m2.person_id FROM membership m2 JOIN family f2 "
                "ON f2.id = m2.family_id WHERE f2.no_kk = :number AND m2.left_at IS NULL)"
            )
            rows, total, exact = _run(
                conn, where, {**scope, "number": number}, limit=limit, offset=offset, order="p.id"
            )
        else:
            tokens, normal = _tokens(q)
            if not tokens:
                return SearchPage(q, "name", [], 0, True, limit, offset)
            params: dict[str, Any] = dict(scope)
            for i, token in enumerate(tokens):
                params[f"t{i}"] = f"%{token}%"

            def every_token(name: str) -> str:
                return " AND ".join(f"lower({name}) LIKE :t{i}" for i in range(len(tokens)))

            match, check = _name_match(conn, backend, every_token)
            rows, total, exact = _run_capped(
                conn, f"{match} AND {in_scope}", params, limit=limit, offset=offset, check=check
            )
            if total == 0 and offset == 0:
                fuzzy = _fuzzy(conn, backend, normal, tokens, scope, limit)
                return SearchPage(
                    q, "name", [_hit(user, r) for r in fuzzy], len(fuzzy), True, limit, 0, True
                )
        return SearchPage(q, kind, [_hit(user, r) for r in rows], total, exact, limit, offset)


def _fuzzy(
    conn: Connection,
    backend: SearchBackend,
    normal: str,
    tokens: list[str],
    scope: dict[str, Any],
    limit: int,
) -> list[Any]:
    """Spelling-tolerant matches, best first.

    Every query word is replaced by the registry's words close to it
    (:class:`NameVocabulary`); a person matches when each word matches one of
    its alternatives. The bounded candidate set is ranked by how closely the
    whole name resembles the query. A word nothing resembles is left out.
    """
    params: dict[str, Any] = dict(scope)
    alternatives: list[list[str]] = []  # per query word, the parameters of its spellings
    for i, token in enumerate(tokens):
        options = backend.vocabulary.alternatives(token)
        if not options:
            continue
        for j, option in enumerate(options):
            params[f"f{i}_{j}"] = f"%{option}%"
        alternatives.append([f"f{i}_{j}" for j in range(len(options))])
    if not alternatives:
        return []

    def every_word(name: str) -> str:
        return " AND ".join(
            "(" + " OR ".join(f"lower({name}) LIKE :{p}" for p in spellings) + ")"
            for spellings in alternatives
        )

    match, check = _name_match(conn, backend, every_word)
    candidates, _, _ = _run_capped(
        conn,
        f"{match} AND f.kode_wilayah LIKE :scope",
        params,
        limit=NAME_MATCH_CAP,
        offset=0,
        check=check,
    )
    scored = [
        (fuzz.token_sort_ratio(normal, normalize_name(r.nama).lower()), r) for r in candidates
    ]
    ranked = sorted((x for x in scored if x[0] >= MIN_NAME_SCORE), key=lambda x: -x[0])
    return [r for _, r in ranked][:limit]


# -- families -------------------------------------------------------------------------------
class Ambiguous(Exception):
    """An ID_KELUARGA that several visible families (from different sources) carry."""

    def __init__(self, choices: list[dict[str, str]]) -> None:
        super().__init__("ambiguous")
        self.choices = choices


def resolve_family(engine: Engine, user: WebUser, ident: str) -> int | None:
    """The id of the family ``ident`` names (FAMILY_ID or ID_KELUARGA) within the user's scope.

    None when there is no such family in scope (outside families are not
    revealed); :class:`Ambiguous` when an ID_KELUARGA matches several visible
    families from different sources.
    """
    ident = ident.strip()
    parsed = parse_code(ident)
    with engine.connect() as conn:
        if parsed is not None and parsed[0] == "family":
            row = conn.execute(
                text("SELECT id, kode_wilayah FROM family WHERE id = :id"), {"id": parsed[1]}
            ).first()
            return int(row.id) if row is not None and user.covers(row.kode_wilayah) else None
        rows = conn.execute(
            text(
                "SELECT f.id, f.kode_wilayah, s.name AS source FROM family f "
                "JOIN source s ON s.id = f.source_id "
                "WHERE f.source_key = :key AND f.kode_wilayah LIKE :scope ORDER BY f.id"
            ),
            {"key": ident, "scope": _like_prefix(user)},
        ).all()
    if not rows:
        return None
    if len(rows) > 1:
        raise Ambiguous(
            [
                {
                    "family_id": family_code(int(r.id)),
                    "source": r.source,
                    "kode_wilayah": r.kode_wilayah,
                }
                for r in rows
            ]
        )
    return int(rows[0].id)


FAMILY_FIELDS: Final = DWELLING_FIELDS


@dataclass
class FamilyDetail:
    id: int
    family_id: str
    id_keluarga: str
    source: str
    no_kk: str | None
    kode_wilayah: str
    wilayah: list[dict[str, str]]
    alamat: str | None
    rt: str | None
    rw: str | None
    status: str
    status_reason: str | None
    version: int
    fields: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    status_history: list[dict[str, Any]] = field(default_factory=list)
    welfare: dict[str, Any] | None = None
    proposals: list[dict[str, Any]] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)
    programs: list[dict[str, Any]] | None = None


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def family_detail(engine: Engine, user: WebUser, family_id: int) -> FamilyDetail | None:
    """Everything the family page shows; None when the family is outside the user's scope."""
    with engine.connect() as conn:
        f = conn.execute(
            text(
                "SELECT f.*, s.name AS source_name FROM family f "
                "JOIN source s ON s.id = f.source_id WHERE f.id = :id"
            ),
            {"id": family_id},
        ).first()
        if f is None or not user.covers(f.kode_wilayah):
            return None
        wilayah = []
        code = f.kode_wilayah
        for length in (2, 4, 6, 10):
            if len(code) >= length:
                wilayah.append({"kode": code[:length], "nama": region_name(code[:length])})
        detail = FamilyDetail(
            id=f.id,
            family_id=family_code(f.id),
            id_keluarga=f.source_key,
            source=f.source_name,
            no_kk=f.no_kk,
            kode_wilayah=f.kode_wilayah,
            wilayah=wilayah,
            alamat=f.alamat,
            rt=f.rt,
            rw=f.rw,
            status=f.status,
            status_reason=f.status_reason,
            version=f.version,
            fields={name: getattr(f, name) for name in FAMILY_FIELDS},
        )
        members = conn.execute(
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
        detail.members = [
            {
                "person_id": person_code(m.id),
                "id": m.id,
                "id_anggota": m.id_anggota,
                "nik": show_nik(user, m.nik),
                "nama": m.nama,
                "jenis_kelamin": m.jenis_kelamin,
                "tgl_lahir": _iso(m.tgl_lahir),
                "hub_keluarga": m.hub_keluarga,
                "status": m.status,
                "status_reason": m.status_reason,
                "perlu_rekam_dukcapil": bool(m.needs_civil_registration),
                "version": m.version,
                "joined_at": _iso(m.joined_at),
                "left_at": _iso(m.left_at),
                "left_reason": m.left_reason,
                "current": m.left_at is None,
            }
            for m in members
        ]
        person_ids = [m.id for m in members]
        history = conn.execute(
            text(
                "SELECT entity, entity_id, status, reason, note, actor, at FROM status_event "
                "WHERE entity = 'family' AND entity_id = :id ORDER BY at DESC, id DESC LIMIT 50"
            ),
            {"id": family_id},
        ).all()
        if person_ids:
            marks = ", ".join(str(int(i)) for i in person_ids[:500])
            history = [
                *history,
                *conn.execute(
                    text(
                        "SELECT entity, entity_id, status, reason, note, actor, at "
                        f"FROM status_event WHERE entity = 'person' AND entity_id IN ({marks}) "
                        "ORDER BY at DESC, id DESC LIMIT 50"
                    )
                ).all(),
            ]
        detail.status_history = sorted(
            (
                {
                    "entity": h.entity,
                    "id": family_code(h.entity_id)
                    if h.entity == "family"
                    else person_code(h.entity_id),
                    "status": h.status,
                    "reason": h.reason,
                    "note": h.note,
                    "actor": h.actor,
                    "at": _iso(h.at),
                }
                for h in history
            ),
            key=lambda h: h["at"] or "",
            reverse=True,
        )
        w = conn.execute(
            text(
                "SELECT pmt_score, persentil, desil, rank_nasional, rank_provinsi, rank_kabkota, "
                "skor_deprivasi, dimensi_deprivasi, indikator_deprivasi, skor_dimensi, "
                "miskin_multidimensi, model_version, ranked_at FROM family_welfare "
                "WHERE family_id = :id AND is_current = 1 ORDER BY id DESC LIMIT 1"
            ),
            {"id": family_id},
        ).first()
        if w is not None:
            try:
                dims = json.loads(w.skor_dimensi) if w.skor_dimensi else {}
            except ValueError:
                dims = {}
            detail.welfare = {
                "pmt_score": w.pmt_score,
                "persentil": w.persentil,
                "desil": w.desil,
                "rank_nasional": w.rank_nasional,
                "rank_provinsi": w.rank_provinsi,
                "rank_kabkota": w.rank_kabkota,
                "skor_deprivasi": w.skor_deprivasi,
                "dimensi_deprivasi": [d for d in (w.dimensi_deprivasi or "").split(";") if d],
                "indikator_deprivasi": [d for d in (w.indikator_deprivasi or "").split(";") if d],
                "skor_dimensi": dims,
                "miskin_multidimensi": bool(w.miskin_multidimensi),
                "model_version": w.model_version,
                "ranked_at": _iso(w.ranked_at),
                "cakupan": desil_scope(engine).region_name,
            }
        proposals = conn.execute(
            text(
                "SELECT id, kind, state, created_by, created_at, state_since FROM proposal "
                "WHERE family_id = :id ORDER BY id DESC LIMIT 50"
            ),
            {"id": family_id},
        ).all()
        detail.proposals = [
            {
                "id": p.id,
                "kind": p.kind,
                "state": p.state,
                "created_by": p.created_by,
                "created_at": _iso(p.created_at),
                "state_since": _iso(p.state_since),
            }
            for p in proposals
        ]
        keys = [str(family_id)]
        events = conn.execute(
            text(
                "SELECT id, at, actor, role, action, entity, entity_id FROM audit_event "
                "WHERE (entity = 'family' AND entity_id = :fid) "
                "OR (entity = 'proposal' AND entity_id IN "
                "(SELECT CAST(id AS VARCHAR(64)) FROM proposal WHERE family_id = :fam)) "
                "ORDER BY id DESC LIMIT 50"
            ),
            {"fid": keys[0], "fam": family_id},
        ).all()
        detail.audit_events = [
            {
                "id": e.id,
                "at": _iso(e.at),
                "actor": e.actor,
                "role": e.role,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
            }
            for e in events
        ]
    detail.programs = program_rows_for_family(engine, family_id)
    return detail


def program_rows_for_family(engine: Engine, family_id: int) -> list[dict[str, Any]]:
    """The family's programmes (``terpadu.web.programs``)."""
    return web_family_programs(engine, family_id)


@dataclass
class FamilyRow:
    family_id: str
    id_keluarga: str
    no_kk: str | None
    kode_wilayah: str
    nama_wilayah: str
    status: str
    kepala: str | None


def list_families(
    engine: Engine,
    user: WebUser,
    *,
    region: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[FamilyRow], int]:
    """A page of families in scope (optionally a sub-region and a status) and the total."""
    limit = max(1, min(limit, MAX_LIMIT))
    prefix = user.region_prefix
    if region:
        code = normalize_code(region)
        if user.region and not is_within(code, user.region):
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
            r.no_kk,
            r.kode_wilayah,
            region_name(r.kode_wilayah),
            r.status,
            r.kepala,
        )
        for r in rows
    ], int(total)


# -- dashboard ------------------------------------------------------------------------------
class _TtlCache:
    def __init__(self, ttl_s: float) -> None:
        self.ttl = ttl_s
        self._items: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any | None:
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        return None

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            if len(self._items) > 1000:
                self._items.clear()
            self._items[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


DASHBOARD_CACHE = _TtlCache(30.0)


def _child_code(code: str | None, prefix: str) -> str | None:
    """The region one level below ``prefix`` that ``code`` lies in (or the desa itself)."""
    if not code:
        return None
    length = {0: 2, 2: 4, 4: 6, 6: 10}.get(len(prefix), 10)
    return code[:length] if code.startswith(prefix) else None


def _raw_region(raw: Any) -> str | None:
    if not raw:
        return None
    data = raw if isinstance(raw, dict) else json.loads(raw) if isinstance(raw, str) else None
    if not isinstance(data, dict):
        return None
    for key, value in data.items():
        if re.sub(r"[^a-z]", "", str(key).lower()) in ("kodewilayah", "kodedesa", "kdwilayah"):
            try:
                return normalize_code(str(value))
            except (RegionCodeError, ValueError):
                return None
    return None


def dashboard(engine: Engine, user: WebUser) -> dict[str, Any]:
    """Counts for the dashboard: families and persons by status, desil, data-quality problems."""
    key = (user.region_prefix,)
    cached = DASHBOARD_CACHE.get(key)
    if cached is not None:
        return dict(cached)
    scope = {"scope": _like_prefix(user)}
    with engine.connect() as conn:
        families = {
            r.status: int(r.n)
            for r in conn.execute(
                text(
                    "SELECT status, count(*) AS n FROM family WHERE kode_wilayah LIKE :scope "
                    "GROUP BY status"
                ),
                scope,
            )
        }
        persons = {
            r.status: int(r.n)
            for r in conn.execute(
                text(
                    "SELECT p.status, count(*) AS n FROM person p JOIN membership m "
                    "ON m.person_id = p.id AND m.left_at IS NULL JOIN family f "
                    "ON f.id = m.family_id WHERE f.kode_wilayah LIKE :scope GROUP BY p.status"
                ),
                scope,
            )
        }
        desil = {
            int(r.desil): int(r.n)
            for r in conn.execute(
                text(
                    "SELECT w.desil, count(*) AS n FROM family_welfare w JOIN family f "
                    "ON f.id = w.family_id WHERE w.is_current = 1 AND f.kode_wilayah LIKE :scope "
                    "GROUP BY w.desil"
                ),
                scope,
            )
        }
        quarantine = conn.execute(
            text(
                "SELECT q.code, q.severity, q.raw, COALESCE(f1.kode_wilayah, f2.kode_wilayah) "
                "AS kode FROM quarantine q JOIN batch b ON b.id = q.batch_id "
                "JOIN batch_file bf ON bf.id = q.file_id "
                "LEFT JOIN family f1 ON bf.role = 'keluarga' AND f1.source_id = b.source_id "
                " AND f1.source_key = q.record_key "
                "LEFT JOIN person p ON bf.role = 'anggota' AND p.source_id = b.source_id "
                " AND p.source_key = q.record_key "
                "LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
                "LEFT JOIN family f2 ON f2.id = m.family_id "
                "WHERE q.resolved_at IS NULL ORDER BY q.id DESC LIMIT 100000"
            )
        ).all()
    problems: dict[str, dict[str, int]] = {}
    codes: dict[str, int] = {}
    prefix = user.region_prefix
    for row in quarantine:
        code = row.kode or _raw_region(row.raw)
        if code is None:
            if user.region is not None:
                continue
            area = "-"
        else:
            if not code.startswith(prefix):
                continue
            area = _child_code(code, prefix) or code
        bucket = problems.setdefault(area, {"error": 0, "warning": 0})
        bucket[row.severity] = bucket.get(row.severity, 0) + 1
        codes[row.code] = codes.get(row.code, 0) + 1
    result: dict[str, Any] = {
        "region": user.region,
        "region_name": region_name(user.region) if user.region else "Nasional",
        "families": families,
        "persons": persons,
        "desil": [{"desil": d, "keluarga": desil.get(d, 0)} for d in range(1, 11)],
        "quality": [
            {"kode": k, "nama": region_name(k) if k != "-" else "tanpa wilayah", **v}
            for k, v in sorted(problems.items())
        ],
        "quality_codes": [
            {"code": c, "count": n} for c, n in sorted(codes.items(), key=lambda x: -x[1])[:10]
        ],
        "programs": program_coverage(engine, user),
    }
    DASHBOARD_CACHE.put(key, result)
    return dict(result)


def program_coverage(engine: Engine, user: WebUser) -> list[dict[str, Any]]:
    return web_program_coverage(engine, user.region)
