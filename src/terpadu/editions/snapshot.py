"""Opening a published edition: its snapshot, checked against the catalogue."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine

from terpadu.editions.catalogue import get_edition
from terpadu.engine.snapshot import MANIFEST, Snapshot, SnapshotDamaged, read_snapshot


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes (hex)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_edition(engine: Engine, period: str) -> Snapshot:
    """The edition's snapshot, checked file by file and against the catalogue.

    Raises :class:`~terpadu.engine.snapshot.SnapshotDamaged` when a file, or the
    manifest itself, differs from what was published.
    """
    info = get_edition(engine, period)
    manifest = info.path / MANIFEST
    if not manifest.exists():
        raise SnapshotDamaged(f"{manifest}: berkas hilang (missing)")
    if file_sha256(manifest) != info.manifest_sha256:
        raise SnapshotDamaged(f"{manifest}: manifest berbeda dari katalog edisi (altered)")
    snapshot = read_snapshot(info.path, verify=True)
    if snapshot.sha256 != info.checksums:
        raise SnapshotDamaged(f"{info.path}: checksum berbeda dari katalog edisi (altered)")
    return snapshot


__all__ = ["file_sha256", "open_edition"]
