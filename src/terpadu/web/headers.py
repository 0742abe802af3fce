"""Security headers on every response, as a plain ASGI middleware.

Starlette's ``@app.middleware("http")`` wraps each request in a task and memory
streams; on a search answered in a few milliseconds that wrapping is a visible
share of the time, so the headers are added to ``http.response.start`` here.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Adds nosniff, DENY framing, same-origin referrer and (outside /static/) no-store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = _ALWAYS if scope["path"].startswith("/static/") else (*_ALWAYS, _NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in wanted if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
