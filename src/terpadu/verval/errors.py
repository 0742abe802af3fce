"""Errors of the verval workflow; their messages are for operators (Bahasa Indonesia)."""

from __future__ import annotations

from terpadu.access import PermissionDenied
from terpadu.errors import DomainError

# The workflow's errors are domain errors: catching VervalError catches them all,
# access's PermissionDenied (an actor's role or region) among them.
VervalError = DomainError


class ConflictError(VervalError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(
        self,
        message: str = "Data keluarga ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi.",
        *,
        entity: str = "family",
        entity_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.entity = entity
        self.entity_id = entity_id


class InvalidTransition(VervalError):
    """The action is not possible in the proposal's current state."""


class InvalidProposal(VervalError):
    """The proposal's content is incomplete or wrong."""


class NotFound(VervalError):
    """A proposal, family, person or edition that does not exist."""


class EditionExists(VervalError):
    """An edition for this period has already been published."""


__all__ = [
    "ConflictError",
    "EditionExists",
    "InvalidProposal",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "VervalError",
]
