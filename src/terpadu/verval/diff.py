"""Comparing two registry editions: what was added, removed and changed, and why.

The reasons come from the verval workflow and the imports between the two
publications: approved proposals, import batches, status events, value changes
and memberships. Publishing and opening editions is :mod:`terpadu.editions`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.access import PERSONAL_FIELDS, Disclosure
from terpadu.editions import get_edition, open_edition
from terpadu.locale import DEFAULT_LANGUAGE, has_text, text
from terpadu.store.ids import family_code, person_code
from terpadu.store.models import Batch, BatchFile, Membership, Source, StatusEvent, ValueChange
from terpadu.store.models.verval import Proposal
from terpadu.verval.kinds import FAMILY_EDITABLE, PERSON_EDITABLE

DIFF_COLUMNS = [
    "ENTITAS",
    "ID",
    "ID_SUMBER",
    "KODE_WILAYAH",
    "PERUBAHAN",
    "KOLOM",
    "RINCIAN",
    "ALASAN",
]
ADDED, REMOVED, CHANGED = "ditambah", "dihapus", "diubah"
FAMILY_COMPARED = [*FAMILY_EDITABLE, "status", "status_reason"]
PERSON_COMPARED = [*PERSON_EDITABLE, "status", "status_reason", "family_id"]
CHUNK = 5_000
#: Where the reasons' words live in the catalogue.
_WORDS = "console.diff"
#: Coded values a change's detail and reason name in words: status, and why it changed.
_VALUE_WORDS = {"status": "reports.record_status", "status_reason": "verval.reason"}


def _coded(table: str, value: Any, lang: str) -> str:
    """A coded value in ``lang`` where the catalogue's ``table`` names it, else as it is."""
    key = f"{table}.{value}"
    return text(key, lang) if has_text(key) else str(value)


def _value_words(column: str, value: Any, lang: str) -> str:
    table = _VALUE_WORDS.get(column)
    return str(value) if table is None or value is None else _coded(table, value, lang)


