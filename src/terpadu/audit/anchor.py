"""Anchoring the audit chain outside the database: signed checkpoints of its head.

Someone who holds the database can delete the last events and move the stored head
back; the chain then verifies on its own. An anchor is a checkpoint written elsewhere
(a file under the data folder, a copy kept by the operator, every edition's manifest):
the number of events and the head's hash at a moment, signed with HMAC-SHA256 under a
key the database does not hold. :func:`anchor_problems` checks a chain against anchors:
the anchored event must still be there with that hash, and the chain at least that long.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from terpadu.audit.log import EVENT_TABLE, GENESIS_HASH, canonical_json, chain_head, iso_utc
from terpadu.errors import TerpaduError

ANCHOR_KIND = "terpadu-audit-anchor/1"
ANCHOR_GLOB = "anchor-*.json"
AnchorKind = Literal["rewound", "anchor_mismatch", "anchor_invalid"]


class AuditKeyMissing(TerpaduError):
    """No signing key is configured (``TERPADU_AUDIT_KEY`` or ``TERPADU_AUDIT_KEY_FILE``)."""

    code = "audit_key_missing"


class AnchorUnreadable(TerpaduError):
    """An anchor file that cannot be read as an anchor."""

    code = "audit_anchor_unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path=str(path), reason=reason)


def load_key(key: str | None, key_file: Path | None) -> bytes:
    """The signing key: the setting's text, else the key file's bytes (stripped)."""
    if key:
        return key.encode("utf-8")
    if key_file is not None:
        try:
            data = key_file.read_bytes().strip()
        except OSError as exc:
            raise AuditKeyMissing(
                code="audit_key_unreadable", path=str(key_file), reason=exc.strerror or str(exc)
            ) from exc
        if data:
            return data
    raise AuditKeyMissing()


def key_id(key: bytes) -> str:
    """A short public name of a key (so an anchor says which key signed it)."""
    return hashlib.sha256(b"terpadu-audit-key\0" + key).hexdigest()[:12]


@dataclass(frozen=True)
class Anchor:
    """A checkpoint of the chain: ``event_count`` events, the last with ``head_hash``."""

    event_count: int
    head_hash: str
    at: str
    key_id: str | None
    signature: str | None
    kind: str = ANCHOR_KIND

    def payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "event_count": self.event_count,
            "head_hash": self.head_hash,
            "at": self.at,
            "key_id": self.key_id,
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        """One line of JSON, to print and keep elsewhere."""
        return canonical_json(self.as_dict())


def _mac(key: bytes, payload: dict[str, Any]) -> str:
    return hmac.new(key, canonical_json(payload).encode("utf-8"), hashlib.sha256).hexdigest()


def sign_head(
    key: bytes | None, event_count: int, head_hash: str, at: dt.datetime | None = None
) -> Anchor:
    """A checkpoint of the given head, signed when a key is given."""
    when = iso_utc(at or dt.datetime.now(dt.UTC))
    unsigned = Anchor(event_count, head_hash, when, key_id(key) if key else None, None)
    if key is None:
        return unsigned
    return Anchor(event_count, head_hash, when, unsigned.key_id, _mac(key, unsigned.payload()))


def current_anchor(conn: Connection, key: bytes | None) -> Anchor:
    """The chain's head now, signed."""
    last_id, last_hash = chain_head(conn)
    return sign_head(key, last_id, last_hash)


def signature_ok(anchor: Anchor, key: bytes) -> bool:
    """Whether ``anchor`` was signed with ``key`` and not changed since."""
    if anchor.signature is None or anchor.key_id != key_id(key):
        return False
    return hmac.compare_digest(anchor.signature, _mac(key, anchor.payload()))


