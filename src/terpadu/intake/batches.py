"""The registry's record of imports: sources, batches and their files."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Insert, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from terpadu.files import RawTable
from terpadu.intake.report import ImportReport
from terpadu.store.bulk import utc_now
from terpadu.store.models import Batch, BatchFile, Source


def batch_fingerprint(source: str, file_digests: list[str]) -> str:
    digest = hashlib.sha256(source.encode())
    for sha in file_digests:
        digest.update(b"\0" + sha.encode())
    return digest.hexdigest()


def imported_before(engine: Engine, source: str, fingerprint: str) -> int | None:
    """The completed batch of these very files from ``source``, looked up before reading them."""
    with engine.connect() as conn:
        source_id = _find_source(conn, source)
        return None if source_id is None else completed_batch(conn, source_id, fingerprint)


def _insert_id(conn: Connection, statement: Insert) -> int:
    """Run an INSERT of one row and return its new primary key."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def _find_source(conn: Connection, name: str) -> int | None:
    table = Source.__table__
    found = conn.execute(select(table.c.id).where(table.c.name == name)).scalar()
    return None if found is None else int(found)


def get_source(conn: Connection, name: str) -> int:
    """The source's id, registering it if new; another process registering the same
    name at the same moment is no error (the insert does nothing, the select finds it)."""
    found = _find_source(conn, name)
    if found is not None:
        return found
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(Source).values(name=name, created_at=utc_now()).on_conflict_do_nothing()
    )
    found = _find_source(conn, name)
    assert found is not None
    return found


def completed_batch(
    conn: Connection, source_id: int, fingerprint: str, content: str | None = None
) -> int | None:
    """The completed batch from ``source_id`` with these files, or (``content``) these rows."""
    table = Batch.__table__
    same = table.c.fingerprint == fingerprint
    if content is not None:
        same = or_(same, table.c.content_fingerprint == content)
    found = conn.execute(
        select(table.c.id)
        .where(table.c.source_id == source_id, same, table.c.status == "completed")
        .order_by(table.c.id)
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


@dataclass(frozen=True)
class OpenBatch:
    """A batch being loaded: its id and its files' ids (keluarga, anggota)."""

    batch_id: int
    file_ids: tuple[int, int]


def open_batch(
    conn: Connection,
    *,
    source_id: int,
    fingerprint: str,
    content: str,
    as_of: dt.date | None,
    actor: str,
    now: dt.datetime,
    files: tuple[RawTable, RawTable],
) -> OpenBatch:
    """Record a running batch and its keluarga and anggota files."""
    batch_id = _insert_id(
        conn,
        insert(Batch).values(
            source_id=source_id,
            fingerprint=fingerprint,
            content_fingerprint=content,
            as_of=as_of,
            status="running",
            actor=actor,
            started_at=now,
        ),
    )
    file_ids = [
        _insert_id(
            conn,
            insert(BatchFile).values(
                batch_id=batch_id,
                role=role,
                file_name=raw.path.name,
                sha256=raw.sha256,
                size_bytes=raw.size_bytes,
                file_format=raw.file_format,
                encoding=raw.encoding,
            ),
        )
        for role, raw in zip(("keluarga", "anggota"), files, strict=True)
    ]
    return OpenBatch(batch_id, (file_ids[0], file_ids[1]))


def complete_batch(conn: Connection, batch: OpenBatch, result: ImportReport) -> None:
    """Record each file's row accounting and mark the batch completed."""
    reports = result.files
    for report, file_id in zip(reports, batch.file_ids, strict=True):
        conn.execute(
            update(BatchFile)
            .where(BatchFile.id == file_id)
            .values(
                rows_read=report.rows_read,
                rows_landed=report.rows_landed,
                rows_repaired=report.rows_repaired,
                rows_rejected=report.rows_rejected,
                rows_warned=report.rows_warned,
            )
        )
    conn.execute(
        update(Batch)
        .where(Batch.id == batch.batch_id)
        .values(
            status="completed",
            finished_at=dt.datetime.now(dt.UTC),
            rows_read=sum(r.rows_read for r in reports),
            rows_landed=sum(r.rows_landed for r in reports),
            rows_repaired=sum(r.rows_repaired for r in reports),
            rows_rejected=sum(r.rows_rejected for r in reports),
            families_new=result.families_new,
            families_changed=result.families_changed,
            persons_new=result.persons_new,
            persons_changed=result.persons_changed,
        )
    )
