"""What the verval pages show: the steps a user may take, a proposal's content and history
in words, and the inbox with its filters, SLA and paging.

The steps follow the workflow of :mod:`terpadu.verval.decisions` (who acts at which state and
level); the page offers only those, and the workflow still checks each one when it is taken.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Final, cast
from urllib.parse import urlencode

from sqlalchemy import Engine, select

from terpadu.access import MASKED_REGION_DIGITS, OPERATOR_DESA, disclosure
from terpadu.audit.log import as_utc
from terpadu.locale import code_label, fmt_date, has_text, text
from terpadu.registry import region_name
from terpadu.store.models.verval import Proposal
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.inbox import summarise, waiting_on
from terpadu.verval.kinds import (
    ADD_MEMBER,
    APPROVED,
    CORRECT,
    DRAFT,
    KINDS,
    NEW_FAMILY,
    PENDING_REVIEW,
    REJECTED,
    RETURNED,
    STATES,
)
from terpadu.web.auth import WebUser
from terpadu.web.labels import field_label, field_value
from terpadu.web.services import summary_dict

#: Steps the inbox's bulk form offers, by role (each proposal is still checked on its own).
BULK_ACTIONS: Final[dict[str, tuple[str, ...]]] = {
    OPERATOR_DESA: ("submit",),
    "verifikator_kab": ("verify", "approve", "return", "reject"),
    "admin_provinsi": ("approve", "return", "reject"),
}
STEP_ACTIONS: Final = ("submit", "verify", "approve", "reject", "return")
#: The system's own checks (linkage, Dukcapil, payment corrections) raise drafts under the
#: names ``terpadu-<check>`` (no login account): "sistem" in the inbox's source filter.
SYSTEM_PREFIX: Final = "terpadu-"
PAGE_SIZE: Final = 50
SORTS: Final = ("sla", "baru", "lama")
SOURCES: Final = ("petugas", "sistem")


# -- one proposal ---------------------------------------------------------------------------
def allowed_steps(p: dict[str, Any], user: WebUser, lang: str) -> tuple[list[str], str | None]:
    """The steps ``user`` may take on proposal ``p`` now, or none and why, in words."""
    if user.read_only:
        return [], text("verval.why_none.read_only", lang)
    state = p["state"]
    if state in (APPROVED, REJECTED):
        return [], text("verval.why_none.decided", lang)
    if state in (DRAFT, RETURNED):
        if user.role != OPERATOR_DESA:
            return [], text("verval.why_none.waiting_desa", lang)
        pending = (p.get("payload") or {}).get("perlu_diisi")
        if pending:
            fields = ", ".join(field_label(str(f), lang) for f in pending)
            return [], text("verval.why_none.pending_fields", lang, fields=fields)
        return ["submit"], None
    if state not in PENDING_REVIEW:
        return [], None
    levels, stage = list(p.get("levels") or []), int(p.get("stage") or 0)
    level = levels[stage] if stage < len(levels) else None
    if level is None or user.role != level:
        role = code_label("role", level or p.get("waiting_on"), lang)
        return [], text("verval.why_none.waiting_role", lang, role=role)
    if user.username == p["created_by"]:
        return [], text("verval.why_none.own", lang)
    last = stage == len(levels) - 1
    return ["approve" if last else "verify", "return", "reject"], None


def _words(area: str, value: Any, lang: str) -> str:
    key = f"verval.{area}.{value}"
    return text(key, lang) if has_text(key) else str(value)


def kind_words(kind: str, lang: str) -> str:
    return _words("kind", kind, lang)


def reason_words(reason: str | None, lang: str) -> str:
    return _words("reason", reason, lang) if reason else "-"


def content_view(p: dict[str, Any], lang: str) -> dict[str, Any]:
    """A proposal's payload as tables in words: changes (field, now, proposed), whole
    records (a new family and its members, a new member), and fields still to be filled."""
    payload: dict[str, Any] = p.get("payload") or {}
    kind = p["kind"]
    changes: list[tuple[str, str, str]] = []
    records: list[tuple[str, list[tuple[str, str]]]] = []
    pending: list[str] = []

    def record(entity: str, values: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (field_label(name, lang), field_value(name, value, lang))
            for name, value in values.items()
        ]

    if kind == CORRECT:
        for name, change in (payload.get("changes") or {}).items():
            old = change.get("old") if isinstance(change, dict) else None
            new = change.get("new") if isinstance(change, dict) else change
            changes.append(
                (
                    field_label(name, lang),
                    field_value(name, old, lang),
                    field_value(name, new, lang),
                )
            )
        pending = [field_label(str(f), lang) for f in payload.get("perlu_diisi") or []]
    elif kind == NEW_FAMILY:
        records.append(
            (text("verval.entity.family", lang), record("family", payload.get("family") or {}))
        )
        for n, member in enumerate(payload.get("members") or [], start=1):
            records.append((text("verval.member_n", lang, n=n), record("person", member)))
    elif kind == ADD_MEMBER:
        if isinstance(payload.get("person"), dict):
            records.append(
                (text("verval.entity.person", lang), record("person", payload["person"]))
            )
        elif "hub_keluarga" in payload:
            hub = field_value("hub_keluarga", payload["hub_keluarga"], lang)
            records.append(
                (text("verval.entity.person", lang), [(field_label("hub_keluarga", lang), hub)])
            )
    entity = payload.get("entity")
    return {
        "entity": text(f"verval.entity.{entity}", lang) if entity in ("family", "person") else "",
        "changes": changes,
        "records": records,
        "pending": pending,
        "empty": not (changes or records or pending),
    }


def _when(value: Any, lang: str) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        return f"{fmt_date(value, lang)} {value:%H:%M} UTC"
    return fmt_date(value, lang)


def history_view(p: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The proposal's steps as sentences' parts: when, what, stage change, who, note."""
    out = []
    for s in p.get("steps") or []:
        before = (
            code_label("proposal_state", s.get("from_state"), lang) if s.get("from_state") else ""
        )
        after = code_label("proposal_state", s.get("to_state"), lang)
        out.append(
            {
                "when": _when(s.get("at"), lang),
                "what": _words("step", s.get("action"), lang),
                "stage": f"{before} → {after}" if before else after,
                "who": f"{s.get('actor')} ({code_label('role', s.get('role'), lang)})",
                "note": s.get("note") or "",
            }
        )
    return out


