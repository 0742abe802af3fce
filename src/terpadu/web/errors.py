"""One error shape for every 4xx/5xx answer of the API: ``{"error": {"code", "message"}}``.

A domain error (:class:`terpadu.errors.TerpaduError`) carries a code and data, not words:
the message of the answer is written from them in the request's language.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from terpadu.access import PermissionDenied
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[Any] | dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    """Every API error: a machine code, a message for people (the request's language), details."""

    error: ErrorBody


class WebError(Exception):
    """An error the API and the pages answer with ``status`` and the error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: list[Any] | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers

    def words(self, language: str) -> str:
        """The message in ``language``: a domain error passed on as it is (``raise WebError(...,
        str(exc)) from exc``) is worded again from its code and data; other text stays."""
        cause = self.__cause__
        if isinstance(cause, TerpaduError) and self.message == str(cause):
            return error_words(cause, language)
        return self.message

    def body(self) -> dict[str, Any]:
        return ErrorResponse(
            error=ErrorBody(code=self.code, message=self.message, details=self.details)
        ).model_dump()


#: The status of a domain error that reaches the web untranslated: the request cannot be done
#: as asked (a missing ranking, a bad period, a file that cannot be used).
DOMAIN_ERROR_STATUS = 400


def domain_error(error: TerpaduError, language: str) -> WebError:
    """The answer to a domain error no route turned into one: its code, its words (a
    refusal of the role or region is a 403)."""
    if isinstance(error, PermissionDenied):
        return refusal(error)
    answer = WebError(DOMAIN_ERROR_STATUS, error.code, error_words(error, language))
    answer.__cause__ = error
    return answer


def refusal(error: PermissionDenied) -> WebError:
    """The 403 answer to a refusal; it is worded from the refusal in the request's language
    (:meth:`WebError.words`)."""
    answer = WebError(403, "forbidden", str(error))
    answer.__cause__ = error
    return answer


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "Not logged in"),
        (403, "Not allowed"),
        (404, "Not found (or outside your region)"),
        (409, "Conflict"),
        (413, "Too large"),
        (422, "Invalid input"),
        (429, "Too many attempts"),
        (500, "Server error"),
        (503, "Not available yet"),
    )
}
