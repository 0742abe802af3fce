"""The audit viewer: events filtered by date, actor, event kind and entity, in words; the
chain check; the export.

For the auditor and the admins (``AUDIT_READERS``), within their region as
``terpadu audit export`` cuts it (events with no region, such as logins and editions,
only for a national reader). Before/after values are masked for the reader's role
(:func:`terpadu.audit.export.events_as_seen`). "Verify the chain" is ``terpadu audit
verify`` against the latest anchor kept outside the database and every edition
manifest's; the export asks for a purpose and is itself audited, as the CLI's is.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Engine, Select, func, select

from terpadu.access import (
    ADMIN_PROVINSI,
    ADMIN_SISTEM,
    AUDITOR,
    MASKED_REGION_DIGITS,
    covers,
    disclosure,
)
from terpadu.audit import verify_chain
from terpadu.audit.anchor import (
    Anchor,
    AnchorUnreadable,
    AuditKeyMissing,
    anchor_files,
    latest,
    load_key,
    read_anchor,
)
from terpadu.audit.export import EXPORT_COLUMNS, events_as_seen
from terpadu.audit.log import EVENT_TABLE, iso_utc
from terpadu.engine.snapshot import MANIFEST
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import code_label, has_text, text
from terpadu.regions import RegionCodeError, normalize_code
from terpadu.reports.personal import checked_purpose, record_personal_export
from terpadu.settings import Settings
from terpadu.store.ids import parse_code
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.labels import event_words, field_label, field_value
from terpadu.web.pages._xlsx import FORMATS, table_download
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)

AUDIT_READERS = frozenset({AUDITOR, ADMIN_SISTEM, ADMIN_PROVINSI})
PAGE_ROWS = 50
PROPOSAL_PREFIX = "USL"


def _entity_words(row: dict[str, Any], lang: str) -> str:
    key = f"pages.entity_kind.{row['ENTITAS']}"
    return text(key, lang) if has_text(key) else str(row["ENTITAS"])


@dataclass(frozen=True)
class Filters:
    """What the reader asked for; ``error`` names a field that could not be read."""

    start: dt.date | None = None
    end: dt.date | None = None
    actor: str = ""
    action: str = ""
    entity: str = ""
    region: str = ""  # a region within the reader's (its code, normalised), or ""
    error: tuple[str, str] | None = None  # (field, message key)
    typed: dict[str, str] = field(default_factory=dict)  # as typed, shown again on an error

    def query(self) -> dict[str, str]:
        if self.typed:
            return self.typed
        return {
            "dari": self.start.isoformat() if self.start else "",
            "sampai": self.end.isoformat() if self.end else "",
            "pelaku": self.actor,
            "aksi": self.action,
            "entitas": self.entity,
            "wilayah": self.region,
        }


def _day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value.strip()) if value.strip() else None


def read_filters(
    dari: str,
    sampai: str,
    pelaku: str,
    aksi: str,
    entitas: str,
    wilayah: str,
    scope: str | None,
    masked: bool = False,
) -> Filters:
    """The filters as typed; a date, a region (outside ``scope``, the reader's) that cannot
    be used is named in ``error`` and everything typed kept to be shown again. A masked
    reader filters down to kabupaten/kota only: a finer code would tell which kecamatan an
    event's person lives in, the NIK digits its masking hides."""
    actor, action, entity = pelaku.strip(), aksi.strip(), entitas.strip()
    start = end = None
    error = None
    region = ""
    if wilayah.strip():
        try:
            region = normalize_code(wilayah)
        except RegionCodeError:
            error = ("wilayah", "pages.bad_region")
        else:
            if not covers(scope, region):
                error = ("wilayah", "pages.region_outside")
            elif masked and len(region) > MASKED_REGION_DIGITS:
                error = ("wilayah", "pages.region_too_fine")
    try:
        start = _day(dari)
    except ValueError:
        error = ("dari", "pages.bad_date")
    try:
        end = _day(sampai)
    except ValueError:
        error = error or ("sampai", "pages.bad_date")
    if error is None and start and end and end < start:
        error = ("sampai", "pages.end_before_start")
    typed = {"dari": dari, "sampai": sampai, "pelaku": pelaku, "aksi": aksi}
    typed |= {"entitas": entitas, "wilayah": wilayah}
    return Filters(start, end, actor, action, entity, region, error, typed if error else {})


def _entity_terms(ref: str) -> tuple[str | None, list[str]]:
    """The entity kind and stored ids a reference names (FAMILY_ID, PERSON_ID, USL…, else
    the id as typed: a username, an edition period)."""
    parsed = parse_code(ref)
    if parsed is not None:
        kind, number = parsed
        ids = [str(number), ref.strip().upper()]
        return (None if kind == "person" else kind), ids
    upper = ref.strip().upper()
    if upper.startswith(PROPOSAL_PREFIX) and upper[3:].isdigit():
        return "proposal", [str(int(upper[3:]))]
    return None, [ref.strip()]


def _where(query: Select[Any], session: PageSession, f: Filters) -> Select[Any]:
    table = EVENT_TABLE
    region = f.region or session.user.region
    if region:
        query = query.where(table.c.region.startswith(region, autoescape=True))
    if f.start is not None:
        query = query.where(table.c.at >= dt.datetime.combine(f.start, dt.time.min, dt.UTC))
    if f.end is not None:
        after = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, dt.UTC)
        query = query.where(table.c.at < after)
    if f.actor:
        query = query.where(table.c.actor == f.actor)
    if f.action:
        query = query.where(table.c.action == f.action)
    if f.entity:
        kind, ids = _entity_terms(f.entity)
        if kind is not None:
            query = query.where(table.c.entity == kind)
        query = query.where(table.c.entity_id.in_(ids))
    return query


