"""The upload limit holds while the body arrives: 413 before the body is spooled."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send
from webdata import ANGGOTA, KELUARGA, PASSWORD, WebEnv, sync_runner

from terpadu.settings import Settings
from terpadu.web import create_app
from terpadu.web.upload_limit import UploadLimit, body_limit

LIMIT = 4096  # bytes per file


def _client(web: WebEnv, tmp_path: Path) -> tuple[TestClient, Settings]:
    settings = Settings(data_dir=tmp_path / "upload", upload_max_bytes=LIMIT)
    app = create_app(web.engine, settings, migrate=False, import_runner=sync_runner)
    client = TestClient(app, raise_server_exceptions=False)
    r = client.post("/api/v1/auth/login", json={"username": "op_a", "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client, settings


def _left_behind(settings: Settings) -> list[Path]:
    folder = settings.web_imports_dir
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "batasbatas"
    parts = []
    for name in ("keluarga", "anggota"):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + b"ID_KELUARGA,KODE_WILAYAH\n"
            + b"K9,3604012001\n" * (size // 14)
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    client, settings = _client(web_sqlite, tmp_path)
    body, kind = _multipart(body_limit(LIMIT))
    r = client.post("/api/v1/imports", content=body, headers={"content-type": kind})
    assert r.status_code == 413, r.text
    assert r.headers["connection"] == "close"  # answered by the limit, the body left unread
    assert r.json()["error"]["code"] == "too_large"
    assert "Berkas terlalu besar" in r.json()["error"]["message"]
    assert _left_behind(settings) == []


def test_a_chunked_body_is_cut_off_as_it_passes_the_limit(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    client, settings = _client(web_sqlite, tmp_path)
    body, kind = _multipart(50 * LIMIT)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it comes
        for start in range(0, len(body), 1024):
            yield body[start : start + 1024]

    r = client.post("/api/v1/imports", content=chunks(), headers={"content-type": kind})
    assert r.status_code == 413, r.text
    assert r.headers["connection"] == "close"
    assert r.json()["error"]["code"] == "too_large"
    assert _left_behind(settings) == []


def test_the_import_page_answers_413_too(web_sqlite: WebEnv, tmp_path: Path) -> None:
    client, settings = _client(web_sqlite, tmp_path)
    body, kind = _multipart(body_limit(LIMIT))
    r = client.post("/impor", content=body, headers={"content-type": kind})
    assert r.status_code == 413
    assert "Berkas terlalu besar" in r.text and "text/html" in r.headers["content-type"]
    assert _left_behind(settings) == []


def test_one_file_over_its_limit_leaves_no_file_behind(web_sqlite: WebEnv, tmp_path: Path) -> None:
    client, settings = _client(web_sqlite, tmp_path)
    r = client.post(
        "/api/v1/imports",
        files={
            "keluarga": ("k.csv", b"ID_KELUARGA,KODE_WILAYAH\n" * 200, "text/csv"),
            "anggota": ("a.csv", b"ID_KELUARGA\n", "text/csv"),
        },
    )
    assert r.status_code == 413, r.text
    assert _left_behind(settings) == []


def test_a_body_within_the_limit_reaches_the_route(web_sqlite: WebEnv, tmp_path: Path) -> None:
    client, _ = _client(web_sqlite, tmp_path)
    body, kind = _multipart(LIMIT // 2)
    r = client.post("/api/v1/imports", content=body, headers={"content-type": kind})
    assert r.status_code == 202, r.text


def test_the_middleware_stops_receiving_at_the_limit() -> None:
    """At the ASGI level: the app asks for more, the middleware refuses to read past the
    limit, and the client gets 413 without the rest of the body being pulled."""
    pulled = 0
    total = 100

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1024, "more_body": pulled < total}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    answers: list[Message] = []

    async def send(message: Message) -> None:
        answers.append(message)

    middleware = UploadLimit(app, upload_max_bytes=2048)
    scope: Scope = {"type": "http", "method": "POST", "path": "/api/v1/imports", "headers": []}
    asyncio.run(middleware(scope, receive, send))
    assert answers[0]["status"] == 413
    assert pulled == body_limit(2048) // 1024 + 1 < total


def _input_client(web: WebEnv, tmp_path: Path, user: str = "op_a", **limits: int) -> TestClient:
    settings = Settings(data_dir=tmp_path / "input", **limits)  # type: ignore[arg-type]
    app = create_app(web.engine, settings, migrate=False, import_runner=sync_runner)
    client = TestClient(app, raise_server_exceptions=False)
    r = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


def test_the_apps_input_limits_refuse_a_wide_file_naming_the_limit(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    client = _input_client(web_sqlite, tmp_path, input_max_columns=5)
    wide = ",".join(f"K{i}" for i in range(12)) + "\n" + ",".join(["1"] * 12) + "\n"
    r = client.post(
        "/api/v1/imports",
        files={"keluarga": ("k.csv", wide.encode()), "anggota": ("a.csv", ANGGOTA.encode())},
    )
    assert r.status_code == 202, r.text
    job = client.get(f"/api/v1/imports/{r.json()['id']}").json()
    assert job["status"] == "failed"
    assert "12 kolom" in job["message"] and "batas 5 kolom" in job["message"]


def test_good_rows_of_a_valid_file_still_land_under_the_limits(
    web_sqlite: WebEnv, tmp_path: Path
) -> None:
    client = _input_client(
        web_sqlite, tmp_path, "adm", input_max_columns=20, input_max_cell_chars=50
    )
    r = client.post(
        "/api/v1/imports",
        files={"keluarga": ("k.csv", KELUARGA.encode()), "anggota": ("a.csv", ANGGOTA.encode())},
        data={"source": "desa-batas"},
    )
    assert r.status_code == 202, r.text
    job = client.get(f"/api/v1/imports/{r.json()['id']}").json()
    assert job["status"] == "done", job
    assert job["summary"]["rows_read"] > 0 and job["summary"]["rows_rejected"] == 0
