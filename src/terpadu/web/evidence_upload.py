"""Evidence sent with a proposal from a page: a photo or scan of the KK/KTP, a visit form.

Each file is checked before the proposal is made (its size, and that its first bytes are a
JPEG, PNG, WebP or PDF whatever its name says), then kept by the workflow under the data
folder's ``evidence`` directory named by its sha256 and recorded on the proposal with an
audit event (:func:`terpadu.verval.attach_evidence`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import Engine
from starlette.datastructures import UploadFile

from terpadu.locale import text
from terpadu.verval import attach_evidence
from terpadu.web.auth import WebUser

#: The most bytes one piece of evidence may have (a phone photo or a scanned page).
EVIDENCE_MAX_BYTES: Final = 10 * 1024 * 1024
#: The most files one proposal form may carry.
EVIDENCE_MAX_FILES: Final = 5
_SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"%PDF-", ".pdf"),
)
_SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]+")
_CHUNK: Final = 1 << 20


@dataclass(frozen=True)
class Evidence:
    """An uploaded file that passed the checks, held in a temporary file until attached."""

    name: str
    path: Path


def _kind(head: bytes) -> str | None:
    for signature, suffix in _SIGNATURES:
        if head.startswith(signature):
            return suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    return None


def safe_name(original: str | None, suffix: str) -> str:
    """The file's own name without folders or odd characters, ending in its real type."""
    stem = Path(original or "bukti").name.rsplit(".", 1)[0]
    stem = _SAFE_NAME.sub("_", stem).strip("._")[:80] or "bukti"
    return stem + suffix


def receive(
    uploads: list[UploadFile], folder: Path, lang: str, limit: int = EVIDENCE_MAX_BYTES
) -> tuple[list[Evidence], str | None]:
    """The uploads copied into ``folder`` (kept files, and the error in words if one fails).

    An empty file input (a browser sends one with no name) is not evidence and is skipped.
    """
    sent = [u for u in uploads if u.filename]
    if len(sent) > EVIDENCE_MAX_FILES:
        return [], text("family.error.evidence_count", lang, count=EVIDENCE_MAX_FILES)
    kept: list[Evidence] = []
    for upload in sent:
        head = upload.file.read(16)
        suffix = _kind(head)
        if suffix is None:
            return [], text("family.error.evidence_type", lang, name=upload.filename)
        name = safe_name(upload.filename, suffix)
        # One folder per file: the evidence row keeps the file's own name.
        target = folder / str(len(kept)) / name
        target.parent.mkdir()
        size = len(head)
        with target.open("wb") as out:
            out.write(head)
            while block := upload.file.read(_CHUNK):
                size += len(block)
                if size > limit:
                    return [], text(
                        "family.error.evidence_size",
                        lang,
                        name=upload.filename,
                        mb=max(limit // (1024 * 1024), 1),
                    )
                out.write(block)
        if size == len(head) and size < 16:
            return [], text("family.error.evidence_type", lang, name=upload.filename)
        kept.append(Evidence(name, target))
    return kept, None


def scratch_folder(data_dir: Path) -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder under the data folder for the uploads of one request."""
    root = data_dir / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="bukti-", dir=root)


def attach_all(
    engine: Engine, user: WebUser, proposal_id: int, files: list[Evidence], evidence_dir: Path
) -> None:
    """Record each file on the proposal (kept by checksum, audited)."""
    for item in files:
        attach_evidence(engine, user.actor, proposal_id, item.path, evidence_dir=evidence_dir)
