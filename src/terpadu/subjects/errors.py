"""Errors of the data-subject requests; their words live in :data:`terpadu.i18n.ERRORS`."""

from __future__ import annotations

from terpadu.errors import TerpaduError


class SubjectError(TerpaduError):
    """Base of the data-subject errors."""


class InvalidSubjectNik(SubjectError):
    """The NIK asked for is not 16 digits."""

    code = "subject_nik_invalid"

    def __init__(self) -> None:
        # The value itself is not repeated: it may be a mistyped real NIK.
        super().__init__()


class SubjectNotFound(SubjectError):
    """No record with this NIK lies within the actor's region."""

    code = "subject_not_found"

    def __init__(self) -> None:
        super().__init__()


__all__ = ["InvalidSubjectNik", "SubjectError", "SubjectNotFound"]
