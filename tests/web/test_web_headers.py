"""Security headers: HSTS only when served over HTTPS."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from terpadu.web.headers import SecurityHeaders


def _page(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def _client(hsts: bool) -> TestClient:
    app = Starlette(routes=[Route("/", _page)])
    return TestClient(SecurityHeaders(app, hsts=hsts))


def test_hsts_when_cookies_are_secure() -> None:
    headers = _client(hsts=True).get("/").headers
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "strict-transport-security" not in _client(hsts=False).get("/").headers
