"""The app takes every limit and path from the Settings it is given, never the global ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webdata import PASSWORD, WebEnv, sync_runner
from webdata import login as form_login

from terpadu.settings import Settings, get_settings
from terpadu.web import create_app


@pytest.fixture
def global_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A global data folder whose workflow configuration differs from the app's."""
    folder = tmp_path / "global"
    folder.mkdir()
    (folder / "verval.yaml").write_text("levels: [admin_provinsi]\n")
    monkeypatch.setenv("TERPADU_DATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def _app_client(web: WebEnv, settings: Settings) -> TestClient:
    app = create_app(web.engine, settings, migrate=False, import_runner=sync_runner)
    return TestClient(app, raise_server_exceptions=False)


def _api(client: TestClient, username: str) -> TestClient:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


def test_proposals_follow_the_apps_workflow_configuration(
    web_sqlite: WebEnv, tmp_path: Path, global_elsewhere: Path
) -> None:
    data_dir = tmp_path / "app-data"
    data_dir.mkdir()
    (data_dir / "verval.yaml").write_text("levels: [verifikator_kab]\n")
    client = _api(_app_client(web_sqlite, Settings(data_dir=data_dir)), "op_a")
    created = client.post(
        "/api/v1/proposals",
        json={
            "kind": "correct",
            "family_id": web_sqlite.family("K1"),
            "values": {"alamat": "Jl. Baru"},
        },
    )
    assert created.status_code == 201, created.text
    detail = client.get(f"/api/v1/proposals/{created.json()['id']}").json()
    # The app's verval.yaml, not the one in the global data folder (admin_provinsi only).
    assert detail["levels"] == ["verifikator_kab"]


def test_web_limits_come_from_the_settings(web_sqlite: WebEnv, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "limits", secure_cookies=True, token_max_age_s=60, upload_max_bytes=10
    )
    client = _app_client(web_sqlite, settings)
    # The cookies are Secure: the browser sends them back over HTTPS only.
    client.base_url = client.base_url.copy_with(scheme="https")
    page = form_login(client, "op_a")
    assert page.status_code == 303
    assert "secure" in page.headers["set-cookie"].lower()
    login = client.post("/api/v1/auth/login", json={"username": "op_a", "password": PASSWORD})
    assert login.json()["expires_in"] == 60
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    upload = client.post(
        "/api/v1/imports",
        files={
            "keluarga": ("k.csv", b"ID_KELUARGA,KODE_WILAYAH\n" * 3, "text/csv"),
            "anggota": ("a.csv", b"ID_KELUARGA\n", "text/csv"),
        },
    )
    assert upload.status_code == 413, upload.text
    # Uploads land under the app's data folder.
    assert (settings.web_imports_dir).is_dir()


def test_web_limits_can_be_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERPADU_SECURE_COOKIES", "true")
    monkeypatch.setenv("TERPADU_UPLOAD_MAX_BYTES", "1024")
    monkeypatch.setenv("TERPADU_SESSION_MAX_AGE_S", "600")
    settings = Settings()
    assert settings.secure_cookies is True
    assert settings.upload_max_bytes == 1024
    assert settings.session_max_age_s == 600
