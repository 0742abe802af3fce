"""One error shape for every 4xx/5xx answer of the API: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[Any] | dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    """Every API error: a machine code, a message for people (Bahasa Indonesia), details."""

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

    def body(self) -> dict[str, Any]:
        return ErrorResponse(
            error=ErrorBody(code=self.code, message=self.message, details=self.details)
        ).model_dump()


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
