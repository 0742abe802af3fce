"""The one base of the domain's errors: a machine code and the data behind it.

Domain packages raise :class:`TerpaduError` subclasses; they say *what* went wrong
(``code``, ``data``), never which command or page to use next. The faces turn
them into words: :func:`terpadu.i18n.error_words` gives the message in the
interface language, and the CLI adds its own hint (``jalankan 'terpadu rank'
dulu``) from :data:`terpadu.i18n.CLI_HINTS`. ``str(error)`` stays the Bahasa
Indonesia message, for logs and for callers that only print it.
"""

from __future__ import annotations

from typing import Any

from terpadu.i18n import catalogued_error
from terpadu.locale import DEFAULT_LANGUAGE


class TerpaduError(Exception):
    """Base of the domain's errors: ``code`` names the failure, ``data`` fills its message.

    With no ``message`` the words come from the catalogue entry of ``code``; a
    ``message`` given by the raise site (free text quoting the operator's data)
    is kept as it is.
    """

    code: str = "error"

    def __init__(self, message: str | None = None, /, *, code: str | None = None, **data: Any):
        if code is not None:
            self.code = code
        self.data: dict[str, Any] = data
        words = catalogued_error(self.code, self.data_in(DEFAULT_LANGUAGE))
        super().__init__(message if message is not None else words)

    def data_in(self, language: str) -> dict[str, Any]:
        """The values that fill the message in ``language``: ``data`` as it is, unless a
        subclass words some of them (a role's name, an action)."""
        return self.data

    @property
    def message(self) -> str:
        """The Bahasa Indonesia message (what ``str(error)`` gives)."""
        return str(self)


__all__ = ["TerpaduError"]
