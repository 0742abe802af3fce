"""Errors of the verval workflow.

Each carries a ``code`` (:class:`terpadu.errors.TerpaduError`); most messages are
free text for operators (Bahasa Indonesia) because they quote the proposal's own data.
"""

from __future__ import annotations

from terpadu.access import PermissionDenied
from terpadu.errors import TerpaduError

#: The workflow's errors are the domain's: catching ``VervalError`` catches every refusal a
#: workflow step can meet, access's :class:`PermissionDenied` (an actor's role or region)
#: among them, as it did before roles moved to :mod:`terpadu.access`.
VervalError = TerpaduError


class ConflictError(VervalError):
    """Someone else changed the record since it was read (optimistic locking)."""

    code = "concurrent_change"

    def __init__(
        self,
        message: str | None = None,
        *,
        entity: str = "family",
        entity_id: int | None = None,
    ) -> None:
        super().__init__(message, entity=entity, entity_id=entity_id)
        self.entity = entity
        self.entity_id = entity_id


class InvalidTransition(VervalError):
    """The action is not possible in the proposal's current state."""

    code = "invalid_transition"


class InvalidProposal(VervalError):
    """The proposal's content is incomplete or wrong."""

    code = "invalid_proposal"


class NotFound(VervalError):
    """A proposal, family or person that does not exist."""

    code = "not_found"


__all__ = [
    "ConflictError",
    "InvalidProposal",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "VervalError",
]