def comments_view(p: dict[str, Any], lang: str) -> list[dict[str, str]]:
    return [
        {
            "when": _when(c.get("at"), lang),
            "who": f"{c.get('author')} ({code_label('role', c.get('role'), lang)})",
            "body": c.get("body") or "",
        }
        for c in p.get("comments") or []
    ]


# -- the inbox ------------------------------------------------------------------------------
@dataclass(frozen=True)
class InboxFilters:
    """The inbox's filters as the query string carries them (Bahasa names, no JavaScript)."""

    mine: bool = True
    state: str = ""
    kind: str = ""
    region: str = ""
    creator: str = ""
    older_than: int | None = None
    source: str = ""
    sort: str = "sla"
    offset: int = 0

    @classmethod
    def parse(cls, user: WebUser, params: dict[str, str]) -> InboxFilters:
        """Filters from the query; a value that is not one of the choices is dropped."""
        acts = user.role in BULK_ACTIONS
        untuk = params.get("untuk", "")
        age = params.get("umur", "").strip()
        region = params.get("wilayah", "").replace(".", "").strip()
        if not disclosure(user).full:
            # A masked role sees regions to the kabupaten/kota: it filters no finer either.
            region = region[:MASKED_REGION_DIGITS]
        offset = params.get("offset", "")
        return cls(
            mine=acts and untuk != "semua",
            state=params.get("tahap", "") if params.get("tahap") in STATES else "",
            kind=params.get("jenis", "") if params.get("jenis") in KINDS else "",
            region=region if region.isdigit() and len(region) <= 10 else "",
            creator=params.get("pembuat", "").strip()[:100],
            older_than=min(int(age), 3650) if age.isdigit() else None,
            source=params.get("sumber", "") if params.get("sumber") in SOURCES else "",
            sort=params.get("urut", "") if params.get("urut") in SORTS else "sla",
            offset=min(int(offset), 1_000_000) if offset.isdigit() else 0,
        )

    def query(self, **changes: Any) -> str:
        """The query string of these filters with ``changes`` (defaults left out)."""
        f = replace(self, **changes)
        pairs = {
            "untuk": "" if f.mine else "semua",
            "tahap": f.state,
            "jenis": f.kind,
            "wilayah": f.region,
            "pembuat": f.creator,
            "umur": "" if f.older_than is None else str(f.older_than),
            "sumber": f.source,
            "urut": "" if f.sort == "sla" else f.sort,
            "offset": str(f.offset) if f.offset else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})


@dataclass(frozen=True)
class InboxPage:
    rows: list[dict[str, Any]]
    total: int
    overdue: int
    regions: list[tuple[str, str]]
    creators: list[str]


