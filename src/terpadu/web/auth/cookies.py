"""Setting the web's cookies with the same flags everywhere.

A cookie is ``Secure`` when ``TERPADU_SECURE_COOKIES`` says the site is served over HTTPS,
or when this request came over HTTPS (directly, or through a trusted proxy's
``X-Forwarded-Proto`` when ``TERPADU_TRUST_PROXY`` names it).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


def is_secure(request: Request, secure_cookies: bool) -> bool:
    return secure_cookies or request.url.scheme == "https"


def set_private_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int,
    secure_cookies: bool,
    samesite: str = "lax",
    path: str = "/",
) -> None:
    """An HttpOnly cookie (scripts cannot read it)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite=samesite,  # type: ignore[arg-type]
        secure=is_secure(request, secure_cookies),
    )
