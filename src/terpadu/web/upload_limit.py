"""The upload limit enforced while the body arrives, as a plain ASGI middleware.

Without it the whole body is spooled to disk by the form parser before any route sees
the first byte, so a client could fill the disk (or hold a worker) with a body of any
size. Here the request's ``Content-Length`` is checked before anything is read, and a
body sent without one (chunked) is counted as it arrives: past the limit the app stops
receiving and the client gets 413 at once. Nothing is written by the route for such a
request, and what the form parser spooled was in anonymous temporary files, gone with it.

The limit is on the body of an import: two files of ``upload_max_bytes`` each and the
form's few fields. Each file's own limit is checked again as the route saves it.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Routes that take uploads: the import page's form, the API's import, the lists' forms.
UPLOAD_PATHS = frozenset(
    {"/impor", "/api/v1/imports", "/lembaga/impor", "/sdm/impor", "/pengaduan/impor"}
)
#: The proposal forms of the family and person pages, which carry evidence files.
EVIDENCE_FORMS = re.compile(r"/(?:keluarga|anggota)/[^/]+/usulan|/keluarga-baru")
#: Room for the multipart boundaries and the form's text fields around the two files.
FORM_SLACK_BYTES = 64 * 1024
FILES_PER_UPLOAD = 2
MESSAGE = "Berkas terlalu besar: batas {limit} MB per berkas."


class BodyTooLarge(Exception):
    """Raised into the app when the body passed the limit while it was being received."""


def body_limit(upload_max_bytes: int) -> int:
    """The most bytes an import's request body may have."""
    return FILES_PER_UPLOAD * upload_max_bytes + FORM_SLACK_BYTES


class UploadLimit:
    """413 for an upload whose body passes ``body_limit(upload_max_bytes)``, said by its
    ``Content-Length`` or counted as it arrives."""

    def __init__(self, app: ASGIApp, *, upload_max_bytes: int) -> None:
        self.app = app
        self.limit = body_limit(upload_max_bytes)
        self.message = MESSAGE.format(limit=max(upload_max_bytes // (1024 * 1024), 1))
        if upload_max_bytes < 1024 * 1024:
            self.message = f"Berkas terlalu besar: batas {upload_max_bytes} byte per berkas."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not takes_upload(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._too_large(scope, send)
            return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            if over:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app answers to the cut body, the answer is 413
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._too_large(scope, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        if scope["path"].startswith("/api/"):
            body = json.dumps({"error": {"code": "too_large", "message": self.message}})
            kind = b"application/json"
        else:
            body = _page(self.message)
            kind = b"text/html; charset=utf-8"
        data = body.encode()
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", kind),
            (b"content-length", str(len(data)).encode()),
            (b"connection", b"close"),  # the rest of the body is not read
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def takes_upload(path: str) -> bool:
    """Whether a POST to ``path`` may carry files (and so is held to the upload limit)."""
    return path in UPLOAD_PATHS or EVIDENCE_FORMS.fullmatch(path) is not None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _page(message: str) -> str:
    """A bare page: the app's templates are behind the route this request never reached."""
    text = message.replace("&", "&amp;").replace("<", "&lt;")
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>413</title></head>'
        f'<body><h1>413</h1><p>{text}</p><p><a href="/impor">Kembali ke impor</a></p>'
        "</body></html>"
    )
