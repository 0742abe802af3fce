"""The edition catalogue: which editions exist, the current one, where each lies.

Every published edition has a row in the ``edition`` table (period, folder,
checksums, the audit chain's head at publication). Ranking and targeting record
the edition they ran on: :func:`current_edition` and :func:`edition_path`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.audit.log import as_utc
from terpadu.editions.errors import EditionNotFound
from terpadu.periods import parse_period
from terpadu.store.models.verval import Edition


@dataclass(frozen=True)
class EditionInfo:
    """A catalogued edition."""

    period: str
    path: Path
    published_at: dt.datetime
    published_by: str
    row_counts: dict[str, int]
    checksums: dict[str, str]
    manifest_sha256: str
    audit_last_id: int | None
    audit_last_hash: str | None
    note: str | None


def edition_info(row: Edition) -> EditionInfo:
    """The catalogue row as an :class:`EditionInfo`."""
    return EditionInfo(
        period=row.period,
        path=Path(row.path),
        published_at=as_utc(row.published_at),
        published_by=row.published_by,
        row_counts={k: int(v) for k, v in row.row_counts.items()},
        checksums={k: str(v) for k, v in row.checksums.items()},
        manifest_sha256=row.manifest_sha256,
        audit_last_id=row.audit_last_id,
        audit_last_hash=row.audit_last_hash,
        note=row.note,
    )


def find_edition_row(session: Session, period: str) -> Edition | None:
    """The catalogue row of a normalised ``period``, if published."""
    return session.scalars(select(Edition).where(Edition.period == period)).first()


def list_editions(engine: Engine) -> list[EditionInfo]:
    """Every published edition, oldest first."""
    with Session(engine) as session:
        rows = session.scalars(select(Edition).order_by(Edition.published_at, Edition.id)).all()
        return [edition_info(r) for r in rows]


def get_edition(engine: Engine, period: str) -> EditionInfo:
    """The catalogue row of ``period``; :class:`EditionNotFound` if never published."""
    label, _, _ = parse_period(period)
    with Session(engine) as session:
        row = find_edition_row(session, label)
        if row is None:
            raise EditionNotFound(label)
        return edition_info(row)


def current_edition(engine: Engine) -> EditionInfo | None:
    """The latest published edition (what ranking and targeting should run on)."""
    editions = list_editions(engine)
    return editions[-1] if editions else None


def edition_path(engine: Engine, period: str) -> Path:
    """The folder of a published edition."""
    return get_edition(engine, period).path


__all__ = [
    "EditionInfo",
    "current_edition",
    "edition_info",
    "edition_path",
    "find_edition_row",
    "get_edition",
    "list_editions",
]
