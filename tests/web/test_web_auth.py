"""Accounts: argon2 hashes, tokens, login audit events, throttling, cookies, CSRF, the CLI."""

from __future__ import annotations

import typer
from sqlalchemy import text
from typer.testing import CliRunner
from webdata import PASSWORD, WebEnv, login

from terpadu.cli.web import users_app


def test_login_gives_bearer_token_and_audit_event(web: WebEnv) -> None:
    r = web.client().post("/api/v1/auth/login", json={"username": "op_a", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    me = web.client().get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["region"] == "3604052001"
    with web.engine.connect() as conn:
        events = conn.execute(
            text("SELECT actor, entity FROM audit_event WHERE action = 'auth.login'")
        ).all()
        stored = conn.execute(text("SELECT password_hash FROM web_user")).scalars().all()
    assert ("op_a", "user") in [tuple(e) for e in events]
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
    forged = web.client().get("/api/v1/auth/me", headers={"Authorization": "Bearer x.y.z"})
    assert forged.status_code == 401


def test_repeated_failures_are_throttled(web: WebEnv) -> None:
    c = web.client()
    for _ in range(5):
        r = c.post("/api/v1/auth/login", json={"username": "op_b", "password": "salah-salah"})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "invalid_credentials"
    r = c.post("/api/v1/auth/login", json={"username": "op_b", "password": PASSWORD})
    assert r.status_code == 429
    assert "Coba lagi dalam" in r.json()["error"]["message"]
    assert int(r.headers["Retry-After"]) > 0
    page = login(c, "op_b")
    assert page.status_code == 429 and "Terlalu banyak percobaan" in page.text
    # Another user from the same address is not locked by op_b's failures.
    assert (
        c.post("/api/v1/auth/login", json={"username": "op_a", "password": PASSWORD}).status_code
        == 200
    )


def test_session_cookie_flags_and_csrf(web: WebEnv) -> None:
    c = web.client()
    r = login(c, "op_a")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert c.get("/").status_code == 200
    # A state-changing form without the CSRF token is refused and changes nothing.
    r = c.post(
        f"/keluarga/{web.family('K1')}/usulan", data={"kind": "deactivate", "reason": "pindah"}
    )
    assert r.status_code == 403
    with web.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM proposal")).scalar() == 0
    assert web.client().get("/", follow_redirects=False).status_code == 303


def test_cli_users_add_reads_password_from_stdin(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path))
    from terpadu.settings import get_settings

    get_settings.cache_clear()
    app = typer.Typer()
    app.add_typer(users_app, name="users")
    runner = CliRunner()
    try:
        one = runner.invoke(
            app,
            ["users", "add", "dina", "--role", "operator_desa", "--region", "3604052001"],
            input="rahasia-dina\n",
        )
        assert one.exit_code == 0, one.output
        two = runner.invoke(
            app, ["users", "add", "eko", "--role", "auditor"], input="rahasia-eko\nrahasia-eko\n"
        )
        assert two.exit_code == 0, two.output
        bad = runner.invoke(
            app, ["users", "add", "fajar", "--role", "auditor"], input="rahasia-1\nrahasia-2\n"
        )
        assert bad.exit_code != 0 and "tidak sama" in bad.output
        nowhere = runner.invoke(
            app, ["users", "add", "gita", "--role", "operator_desa"], input="rahasia-gita\n"
        )
        assert nowhere.exit_code != 0
        dup = runner.invoke(
            app, ["users", "add", "dina", "--role", "auditor"], input="rahasia-dina\n"
        )
        assert dup.exit_code != 0 and "sudah ada" in dup.output
    finally:
        get_settings.cache_clear()