def anchor_from(data: Any, origin: Path) -> Anchor:
    """An anchor from its JSON form (as written by :meth:`Anchor.as_dict`)."""
    if not isinstance(data, dict) or data.get("kind") != ANCHOR_KIND:
        raise AnchorUnreadable(origin, "bukan jangkar audit Terpadu")
    try:
        count = int(data["event_count"])
        head = str(data["head_hash"])
        at = str(data["at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise AnchorUnreadable(origin, f"kolom {exc} hilang atau salah") from exc
    signature = data.get("signature")
    kid = data.get("key_id")
    return Anchor(
        count,
        head,
        at,
        None if kid is None else str(kid),
        None if signature is None else str(signature),
    )


def read_anchor(path: Path) -> Anchor:
    """The anchor in ``path``: an anchor file, or an edition manifest (its ``audit_anchor``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnchorUnreadable(path, str(exc)) from exc
    if isinstance(data, dict) and "audit_anchor" in data:
        data = data["audit_anchor"]
    return anchor_from(data, path)


def write_anchor(anchor: Anchor, folder: Path) -> Path:
    """Write ``anchor`` as a new file under ``folder``; its path. Files are never overwritten."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = anchor.at.replace("-", "").replace(":", "").replace(".", "")
    path = folder / f"anchor-{anchor.event_count:012d}-{stamp}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(anchor.as_dict(), indent=2, sort_keys=True) + "\n")
    return path


def anchor_files(folder: Path) -> list[Path]:
    """The anchor files in ``folder``, oldest first (their names sort by count and time)."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(ANCHOR_GLOB))


@dataclass(frozen=True)
class AnchorFinding:
    """What checking one anchor found: ``kind`` and a message (Bahasa)."""

    event_id: int
    kind: AnchorKind
    message: str


def check_anchor(
    conn: Connection, anchor: Anchor, origin: str, key: bytes | None
) -> list[AnchorFinding]:
    """Whether the chain still holds ``anchor``: its signature, its event, its length.

    With a key, a signed anchor whose signature does not hold is reported (forged or
    edited, or signed by another key) and not trusted further. An unsigned anchor (an
    edition published before a key was set) and any anchor checked without a key are
    still checked for position: a false one can only raise an alarm, never hide a rewind.
    """
    count = anchor.event_count
    if key is not None and anchor.signature is not None and not signature_ok(anchor, key):
        other = anchor.key_id not in (None, key_id(key))
        why = f"ditandatangani kunci lain ({anchor.key_id})" if other else "tanda tangan tidak sah"
        return [
            AnchorFinding(
                count,
                "anchor_invalid",
                f"Jangkar {origin}: {why}; jangkar tidak dipercaya.",
            )
        ]
    if count == 0:
        if anchor.head_hash == GENESIS_HASH:
            return []
        return [
            AnchorFinding(0, "anchor_mismatch", f"Jangkar {origin}: hash awal rantai tidak sah.")
        ]
    head_id, _ = chain_head(conn)
    stored_last = conn.execute(select(func.max(EVENT_TABLE.c.id))).scalar()
    last = max(int(stored_last or 0), 0)
    stored = conn.execute(select(EVENT_TABLE.c.hash).where(EVENT_TABLE.c.id == count)).scalar()
    findings: list[AnchorFinding] = []
    if stored is None or head_id < count or last < count:
        gone_from = min(last, head_id) + 1
        missing = f"#{count}" if gone_from >= count else f"#{gone_from}–#{count}"
        findings.append(
            AnchorFinding(
                gone_from,
                "rewound",
                f"Rantai diputar mundur: jangkar {origin} ({anchor.at}) mencatat {count:,} "
                f"event, kini kepala rantai #{head_id} dan event terakhir #{last}; "
                f"event {missing} hilang.",
            )
        )
    elif stored != anchor.head_hash:
        findings.append(
            AnchorFinding(
                count,
                "anchor_mismatch",
                f"Event #{count} tidak cocok dengan jangkar {origin} ({anchor.at}): "
                "log ditulis ulang sesudah jangkar itu dibuat.",
            )
        )
    return findings


def latest(anchors: Iterable[tuple[str, Anchor]]) -> tuple[str, Anchor] | None:
    """The anchor with the most events (the latest time among equals)."""
    best: tuple[str, Anchor] | None = None
    for origin, anchor in anchors:
        if best is None or (anchor.event_count, anchor.at) > (
            best[1].event_count,
            best[1].at,
        ):
            best = (origin, anchor)
    return best


__all__ = [
    "ANCHOR_KIND",
    "Anchor",
    "AnchorFinding",
    "AnchorKind",
    "AnchorUnreadable",
    "AuditKeyMissing",
    "anchor_files",
    "anchor_from",
    "check_anchor",
    "current_anchor",
    "key_id",
    "latest",
    "load_key",
    "read_anchor",
    "sign_head",
    "signature_ok",
    "write_anchor",
]
