"""Server-side sessions through the app: logout, password change, API tokens, login CSRF."""

from __future__ import annotations

from sqlalchemy import text
from webdata import PASSWORD, WebEnv, login, login_token

from terpadu.accounts import set_password
from terpadu.web.auth.tokens import LOGIN_CSRF_COOKIE, SESSION_COOKIE


def _forget_caches(web: WebEnv) -> None:
    """What another worker sees: no cached session or user (the caches live a few seconds)."""
    state = web.app.state.terpadu
    state.sessions.clear()
    with web.engine.connect() as conn:
        for user_id in conn.execute(text("SELECT id FROM web_user")).scalars():
            state.users.forget(user_id)


def test_old_cookie_after_logout_gets_the_login_page(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.get("/").status_code == 200
    out = client.post("/keluar", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/masuk"
    # The copied cookie opens nothing: not here, not in another worker.
    for forget in (False, True):
        if forget:
            _forget_caches(web)
        replay = web.client()
        replay.cookies.set(SESSION_COOKIE, cookie)
        r = replay.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/masuk")
        page = replay.get("/")
        assert page.status_code == 200 and 'action="/masuk"' in page.text
    with web.engine.connect() as conn:
        ended = conn.execute(
            text("SELECT count(*) FROM web_session WHERE kind = 'page' AND revoked_at IS NOT NULL")
        ).scalar()
    assert ended == 1
    with web.engine.connect() as conn:
        logouts = conn.execute(
            text("SELECT actor, role FROM audit_event WHERE action = 'auth.logout'")
        ).all()
    assert [tuple(r) for r in logouts] == [("op_a", "operator_desa")]


def test_a_new_login_gets_a_new_session(web: WebEnv) -> None:
    client, _ = web.page("op_a")
    first = client.cookies[SESSION_COOKIE]
    assert login(client, "op_a").status_code == 303
    assert client.cookies[SESSION_COOKIE] != first
    replay = web.client()
    replay.cookies.set(SESSION_COOKIE, first)
    assert replay.get("/", follow_redirects=False).status_code == 303


def test_password_change_ends_every_session_and_token(web: WebEnv) -> None:
    page, _ = web.page("ver")
    api = web.api("ver")
    other, _ = web.page("op_a")
    assert page.get("/").status_code == 200 and api.get("/api/v1/auth/me").status_code == 200
    set_password(web.engine, "ver", "kata-sandi-baru-2")
    _forget_caches(web)
    assert page.get("/", follow_redirects=False).status_code == 303
    assert api.get("/api/v1/auth/me").status_code == 401
    assert other.get("/").status_code == 200  # someone else's session is untouched
    with web.engine.connect() as conn:
        live = conn.execute(
            text(
                "SELECT count(*) FROM web_session s JOIN web_user u ON u.id = s.user_id "
                "WHERE u.username = 'ver' AND s.revoked_at IS NULL"
            )
        ).scalar()
    assert live == 0


def test_a_disabled_account_loses_its_sessions(web: WebEnv) -> None:
    page, _ = web.page("adm")
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE web_user SET active = 0, token_version = token_version + 1 "
                "WHERE username = 'adm'"
            )
        )
    _forget_caches(web)
    assert page.get("/", follow_redirects=False).status_code == 303


def test_api_logout_ends_the_token(web: WebEnv) -> None:
    api = web.api("aud")
    assert api.get("/api/v1/auth/me").status_code == 200
    assert api.post("/api/v1/auth/logout").status_code == 204
    r = api.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    _forget_caches(web)
    assert api.get("/api/v1/auth/me").status_code == 401
    assert web.client().post("/api/v1/auth/logout").status_code == 401


def test_login_form_without_its_token_is_refused(web: WebEnv) -> None:
    credentials = {"username": "op_a", "password": PASSWORD}
    # No token at all, as a cross-site form would post it.
    bare = web.client()
    r = bare.post("/masuk", data=credentials, follow_redirects=False)
    assert r.status_code == 403 and "Formulir masuk kedaluwarsa" in r.text
    assert SESSION_COOKIE not in r.cookies
    # A token that is not one the app signed.
    c = web.client()
    login_token(c)
    r = c.post("/masuk", data={**credentials, "csrf_token": "palsu"}, follow_redirects=False)
    assert r.status_code == 403 and SESSION_COOKIE not in r.cookies
    # A real token taken from another browser (the attacker's own), without its cookie.
    attacker = web.client()
    stolen = login_token(attacker)
    victim = web.client()
    victim.get("/masuk")
    r = victim.post("/masuk", data={**credentials, "csrf_token": stolen}, follow_redirects=False)
    assert r.status_code == 403 and SESSION_COOKIE not in r.cookies
    # The refusal is no failed login: nothing counted toward the lock-out.
    with web.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM web_login_attempt")).scalar() == 0
    # The refused page carries a fresh form that works.
    token = r.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    ok = victim.post("/masuk", data={**credentials, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"


def test_login_form_cookie_is_private_to_the_form(web: WebEnv) -> None:
    r = web.client().get("/masuk")
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith(LOGIN_CSRF_COOKIE)
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/masuk" in cookie
    assert 'name="csrf_token"' in r.text


def test_login_goes_back_only_to_a_page_of_this_site(web: WebEnv) -> None:
    for target, expected in (
        ("/usulan?x=1", "/usulan?x=1"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("https://evil.example/", "/"),
    ):
        c = web.client()
        data = {
            "username": "op_a",
            "password": PASSWORD,
            "next": target,
            "csrf_token": login_token(c),
        }
        r = c.post("/masuk", data=data, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == expected, target
