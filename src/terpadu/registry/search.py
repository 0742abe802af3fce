"""Finding persons in the registry: by NIK, KK number, public id or (spelling-tolerant) name.

The search takes the reader (:class:`~terpadu.registry.viewer.Viewer`) and limits its
SQL to families whose ``kode_wilayah`` starts with the reader's region code, so nothing
outside the reader's region is ever loaded. Personal data leaves here already masked
for readers who may not see it, and a full NIK/KK search by such a reader is refused
(:class:`terpadu.access.NumberLookupRefused`: an exact look-up confirms a guess).

Search is built for a million persons on PostgreSQL: a NIK or KK is an index
look-up; a name is matched token by token with ``LIKE '%token%'`` on
``lower(nama)`` (served by the trigram index on ``person_name``, migration
0009), and when
nothing matches, again with each word widened to the registry's words spelt
like it (*Achmad* → *Ahmad*; :mod:`terpadu.registry.vocabulary`). A name search
collects at most :data:`NAME_MATCH_CAP` matching persons in one bounded pass (no
ordering over every *Siti* in a province), then sorts and pages that set: a
query matching more is reported as "more than 200" and the operator adds a
word. NIK, KK and id look-ups are exact and their totals counted up to
:data:`COUNT_CAP`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine, text

from terpadu.access import NumberLookupRefused
from terpadu.identity import normalize_name
from terpadu.registry.viewer import Viewer, disclosure_of, region_name
from terpadu.registry.vocabulary import NameVocabulary
from terpadu.store.ids import family_code, parse_code, person_code
from terpadu.store.name_search import has_name_table

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


def like_prefix(viewer: Viewer) -> str:
    """The ``LIKE`` pattern of ``kode_wilayah`` within the reader's region."""
    return f"{viewer.region_prefix}%"


# -- search ---------------------------------------------------------------------------------
@dataclass
class PersonHit:
    """A person found; for roles that see personal data masked: NIK and KK masked, birth
    year only (``tgl_lahir`` YYYY instead of YYYY-MM-DD), region down to kabupaten/kota."""

    person_id: str
    nama: str
    nik: str | None
    tgl_lahir: str | None  # ISO date, or the year for masked readers
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


def _hit(viewer: Viewer, row: Any) -> PersonHit:
    shown = disclosure_of(viewer)
    tgl = row.tgl_lahir
    if isinstance(tgl, str):  # SQLite text dates through text()
        tgl = dt.date.fromisoformat(tgl[:10])
    region = shown.region(row.kode_wilayah) or ""
    return PersonHit(
        person_id=person_code(int(row.pid)),
        nama=row.nama,
        nik=shown.nik(row.nik),
        tgl_lahir=shown.birth_date(tgl),
        jenis_kelamin=row.jenis_kelamin,
        status=row.status,
        family_id=family_code(int(row.fid)),
        id_keluarga=row.source_key,
        no_kk=shown.kk(row.no_kk),
        kode_wilayah=region,
        nama_wilayah=region_name(region),
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
    viewer: Viewer,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Persons in the reader's region matching a NIK, a KK number, a public id or a name."""
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    kind = classify(query)
    q = query.strip()
    scope: dict[str, Any] = {"scope": like_prefix(viewer)}
    in_scope = "f.kode_wilayah LIKE :scope"
    if kind in ("empty", "number"):
        return SearchPage(q, kind, [], 0, True, limit, offset)
    if kind == "nik_kk" and not disclosure_of(viewer).may_look_up_numbers:
        raise NumberLookupRefused()
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
                    q, "name", [_hit(viewer, r) for r in fuzzy], len(fuzzy), True, limit, 0, True
                )
        return SearchPage(q, kind, [_hit(viewer, r) for r in rows], total, exact, limit, offset)


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