#: The columns :func:`terpadu.verval.inbox.summarise` reads (no payload: a list never needs it).
_SUMMARY_COLUMNS: Final = (
    "id",
    "kind",
    "state",
    "stage",
    "levels",
    "kode_wilayah",
    "family_id",
    "person_id",
    "created_by",
    "created_at",
    "state_since",
    "version",
    "family_version",
)
#: The states in which a proposal can be waiting on each role.
_WAITING_STATES: Final[dict[str, tuple[str, ...]]] = {
    OPERATOR_DESA: (DRAFT, RETURNED),
    "verifikator_kab": tuple(PENDING_REVIEW),
    "admin_provinsi": tuple(PENDING_REVIEW),
}


def _scoped(user: WebUser) -> Any:
    """The proposal table's rows in ``user``'s region."""
    table = Proposal.__table__
    where = [table.c.kode_wilayah.startswith(user.region)] if user.region else []
    return table, where


def _filtered(user: WebUser, f: InboxFilters, now: dt.datetime) -> Any:
    """The filters SQL can apply (the rest, who acts at which level, in Python)."""
    table, where = _scoped(user)
    c = table.c
    if f.mine:
        where.append(c.state.in_(_WAITING_STATES.get(user.role, ())))
    if f.state:
        where.append(c.state == f.state)
    if f.kind:
        where.append(c.kind == f.kind)
    if f.region:
        where.append(c.kode_wilayah.startswith(f.region))
    if f.creator:
        where.append(c.created_by == f.creator)
    if f.source:
        system = c.created_by.startswith(SYSTEM_PREFIX)
        where.append(system if f.source == "sistem" else ~system)
    if f.older_than is not None:
        where.append(c.state_since < now - dt.timedelta(days=f.older_than))
    return select(*[c[name] for name in _SUMMARY_COLUMNS]).where(*where).order_by(c.id)


def _region_words(code: str, lang: str) -> str:
    """A region choice: its code and name, saying kecamatan or desa where names repeat."""
    name = region_name(code)
    if name and len(code) in (6, 10):
        name = text(
            "verval.region_kec" if len(code) == 6 else "verval.region_desa", lang, name=name
        )
    return f"{code} {name}".strip()


def inbox(
    engine: Engine,
    user: WebUser,
    filters: InboxFilters,
    *,
    workflow: WorkflowConfig,
    lang: str,
    limit: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> InboxPage:
    """The proposals in ``user``'s scope that pass ``filters``, one page of them, sorted.

    Filtered in SQL and read as plain rows, not ORM objects: a link run may leave a hundred
    thousand drafts in a kabupaten, and the list must stay quick with them."""
    when = now or dt.datetime.now(dt.UTC)
    shown = disclosure(user)
    table, where = _scoped(user)
    with engine.connect() as conn:
        codes = conn.execute(select(table.c.kode_wilayah).where(*where).distinct()).scalars()
        # Region choices: kecamatan and desa (a masked role: kabupaten/kota, as it sees them).
        prefixes: set[str] = set()
        for code in codes:
            prefixes |= {code[:6], code} if shown.full else {code[:4]}
        creators = sorted(
            conn.execute(select(table.c.created_by).where(*where).distinct()).scalars()
        )
        found = conn.execute(_filtered(user, filters, when)).all()
    regions = sorted((c, _region_words(c, lang)) for c in prefixes)
    # Who acts next, and whether past the target, for every row; the full summary (and its
    # words) only for the page shown. A row has the attributes a Proposal has for these.
    ranked: list[tuple[bool, float, Any]] = []
    for row in found:
        role = waiting_on(cast(Proposal, row))
        if filters.mine and role != user.role:
            continue
        age = max((when - as_utc(row.state_since)).total_seconds(), 0.0) / 86400
        sla = workflow.sla_for(role) if role else None
        ranked.append((sla is not None and age > sla, age, row))
    if filters.sort == "sla":
        ranked.sort(key=lambda x: (not x[0], -x[1], x[2].id))
    elif filters.sort == "baru":
        ranked.sort(key=lambda x: -x[2].id)
    rows = [
        summarise(cast(Proposal, row), workflow, when)
        for _, _, row in ranked[filters.offset : filters.offset + limit]
    ]
    out = []
    for r in rows:
        data = summary_dict(r, shown)
        data.update(
            kind_words=kind_words(r.kind, lang),
            region_name=region_name(data["kode_wilayah"]),
            system=str(r.created_by).startswith(SYSTEM_PREFIX),
        )
        out.append(data)
    overdue = sum(1 for late, _, _ in ranked if late)
    return InboxPage(out, len(ranked), overdue, regions, creators)


__all__ = [
    "BULK_ACTIONS",
    "PAGE_SIZE",
    "STEP_ACTIONS",
    "InboxFilters",
    "InboxPage",
    "allowed_steps",
    "comments_view",
    "content_view",
    "history_view",
    "inbox",
    "kind_words",
    "reason_words",
]