def events_frame(
    engine: Engine, session: PageSession, f: Filters, *, limit: int | None, offset: int = 0
) -> tuple[pl.DataFrame, int]:
    """The events of the filters in the export layout (newest first), masked for the reader,
    and how many there are in all."""
    t = EVENT_TABLE
    columns = (t.c.id, t.c.at, t.c.actor, t.c.role, t.c.action, t.c.entity, t.c.entity_id)
    rest = (t.c.region, t.c.before, t.c.after, t.c.prev_hash, t.c.hash)
    query = _where(select(*columns, *rest), session, f).order_by(t.c.id.desc())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        total = conn.execute(_where(select(func.count()).select_from(t), session, f)).scalar_one()
    data = [(int(r[0]), iso_utc(r[1]), *r[2:]) for r in rows]
    frame = pl.DataFrame(
        data,
        schema={c: (pl.Int64 if c == "EVENT_ID" else pl.Utf8) for c in EXPORT_COLUMNS},
        orient="row",
    )
    return events_as_seen(frame, disclosure(session.user)), int(total)


#: Coded values inside before/after shown by name (field → code table or words prefix).
CODED_VALUES = {
    "state": ("code", "proposal_state"),
    "role": ("code", "role"),
    "created_role": ("code", "role"),
    "levels": ("code", "role"),
    "jenis_kelamin": ("code", "jenis_kelamin"),
    "hub_keluarga": ("code", "hub_keluarga"),
    "kind": ("words", "pages.proposal_kind_"),
    "status": ("words", "reports.record_status."),
    "category": ("words", "services.category."),
    "channel": ("words", "services.channel."),
    "outcome": ("words", "services.outcome."),
    "job_kind": ("words", "jobs.title."),
    "job_status": ("words", "jobs.status."),
}


