"""Applying an approved proposal to the registry, with provenance and audit events.

The proposal's batch (:class:`~terpadu.verval.writer.ProposalBatch`) carries the
provenance; :data:`~terpadu.verval.changes.CHANGES` says what each kind writes.
Families and persons carry a version: a write based on a stale read raises
:class:`~terpadu.verval.errors.ConflictError`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from terpadu.access import Actor
from terpadu.store.models.verval import Proposal
from terpadu.verval.changes import CHANGES
from terpadu.verval.errors import ConflictError
from terpadu.verval.writer import (
    FAMILY_CHANGED,
    PERSON_CHANGED,
    ProposalBatch,
)


def apply_proposal(
    session: Session, proposal: Proposal, actor: Actor, now: dt.datetime
) -> dict[str, Any]:
    """Write an approved proposal's changes in ``session``; what was created or changed.

    Raises :class:`ConflictError` when a record changed since the proposal was made
    or since it was read in this session (the caller's transaction must roll back).
    """
    family_id, person_id = proposal.family_id, proposal.person_id
    try:
        batch = ProposalBatch(session, proposal, actor, now)
        result = CHANGES[proposal.kind](batch)
        batch.finish()
    except StaleDataError as exc:
        entity = "person" if "person" in str(exc) else "family"
        raise ConflictError(
            PERSON_CHANGED if entity == "person" else FAMILY_CHANGED,
            entity=entity,
            entity_id=person_id if entity == "person" else family_id,
        ) from exc
    proposal.batch_id = batch.row.id
    return result | {"batch_id": batch.row.id}


__all__ = ["apply_proposal"]
