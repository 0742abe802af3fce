"""Accounts: argon2 hashes, tokens, login audit events, throttling, cookies, CSRF."""

from __future__ import annotations

from sqlalchemy import text
from webdata import PASSWORD, WebEnv, login


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
