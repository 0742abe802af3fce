"""TERPADU_TRUST_PROXY: a named proxy's X-Forwarded-Proto/-For are believed, nobody else's."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text
from webdata import WebEnv, login_token, sync_runner

from terpadu.settings import Settings
from terpadu.web import create_app

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}


def _client(web: WebEnv, tmp_path: Path, trust_proxy: str) -> TestClient:
    settings = Settings(data_dir=tmp_path / "proxy", trust_proxy=trust_proxy)
    app = create_app(web.engine, settings, migrate=False, import_runner=sync_runner)
    return TestClient(app, raise_server_exceptions=False)


def _failed_login(client: TestClient) -> None:
    token = login_token(client)
    r = client.post(
        "/masuk",
        data={"username": "op_a", "password": "salah-salah", "csrf_token": token},
        headers=FORWARDED,
    )
    assert r.status_code == 401


def _addresses(web: WebEnv) -> list[str]:
    with web.engine.connect() as conn:
        return list(conn.execute(text("SELECT ip FROM web_login_attempt")).scalars())


def test_a_trusted_proxy_gives_https_and_the_client_address(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    # The test client connects from "testclient": that is the proxy here.
    client = _client(web_sqlite, tmp_path, "testclient")
    r = client.get("/masuk", headers=FORWARDED)
    assert "secure" in r.headers["set-cookie"].lower()
    assert r.headers["strict-transport-security"].startswith("max-age=")
    _failed_login(client)
    assert _addresses(web_sqlite) == ["203.0.113.5"]


def test_forwarded_headers_are_ignored_without_the_setting(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    client = _client(web_sqlite, tmp_path, "")
    r = client.get("/masuk", headers=FORWARDED)
    assert "secure" not in r.headers["set-cookie"].lower()
    assert "strict-transport-security" not in r.headers
    _failed_login(client)
    assert _addresses(web_sqlite) == ["testclient"]


def test_an_untrusted_peer_cannot_claim_to_be_behind_the_proxy(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    client = _client(web_sqlite, tmp_path, "10.0.0.1")
    r = client.get("/masuk", headers=FORWARDED)
    assert "strict-transport-security" not in r.headers
    _failed_login(client)
    assert _addresses(web_sqlite) == ["testclient"]
