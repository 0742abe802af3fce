"""Errors of the edition catalogue; their words live in :data:`terpadu.i18n.ERRORS`."""

from __future__ import annotations

import datetime as dt

from terpadu.errors import TerpaduError


class EditionError(TerpaduError):
    """Base of the edition errors."""


class EditionExists(EditionError):
    """An edition for this period has already been published (editions never change)."""

    code = "edition_exists"

    def __init__(self, period: str, published_at: dt.datetime | None = None) -> None:
        if published_at is None:
            super().__init__(period=period)
        else:
            when = f"{published_at:%Y-%m-%d %H:%M}"
            super().__init__(code="edition_exists_since", period=period, published_at=when)


class EditionNotFound(EditionError):
    """No edition has been published for this period."""

    code = "edition_not_found"

    def __init__(self, period: str) -> None:
        super().__init__(period=period)


__all__ = ["EditionError", "EditionExists", "EditionNotFound"]