def _as_text_frame(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    present = [c for c in columns if c in frame.columns]
    return frame.select(
        pl.col("id").cast(pl.Int64),
        pl.col("source_key").cast(pl.Utf8),
        *[pl.col(c).cast(pl.Utf8) for c in present],
    )


def _compare(
    old: pl.DataFrame, new: pl.DataFrame, columns: list[str], lang: str
) -> list[tuple[int, str, list[str], str, str | None]]:
    """(id, change, changed columns, detail, region) for every differing record."""
    old_t = _as_text_frame(old, columns)
    new_t = _as_text_frame(new, columns)
    columns = [c for c in columns if c in old_t.columns and c in new_t.columns]
    joined = old_t.join(new_t, on="id", how="full", suffix="__new", coalesce=True)
    out: list[tuple[int, str, list[str], str, str | None]] = []
    for row in joined.iter_rows(named=True):
        in_old = row["source_key"] is not None
        in_new = row["source_key__new"] is not None
        region = row.get("kode_wilayah__new") or row.get("kode_wilayah")
        if not in_old:
            status = row.get("status__new")
            words = text(f"{_WORDS}.added", lang, status=_value_words("status", status, lang))
            out.append((row["id"], ADDED, [], words, region))
            continue
        if not in_new:
            out.append((row["id"], REMOVED, [], text(f"{_WORDS}.not_in_new", lang), region))
            continue
        changed = [c for c in columns if row[c] != row[f"{c}__new"]]
        if not changed:
            continue
        detail = "; ".join(
            f"{c}: {_value_words(c, row[c], lang)} → {_value_words(c, row[c + '__new'], lang)}"
            for c in changed
        )
        was, now = row.get("status"), row.get("status__new")
        if was == "aktif" and now == "nonaktif":
            kind = REMOVED
        elif was == "nonaktif" and now == "aktif":
            kind = ADDED
        else:
            kind = CHANGED
        out.append((row["id"], kind, changed, detail, region))
    return out


class _Reasons:
    """Why records changed between two moments: imports, approved proposals, status events."""

    def __init__(self, session: Session, start: dt.datetime, end: dt.datetime, lang: str) -> None:
        self.session = session
        self.lang = lang
        self.start, self.end = start, end
        self._batches: dict[int, str] = {}

    def _say(self, key: str, **values: object) -> str:
        return text(f"{_WORDS}.{key}", self.lang, **values)

    def batch(self, batch_id: int | None) -> str:
        if batch_id is None:
            return self._say("no_batch")
        if batch_id not in self._batches:
            proposal = self.session.scalars(
                select(Proposal).where(Proposal.batch_id == batch_id)
            ).first()
            if proposal is not None:
                kind = _coded("verval.kind", proposal.kind, self.lang)
                if proposal.reason:
                    kind += ": " + _coded("verval.reason", proposal.reason, self.lang)
                self._batches[batch_id] = self._say(
                    "proposal", id=proposal.id, kind=kind, by=proposal.approved_by
                )
            else:
                row = self.session.execute(
                    select(Batch.id, Source.name, Batch.actor)
                    .join(Source, Source.id == Batch.source_id)
                    .where(Batch.id == batch_id)
                ).first()
                files = self.session.scalars(
                    select(BatchFile.file_name).where(BatchFile.batch_id == batch_id)
                ).all()
                self._batches[batch_id] = (
                    self._say("import", batch=batch_id, source=row.name, files=", ".join(files))
                    if row is not None
                    else self._say("batch", batch=batch_id)
                )
        return self._batches[batch_id]

    def _window(self, column: Any) -> Any:
        return (column > self.start) & (column <= self.end)

    def for_entity(
        self, entity: str, ids: Iterable[int], created: dict[int, int]
    ) -> dict[int, str]:
        """A reason text per record id."""
        reasons: dict[int, list[str]] = {}

        def add(entity_id: int, text: str) -> None:
            items = reasons.setdefault(int(entity_id), [])
            if text not in items:
                items.append(text)

        for entity_id, batch_id in created.items():
            add(entity_id, self._say("created_by", source=self.batch(batch_id)))
        wanted = list(ids)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for e_id, status, reason, status_batch, actor in self.session.execute(
                select(
                    StatusEvent.entity_id,
                    StatusEvent.status,
                    StatusEvent.reason,
                    StatusEvent.batch_id,
                    StatusEvent.actor,
                )
                .where(
                    StatusEvent.entity == entity,
                    StatusEvent.entity_id.in_(chunk),
                    self._window(StatusEvent.at),
                )
                .order_by(StatusEvent.id)
            ):
                source = (
                    self.batch(status_batch)
                    if status_batch is not None
                    else self._say("by_actor", actor=actor)
                )
                words = _value_words("status", status, self.lang)
                if reason:
                    words += f" ({_value_words('status_reason', reason, self.lang)})"
                add(e_id, self._say("status_event", status=words, source=source))
            fields: dict[tuple[int, int], list[str]] = {}
            for e_id, field, batch_id in self.session.execute(
                select(ValueChange.entity_id, ValueChange.field, ValueChange.batch_id)
                .where(
                    ValueChange.entity == entity,
                    ValueChange.entity_id.in_(chunk),
                    self._window(ValueChange.at),
                )
                .order_by(ValueChange.id)
            ):
                fields.setdefault((int(e_id), int(batch_id)), []).append(field)
            for (e_id, batch_id), names in fields.items():
                add(
                    e_id,
                    self._say("changed_by", fields=", ".join(names), source=self.batch(batch_id)),
                )
            if entity == "person":
                for p_id, joined, left, reason in self.session.execute(
                    select(
                        Membership.person_id,
                        Membership.joined_batch_id,
                        Membership.left_batch_id,
                        Membership.left_reason,
                    ).where(
                        Membership.person_id.in_(chunk),
                        self._window(Membership.joined_at) | self._window(Membership.left_at),
                    )
                ):
                    if left is not None:
                        why = _value_words("status_reason", reason, self.lang)
                        add(p_id, self._say("left_family", reason=why, source=self.batch(left)))
                    if joined is not None:
                        add(p_id, self._say("joined_family", source=self.batch(joined)))
        return {k: "; ".join(v) for k, v in reasons.items()}


def _person_region(
    new: pl.DataFrame, old: pl.DataFrame, person_id: int, regions: dict[int, str]
) -> str | None:
    for frame in (new, old):
        found = frame.filter(pl.col("id") == person_id)["family_id"]
        if found.len() and found[0] is not None:
            return regions.get(int(found[0]))
    return None


def diff_editions(
    engine: Engine, period_a: str, period_b: str, language: str = DEFAULT_LANGUAGE
) -> pl.DataFrame:
    """Families and persons added, removed and changed from edition A to edition B.

    The details and reasons are worded in ``language`` (the CLI's, or the page's).

    *Removed* includes records deactivated (aktif → nonaktif), *added* includes
    records reactivated. Each row says why, from the status events, value
    changes, memberships and approved proposals between the two publications.
    """
    a, b = get_edition(engine, period_a), get_edition(engine, period_b)
    snap_a, snap_b = open_edition(engine, a.period), open_edition(engine, b.period)
    start, end = sorted((a.published_at, b.published_at))
    rows: list[dict[str, Any]] = []
    regions: dict[int, str] = {}
    with Session(engine) as session:
        reasons = _Reasons(session, start, end, language)
        for entity, table, columns, code in (
            ("family", "families", FAMILY_COMPARED, family_code),
            ("person", "persons", PERSON_COMPARED, person_code),
        ):
            old = pl.read_parquet(snap_a.table(table))
            new = pl.read_parquet(snap_b.table(table))
            changes = _compare(old, new, columns, language)
            if not changes:
                continue
            keys = dict(
                zip(
                    new["id"].cast(pl.Int64).to_list(),
                    new["source_key"].cast(pl.Utf8).to_list(),
                    strict=True,
                )
            )
            keys |= {
                k: v
                for k, v in zip(
                    old["id"].cast(pl.Int64).to_list(),
                    old["source_key"].cast(pl.Utf8).to_list(),
                    strict=True,
                )
                if k not in keys
            }
            new_ids = {c[0] for c in changes if c[1] == ADDED}
            old_ids = set(old["id"].cast(pl.Int64).to_list())
            created = {
                int(i): int(bid)
                for i, bid in new.select(
                    pl.col("id").cast(pl.Int64), pl.col("batch_id").cast(pl.Int64)
                ).iter_rows()
                if i in new_ids and i not in old_ids
            }
            if entity == "family":
                regions = dict(
                    zip(
                        new["id"].cast(pl.Int64).to_list(),
                        new["kode_wilayah"].cast(pl.Utf8).to_list(),
                        strict=True,
                    )
                )
            else:
                changes = [
                    (i, k, c, d, r or _person_region(new, old, i, regions))
                    for i, k, c, d, r in changes
                ]
            why = reasons.for_entity(entity, [c[0] for c in changes], created)
            label = "keluarga" if entity == "family" else "anggota"
            for entity_id, kind, changed, detail, region in changes:
                rows.append(
                    {
                        "ENTITAS": label,
                        "ID": code(entity_id),
                        "ID_SUMBER": keys.get(entity_id),
                        "KODE_WILAYAH": region,
                        "PERUBAHAN": kind,
                        "KOLOM": ";".join(changed),
                        "RINCIAN": detail,
                        "ALASAN": why.get(entity_id) or text(f"{_WORDS}.not_recorded", language),
                    }
                )
    return pl.DataFrame(rows, schema=dict.fromkeys(DIFF_COLUMNS, pl.Utf8))


__all__ = ["DIFF_COLUMNS", "diff_editions"]


def masked_detail(detail: str | None, columns: str | None, shown: Disclosure) -> str | None:
    """``col: old → new; …`` with each personal field's old and new value as the reader's
    role may see it (a birth date, an address or a mother's name changed between editions
    is personal data too), and any 16-digit number masked."""
    if not detail or shown.full:
        return detail
    names = [c for c in (columns or "").split(";") if c]
    if not names:
        return shown.text(detail)
    split = re.compile("; (?=(?:" + "|".join(re.escape(n) for n in names) + "): )")
    parts = []
    for part in split.split(detail):
        name, sep, change = part.partition(": ")
        old, arrow, new = change.partition(" → ")
        if sep and arrow and name.lower() in PERSONAL_FIELDS:
            old = str(shown.field(name, None if old == "None" else old) or "-")
            new = str(shown.field(name, None if new == "None" else new) or "-")
            part = f"{name}: {old} → {new}"
        parts.append(shown.text(part) or "")
    return "; ".join(parts)


def diff_as_seen(frame: pl.DataFrame, shown: Disclosure) -> pl.DataFrame:
    """A diff as one reader may see it: NIK/KK and region masked by the role, and in each
    change's details the old and new values of personal fields too (the CLI and the web
    show a diff through this)."""
    if shown.full:
        return frame
    details = [
        masked_detail(detail, columns, shown)
        for detail, columns in zip(
            frame["RINCIAN"].to_list(), frame["KOLOM"].to_list(), strict=True
        )
    ]
    return shown.frame(frame).with_columns(pl.Series("RINCIAN", details, dtype=pl.Utf8))