def _value_words(key: str, value: object, lang: str) -> str:
    how = CODED_VALUES.get(key)
    if how is not None and isinstance(value, str | int):
        if how[0] == "code":
            return code_label(how[1], value, lang)
        if has_text(f"{how[1]}{value}"):
            return text(f"{how[1]}{value}", lang)
    if isinstance(value, bool):
        return text("pages.answer_yes" if value else "pages.answer_no", lang)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return ", ".join(_value_words(key, v, lang) for v in value)
    if how is None and isinstance(value, str | int | float):
        return field_value(key, value, lang)
    if isinstance(value, dict):
        return "; ".join(
            f"{_key_words(str(k), lang)}: {_value_words(str(k), v, lang)}" for k, v in value.items()
        )
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return " | ".join(_value_words(key, v, lang) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "-" if value is None else str(value)


def _values(raw: str | None, lang: str) -> list[tuple[str, str]]:
    """A before/after value as (field, value) pairs to read, not raw JSON; coded values
    (a proposal's state, a role, a sex) by name."""
    if not raw:
        return []
    try:
        parsed = json.loads(raw)
    except ValueError:
        return [("", raw)]
    if not isinstance(parsed, dict):
        return [("", json.dumps(parsed, ensure_ascii=False))]
    return [
        (_key_words(str(key), lang), _value_words(str(key), value, lang))
        for key, value in parsed.items()
    ]


def _key_words(key: str, lang: str) -> str:
    """A before/after field in words: the audit's own names, then the registry's fields,
    else the key with spaces for underscores (a new key never shows as code)."""
    own = f"pages.audit_field.{key}"
    if has_text(own):
        return text(own, lang)
    label = field_label(key, lang)
    return label if label != key else key.replace("_", " ")


def _actions(engine: Engine, session: PageSession) -> list[str]:
    t = EVENT_TABLE
    query = select(t.c.action).distinct().order_by(t.c.action)
    if session.user.region:
        query = query.where(t.c.region.startswith(session.user.region, autoescape=True))
    with engine.connect() as conn:
        return [str(a) for a in conn.execute(query).scalars()]


def _reader(session: PageSession, lang: str) -> None:
    if session.user.role not in AUDIT_READERS:
        raise WebError(403, "forbidden", translate(lang, "pages.audit_forbidden"))


def _page(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    f: Filters,
    offset: int,
    *,
    purpose: str = "",
    purpose_error: str | None = None,
    chain: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    frame, total = (
        events_frame(state.engine, session, f, limit=PAGE_ROWS, offset=offset)
        if f.error is None
        else (pl.DataFrame(schema=dict.fromkeys(EXPORT_COLUMNS, pl.Utf8)), 0)
    )
    events = [
        r | {"words": event_words(r["AKSI"], lang), "entity_words": _entity_words(r, lang),
             "before": _values(r["SEBELUM"], lang), "after": _values(r["SESUDAH"], lang)}
        for r in frame.to_dicts()
    ]  # fmt: skip
    actions = [(a, event_words(a, lang)) for a in _actions(state.engine, session)]
    return render(
        request,
        state,
        "pages/audit.html",
        lang,
        session,
        status_code if f.error is None else 400,
        events=events,
        total=total,
        offset=offset,
        page_rows=PAGE_ROWS,
        f=f,
        query=f.query(),
        event_kinds=actions,
        field_error=f.error,
        purpose=purpose,
        purpose_error=purpose_error,
        chain=chain,
    )


Text = Annotated[str, Query(max_length=100)]


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    dari: Text = "",
    sampai: Text = "",
    pelaku: Text = "",
    aksi: Text = "",
    entitas: Text = "",
    wilayah: Text = "",
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> HTMLResponse:
    _reader(session, lang)
    f = read_filters(
        dari, sampai, pelaku, aksi, entitas, wilayah, session.user.region,
        masked=not disclosure(session.user).full,
    )  # fmt: skip
    return _page(request, state, lang, session, f, offset)


def anchors(settings: Settings, lang: str) -> list[tuple[str, Anchor]]:
    """The latest anchor of the anchors folder and every edition manifest's (as
    ``terpadu audit verify`` gathers them); an edition's is named in ``lang``."""
    found: list[tuple[str, Anchor]] = []
    kept = [(p.name, read_anchor(p)) for p in anchor_files(settings.anchors_dir)]
    newest = latest(kept)
    if newest is not None:
        found.append(newest)
    editions = settings.editions_dir
    manifests = sorted(editions.glob(f"*/{MANIFEST}")) if editions.is_dir() else []
    for manifest in manifests:
        if '"audit_anchor"' in manifest.read_text(encoding="utf-8", errors="replace"):
            named = text("console.edition.named", lang, period=manifest.parent.name)
            found.append((named, read_anchor(manifest)))
    return found


def check_chain(state: StateDep, lang: str) -> dict[str, Any]:
    """The chain check's result as the page shows it."""
    settings = state.settings
    try:
        found = anchors(settings, lang)
    except AnchorUnreadable as exc:
        return {"ok": False, "error": error_words(exc, lang), "problems": []}
    try:
        key: bytes | None = load_key(settings.audit_key, settings.audit_key_file)
    except AuditKeyMissing as exc:
        if exc.code != "audit_key_missing":
            return {"ok": False, "error": error_words(exc, lang), "problems": []}
        key = None
    report = verify_chain(state.engine, found, key)
    return {
        "ok": report.ok,
        "error": None,
        "checked": report.checked,
        "head_id": report.head_id,
        "head_hash": report.head_hash,
        "anchors": report.anchors_checked,
        "no_key": bool(found) and key is None,
        "unsigned": [origin for origin, a in found if a.signature is None] if key else [],
        "problems": [
            {"event_id": p.event_id, "kind": p.kind, "message": p.message} for p in report.problems
        ],
    }


@router.get("/audit/verifikasi", response_class=HTMLResponse)
def verify_page(request: Request, state: StateDep, lang: Lang, session: SessionDep) -> HTMLResponse:
    """``terpadu audit verify``: recompute the chain, check it against the anchors."""
    _reader(session, lang)
    chain = check_chain(state, lang)
    return _page(request, state, lang, session, Filters(), 0, chain=chain)


@router.post("/audit/unduh.{fmt}", response_model=None)
def export_events(
    request: Request,
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    purpose: Annotated[str, Form(max_length=500)] = "",
    dari: Annotated[str, Form(max_length=100)] = "",
    sampai: Annotated[str, Form(max_length=100)] = "",
    pelaku: Annotated[str, Form(max_length=100)] = "",
    aksi: Annotated[str, Form(max_length=100)] = "",
    entitas: Annotated[str, Form(max_length=100)] = "",
    wilayah: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """``terpadu audit export --out``: the filtered events with their hashes, for a stated
    purpose, recorded as an export of personal data."""
    _reader(session, lang)
    if fmt not in FORMATS:
        raise WebError(404, "not_found", translate(lang, "pages.no_such_format"))
    f = read_filters(
        dari, sampai, pelaku, aksi, entitas, wilayah, session.user.region,
        masked=not disclosure(session.user).full,
    )  # fmt: skip
    if f.error is not None:
        return _page(request, state, lang, session, f, 0, purpose=purpose)
    try:
        reason = checked_purpose(purpose)
    except TerpaduError as exc:
        return _page(
            request, state, lang, session, f, 0, purpose=purpose,
            purpose_error=error_words(exc, lang), status_code=400,
        )  # fmt: skip
    frame, _ = events_frame(state.engine, session, f, limit=None)
    frame = frame.sort("EVENT_ID")
    record_personal_export(
        state.engine,
        session.user.actor,
        what="audit",
        rows=frame.height,
        purpose=reason,
        destination=f"web:audit.{fmt}",
    )
    # events_frame masked the values for the reader already.
    return table_download(frame, "audit", fmt, disclosure(session.user), "audit")
