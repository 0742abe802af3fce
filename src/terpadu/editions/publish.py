"""Publishing an edition: freeze the registry once per period, checksummed and read-only.

An edition is written once under ``<data_dir>/editions/<period>`` (Parquet files
and a manifest with their sha256) and catalogued in the ``edition`` table with
the manifest's own checksum and the audit chain's head at that moment.
Publishing a period twice is refused; the files are made read-only. The manifest also
carries that head signed with the audit key (``audit_anchor``), so a copy of any edition
anchors the audit log outside the database (see :mod:`terpadu.audit.anchor`).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from terpadu.audit import chain_head, record_event
from terpadu.audit.anchor import sign_head
from terpadu.audit.log import ActorLike, as_utc
from terpadu.editions.catalogue import EditionInfo, edition_info, find_edition_row
from terpadu.editions.errors import EditionExists
from terpadu.editions.snapshot import file_sha256
from terpadu.engine.snapshot import MANIFEST, write_snapshot
from terpadu.periods import parse_period
from terpadu.store.models.verval import Edition


def _freeze(folder: Path) -> None:
    for file in folder.iterdir():
        if file.is_file():
            file.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def _unfreeze_and_remove(folder: Path) -> None:
    for file in folder.iterdir():
        os.chmod(file, stat.S_IRUSR | stat.S_IWUSR)
    shutil.rmtree(folder, ignore_errors=True)


def _add_anchor(manifest: Path, anchor: dict[str, object]) -> None:
    data = json.loads(manifest.read_text())
    data["audit_anchor"] = anchor
    manifest.write_text(json.dumps(data, indent=2))


#: The steps ``publish_edition`` tells its progress callback.
PUBLISH_STEPS = ("edition_snapshot", "edition_record")


def publish_edition(
    engine: Engine,
    period: str,
    *,
    editions_dir: Path,
    actor: str | ActorLike = "system",
    note: str | None = None,
    audit_key: bytes | None = None,
    progress: Callable[[str], None] | None = None,
) -> EditionInfo:
    """Freeze the registry as the edition of ``period`` under ``editions_dir`` (the settings'
    ``editions_dir``); refused if it already exists. ``audit_key`` signs the audit head
    written into the manifest (without it the head is written unsigned). ``progress`` is
    told each of :data:`PUBLISH_STEPS` as it starts."""
    tell = progress or (lambda _step: None)
    label, _, _ = parse_period(period)
    root = editions_dir
    with Session(engine) as session:
        existing = find_edition_row(session, label)
        if existing is not None:
            raise EditionExists(label, as_utc(existing.published_at))
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".{label}.{uuid.uuid4().hex[:8]}.tmp"
    final = root / label
    tell(PUBLISH_STEPS[0])
    snapshot = write_snapshot(engine, staging)
    tell(PUBLISH_STEPS[1])
    try:
        with Session(engine) as session, session.begin():
            head_id, head_hash = chain_head(session.connection())
            _add_anchor(staging / MANIFEST, sign_head(audit_key, head_id, head_hash).as_dict())
            manifest_sha = file_sha256(staging / MANIFEST)
            row = Edition(
                period=label,
                path=str(final.resolve()),
                published_at=snapshot.created_at,
                published_by=actor if isinstance(actor, str) else actor.username,
                row_counts=snapshot.row_counts,
                checksums=snapshot.sha256,
                manifest_sha256=manifest_sha,
                audit_last_id=head_id,
                audit_last_hash=head_hash,
                note=note,
            )
            session.add(row)
            session.flush()
            record_event(
                session.connection(),
                actor=actor,
                action="edition.publish",
                entity="edition",
                entity_id=label,
                region=None,
                before=None,
                after={
                    "period": label,
                    "row_counts": snapshot.row_counts,
                    "checksums": snapshot.sha256,
                    "manifest_sha256": manifest_sha,
                    "audit_last_id": head_id,
                    "audit_last_hash": head_hash,
                },
            )
            if final.exists():
                # Left by a publication that failed before its catalogue row: keep it aside.
                final.rename(root / f".{label}.orphan-{uuid.uuid4().hex[:8]}")
            staging.rename(final)
            _freeze(final)
            info = edition_info(row)
    except IntegrityError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise EditionExists(label) from exc
    except BaseException:
        if final.exists() and not staging.exists():
            _unfreeze_and_remove(final)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return info


__all__ = ["publish_edition"]
