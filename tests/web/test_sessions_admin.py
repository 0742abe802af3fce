"""User administration pages: only account managers, within their scope, audited; changes
that end sessions end them at once."""

from __future__ import annotations

from sqlalchemy import text
from webdata import PASSWORD, WebEnv, login

from terpadu.accounts import create_user


def _events(web: WebEnv, action: str) -> list[tuple[str, str]]:
    with web.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, entity_id FROM audit_event WHERE action = :a ORDER BY id"),
            {"a": action},
        ).all()
    return [(r[0], str(r[1])) for r in rows]


def _user_id(web: WebEnv, username: str) -> str:
    with web.engine.connect() as conn:
        found = conn.execute(
            text("SELECT id FROM web_user WHERE username = :u"), {"u": username}
        ).scalar_one()
    return str(found)


def test_only_account_managers_see_the_pages(web: WebEnv) -> None:
    op, csrf = web.page("op_a")
    assert "/pengguna" not in op.get("/").text
    assert op.get("/pengguna").status_code == 403
    r = op.post(
        "/pengguna/op_b/aksi",
        data={"action": "disable", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 403
    adm, _ = web.page("adm")
    page = adm.get("/pengguna")
    assert page.status_code == 200 and 'href="/pengguna"' in page.text
    # A province admin sees the accounts in its province only.
    for inside in ("op_a", "op_b", "ver"):
        assert f">{inside}<" in page.text or f">{inside} <" in page.text
    for outside in ("aud", "ana"):
        assert f">{outside}<" not in page.text


def test_create_disable_enable_are_audited_and_end_sessions(web: WebEnv) -> None:
    adm, csrf = web.page("adm")
    r = adm.post(
        "/pengguna",
        data={
            "username": "op_c",
            "role": "operator_desa",
            "region": "3604052001",
            "password": "sandi-op-c-123",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/pengguna?selesai=create"
    assert "Pengguna dibuat." in adm.get(r.headers["location"]).text
    assert ("adm", _user_id(web, "op_c")) in _events(web, "user.create")
    # Disabling ends op_a's open session at once, not at the cache's next look.
    op, _ = web.page("op_a")
    assert op.get("/").status_code == 200
    r = adm.post(
        "/pengguna/op_a/aksi",
        data={"action": "disable", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert op.get("/", follow_redirects=False).status_code == 303
    assert login(web.client(), "op_a").status_code == 401
    assert _events(web, "user.disable") == [("adm", _user_id(web, "op_a"))]
    r = adm.post(
        "/pengguna/op_a/aksi", data={"action": "enable", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert login(web.client(), "op_a").status_code == 303
    assert _events(web, "user.enable") == [("adm", _user_id(web, "op_a"))]


def test_unlock_lets_a_waiting_user_in(web: WebEnv) -> None:
    c = web.client()
    for _ in range(5):
        assert login(c, "op_b", "salah-salah").status_code == 401
    assert login(c, "op_b").status_code == 429
    adm, csrf = web.page("adm")
    r = adm.post(
        "/pengguna/op_b/aksi", data={"action": "unlock", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert login(c, "op_b").status_code == 303
    assert _events(web, "user.unlock") == [("adm", _user_id(web, "op_b"))]


def test_reset_password_and_role_change(web: WebEnv) -> None:
    adm, csrf = web.page("adm")
    ver, _ = web.page("ver")
    short = adm.post(
        "/pengguna/ver/aksi", data={"action": "reset", "password": "pendek", "csrf_token": csrf}
    )
    assert short.status_code == 400 and "minimal 8" in short.text
    r = adm.post(
        "/pengguna/ver/aksi",
        data={"action": "reset", "password": "sandi-baru-ver-1", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert ver.get("/", follow_redirects=False).status_code == 303
    assert login(web.client(), "ver").status_code == 401
    assert login(web.client(), "ver", "sandi-baru-ver-1").status_code == 303
    r = adm.post(
        "/pengguna/op_a/aksi",
        data={"action": "role", "role": "verifikator_kab", "region": "3604", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with web.engine.connect() as conn:
        row = conn.execute(text("SELECT role, region FROM web_user WHERE username = 'op_a'")).one()
    assert tuple(row) == ("verifikator_kab", "3604")
    assert _events(web, "user.password_reset") == [("adm", _user_id(web, "ver"))]
    assert _events(web, "user.role_change") == [("adm", _user_id(web, "op_a"))]


def test_scope_self_and_csrf(web: WebEnv) -> None:
    adm, csrf = web.page("adm")
    # A national account is outside a province admin's scope: not found, unchanged.
    r = adm.post("/pengguna/aud/aksi", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 404
    r = adm.post("/pengguna/tidak-ada/aksi", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 404
    # Nobody disables their own account.
    r = adm.post("/pengguna/adm/aksi", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 403 and "sendiri" in r.text
    # No CSRF token, no change.
    r = adm.post("/pengguna/op_b/aksi", data={"action": "disable"})
    assert r.status_code == 403
    with web.engine.connect() as conn:
        active = dict(conn.execute(text("SELECT username, active FROM web_user")).all())
    assert active["aud"] == 1 and active["adm"] == 1 and active["op_b"] == 1
    # Only a national admin unlocks an address.
    assert 'action="/pengguna/buka-alamat"' not in adm.get("/pengguna").text
    r = adm.post("/pengguna/buka-alamat", data={"address": "10.0.0.9", "csrf_token": csrf})
    assert r.status_code == 403


def test_a_system_admin_unlocks_an_office_address(web: WebEnv) -> None:
    create_user(web.engine, "sys", PASSWORD, role="admin_sistem", region=None)
    c = web.client()
    for i in range(3):
        assert login(c, f"tamu{i}", "salah-salah").status_code == 401
    with web.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM web_login_attempt")).scalar() == 3
    sys_client, csrf = web.page("sys")
    page = sys_client.get("/pengguna")
    assert 'action="/pengguna/buka-alamat"' in page.text and ">aud<" in page.text
    r = sys_client.post(
        "/pengguna/buka-alamat",
        data={"address": "testclient", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with web.engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM web_login_attempt WHERE success = 0")
        ).scalar()
    assert left == 0
    assert _events(web, "user.unlock_address") == [("sys", "testclient")]
