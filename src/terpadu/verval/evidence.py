"""Comments and evidence on a proposal: the discussion and the files behind it."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

from sqlalchemy import Engine

from terpadu.access import AUDITOR, Actor
from terpadu.audit import record_event
from terpadu.store.models.verval import ProposalComment, ProposalEvidence
from terpadu.verval.errors import InvalidProposal, InvalidTransition, PermissionDenied
from terpadu.verval.kinds import APPROVED, REJECTED, STATE_LABELS, plain_text
from terpadu.verval.records import load_proposal, now_or, workflow_session


def add_comment(
    engine: Engine, actor: Actor, proposal_id: int, body: str, *, now: dt.datetime | None = None
) -> int:
    """Add a comment to a proposal; its id."""
    if actor.role == AUDITOR:
        raise PermissionDenied("Auditor hanya dapat membaca usulan.")
    if not body.strip():
        raise InvalidProposal("Komentar kosong.")
    plain_text(body, "komentar", multiline=True)
    when = now_or(now)
    with workflow_session(engine) as session:
        proposal = load_proposal(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        comment = ProposalComment(
            proposal_id=proposal.id, author=actor.username, role=actor.role, body=body, at=when
        )
        session.add(comment)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="usulan.comment",
            entity="proposal",
            entity_id=proposal.id,
            region=proposal.kode_wilayah,
            before=None,
            after={"comment_id": comment.id, "body": body},
            at=when,
        )
        return comment.id


def evidence_path(evidence_dir: Path, sha256: str) -> Path:
    """Where a piece of evidence with this checksum is kept."""
    return evidence_dir / sha256[:2] / sha256


def attach_evidence(
    engine: Engine,
    actor: Actor,
    proposal_id: int,
    path: Path,
    *,
    evidence_dir: Path,
    description: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Attach a file (berita acara, photo) to a proposal; the evidence row's id.

    The file is copied under ``evidence_dir`` (the settings' ``evidence_dir``) named by its
    sha256, so the
    same file attached twice is stored once and a stored file cannot be
    replaced without its checksum changing.
    """
    if actor.role == AUDITOR:
        raise PermissionDenied("Auditor hanya dapat membaca usulan.")
    if not path.is_file():
        raise InvalidProposal(f"Berkas {path} tidak ditemukan.")
    folder = evidence_dir
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    sha = digest.hexdigest()
    size = path.stat().st_size
    when = now_or(now)
    with workflow_session(engine) as session:
        proposal = load_proposal(session, proposal_id)
        actor.require_region(proposal.kode_wilayah)
        if proposal.state in (APPROVED, REJECTED):
            raise InvalidTransition(
                f"Usulan sudah {STATE_LABELS[proposal.state]}; bukti tidak dapat ditambahkan lagi."
            )
        target = evidence_path(folder, sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            shutil.copyfile(path, partial)
            partial.replace(target)
        evidence = ProposalEvidence(
            proposal_id=proposal.id,
            sha256=sha,
            file_name=path.name,
            size_bytes=size,
            description=description,
            uploaded_by=actor.username,
            uploaded_at=when,
        )
        session.add(evidence)
        session.flush()
        record_event(
            session.connection(),
            actor=actor,
            action="usulan.attach",
            entity="proposal",
            entity_id=proposal.id,
            region=proposal.kode_wilayah,
            before=None,
            after={"evidence_id": evidence.id, "file_name": path.name, "sha256": sha, "size": size},
            at=when,
        )
        return evidence.id


__all__ = [
    "add_comment",
    "attach_evidence",
    "evidence_path",
]
