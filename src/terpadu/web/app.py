"""The application factory: ``create_app(engine=None, settings=None)``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from terpadu.accounts.users import UserCache
from terpadu.errors import TerpaduError
from terpadu.registry import SearchBackend
from terpadu.settings import Settings, get_settings
from terpadu.store import make_engine, upgrade
from terpadu.web.auth.sessions import SessionCache
from terpadu.web.auth.tokens import LANG_COOKIE, TokenSigner
from terpadu.web.config import WebConfig
from terpadu.web.deps import AppState, LoginRequired, find_page_session
from terpadu.web.errors import ErrorBody, ErrorResponse, WebError, domain_error
from terpadu.web.formatting import install as install_formatting
from terpadu.web.headers import SecurityHeaders
from terpadu.web.i18n import LANGUAGES, STATE_NAMES, translate
from terpadu.web.navigation import nav_links
from terpadu.web.text_guard import refuse_control_characters
from terpadu.web.upload_limit import UploadLimit

HERE = Path(__file__).parent
API_PREFIX = "/api/"

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _error_json(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _language(request: Request) -> str:
    """The request's language as the pages choose it: ``?lang=``, the cookie, the default;
    an API client without either may ask with ``Accept-Language`` (its first language)."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if not asked and _is_api(request):
        asked = request.headers.get("accept-language", "").split(",")[0].split("-")[0].strip()
    state: AppState = request.app.state.terpadu
    return asked if asked in LANGUAGES else state.config.language


def _same_site_referer(request: Request) -> str | None:
    """The page the user came from, as a path on this site (never a link elsewhere)."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _error_page(request: Request, status: int, message: str) -> Response:
    """An error page inside the site: with the menu of whoever is logged in, so a refused
    step never leaves the operator on a bare page."""
    state: AppState = request.app.state.terpadu
    lang = _language(request)
    session = find_page_session(request, state)
    context = {
        "status": status,
        "message": message,
        "lang": lang,
        "user": session.user if session else None,
        "csrf": session.csrf if session else "",
        "path": request.url.path,
        "back": _same_site_referer(request),
    }
    return state.templates.TemplateResponse(request, "error.html", context, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        message = exc.words(_language(request))
        if _is_api(request) or request.headers.get("hx-request"):
            return _error_json(exc.status, exc.code, message, exc.details, exc.headers)
        return _error_page(request, exc.status, message)

    @app.exception_handler(TerpaduError)
    async def refused(request: Request, exc: TerpaduError) -> Response:
        return await web_error(request, domain_error(exc, _language(request)))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/masuk"})
        target = request.url.path
        return RedirectResponse(f"/masuk?next={target}", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        if not _is_api(request):
            return _error_page(request, 422, "Isian tidak sah: periksa formulir lalu ulangi.")
        return _error_json(422, "validation_error", "Isian tidak sah.", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = str(exc.detail) if exc.detail else code
        if exc.status_code == 404:
            message = "Alamat tidak ditemukan."
        if _is_api(request):
            return _error_json(
                exc.status_code, code, message, headers=getattr(exc, "headers", None)
            )
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        message = "Terjadi kesalahan di server; coba lagi atau hubungi admin."
        if _is_api(request):
            return _error_json(500, "server_error", message)
        return _error_page(request, 500, message)


def _templates(config: WebConfig) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals["tr"] = translate
    env.globals["STATE_NAMES"] = STATE_NAMES
    env.globals["nav_links"] = nav_links
    install_formatting(env)
    return templates


def create_app(
    engine: Engine | None = None,
    settings: Settings | None = None,
    *,
    migrate: bool = True,
    import_runner: Callable[[Callable[[], None]], None] | None = None,
) -> FastAPI:
    """The Terpadu web application on ``engine`` (default: the configured database).

    Everything the app reads from configuration (data folder, workflow configuration,
    import wait, web limits) comes from ``settings`` (default: the process-wide settings,
    read here once). The schema is brought up to date (``migrate``); the signing key is
    kept in ``<data_dir>/web_secret.key``.
    """
    settings = settings or get_settings()
    if engine is None:
        engine = make_engine(settings.resolved_database_url())
    if migrate:
        upgrade(engine)
    config = WebConfig.from_settings(settings)
    app = FastAPI(
        title="Terpadu API",
        version="1",
        description=(
            "Integrated social-welfare registry (DTKS/DTSEN). Log in with "
            "`POST /api/v1/auth/login` and send `Authorization: Bearer <access_token>`. "
            "Every answer is limited to your region; errors are "
            '`{"error": {"code", "message", "details"}}`.'
        ),
        # The documentation page is served below from the vendored Swagger UI (no CDN).
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        # Every request's text, whatever the route: no control characters (422).
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.terpadu = AppState(
        engine=engine,
        config=config,
        signer=TokenSigner(
            config.secret_key,
            session_max_age_s=config.session_max_age_s,
            token_max_age_s=config.token_max_age_s,
        ),
        users=UserCache(engine),
        sessions=SessionCache(engine),
        backend=SearchBackend(engine),
        templates=_templates(config),
        import_runner=import_runner,
    )
    app.add_middleware(GZipMiddleware, minimum_size=800)
    # The upload limit while the body arrives, not after it was spooled (413).
    app.add_middleware(UploadLimit, upload_max_bytes=config.upload_max_bytes)

    app.add_middleware(SecurityHeaders, hsts=config.secure_cookies)
    if settings.trust_proxy.strip():
        # Outermost, so the headers, cookies and throttling all see the client's scheme and
        # address; only the named proxies are believed (uvicorn runs with proxy_headers off).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trust_proxy.strip())

    _install_error_handlers(app)
    from terpadu.web.api import router as api_router
    from terpadu.web.api.cases import router as cases_router
    from terpadu.web.api.complaints import router as complaints_router
    from terpadu.web.api.social import router as social_router
    from terpadu.web.api.subjects import router as subjects_router
    from terpadu.web.pages import router as pages_router

    app.include_router(api_router)
    app.include_router(subjects_router)
    app.include_router(social_router)
    app.include_router(cases_router)
    app.include_router(complaints_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _add_api_docs(app)
    return app


#: The API documentation page and the Swagger UI it loads from ``static/swagger``
#: (swagger-ui-dist, Apache-2.0, its LICENSE beside it): it works offline.
API_DOCS = "/api/v1/docs"


def _add_api_docs(app: FastAPI) -> None:
    @app.get(API_DOCS, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/api/v1/openapi.json",
            title="Terpadu API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
