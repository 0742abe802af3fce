"""The API documentation page loads Swagger UI from the app itself, and every page has an icon."""

from __future__ import annotations

import re

from webdata import WebEnv


def test_api_docs_load_swagger_ui_from_static_files(web_sqlite: WebEnv) -> None:
    c = web_sqlite.client()
    page = c.get("/api/v1/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert "/static/swagger/swagger-ui-bundle.js" in assets
    assert "/static/swagger/swagger-ui.css" in assets
    # nothing from another host: the page works offline
    assert not [url for url in assets if re.match(r"(https?:)?//", url)], assets
    assert "/api/v1/openapi.json" in page.text
    for asset in assets:
        answer = c.get(asset)
        assert answer.status_code == 200, asset
        assert answer.content, asset
    assert "SwaggerUIBundle" in c.get("/static/swagger/swagger-ui-bundle.js").text
    assert c.get("/static/swagger/LICENSE").status_code == 200


def test_pages_link_the_favicon(web_sqlite: WebEnv) -> None:
    c = web_sqlite.client()
    page = c.get("/masuk")
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    icon = c.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
