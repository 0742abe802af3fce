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
#: Scripts only from the app itself (no inline script, no eval: an injected ``<script>`` or
#: ``onclick`` does not run). Inline styles stay allowed: htmx adds its indicator style.
CONTENT_SECURITY_POLICY: bytes = (
    b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    b"frame-ancestors 'none'"
)
_CSP = (b"content-security-policy", CONTENT_SECURITY_POLICY)
#: One year, sent only over HTTPS: ``TERPADU_SECURE_COOKIES``, or a request that came over
#: HTTPS (directly or, with ``TERPADU_TRUST_PROXY``, through the proxy's X-Forwarded-Proto).
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
#: The interactive API documentation loads Swagger UI from its CDN with an inline script.
_DOCS = "/api/v1/docs"


class SecurityHeaders:
    """Adds nosniff, DENY framing, same-origin referrer, a content security policy (outside
    the API's documentation page), HSTS when served over HTTPS (``hsts``, or the request's
    scheme is https) and, outside /static/, no-store."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        wanted = [*_ALWAYS]
        if not path.startswith("/static/"):
            wanted.append(_NO_STORE)
        if not path.startswith(_DOCS):
            wanted.append(_CSP)
        if self.hsts or scope.get("scheme") == "https":
            wanted.append(_HSTS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in wanted if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
