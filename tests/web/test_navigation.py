"""The header's menu: each role's pages, linked only once the application serves them."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, FastAPI
from webdata import WebEnv

from terpadu.access import ROLES
from terpadu.web.navigation import NAV, entries_for, served_paths


def _links(html: str, selector_class: str) -> list[str]:
    nav = re.search(rf'<nav class="{selector_class}"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, html[:2000]
    return re.findall(r'href="([^"]+)"', nav.group(1))


def test_served_paths_reach_into_included_routers() -> None:
    app = FastAPI()
    inner = APIRouter()
    inner.add_api_route("/dukcapil", lambda: {}, methods=["GET"])
    inner.add_api_route("/kirim", lambda: {}, methods=["POST"])
    outer = APIRouter()
    outer.include_router(inner, prefix="/rekonsiliasi")
    app.include_router(outer)
    served = served_paths(app)
    assert "/rekonsiliasi/dukcapil" in served
    assert "/rekonsiliasi/kirim" not in served  # not a page: POST only


def test_every_role_has_a_menu_and_unbuilt_pages_stay_out() -> None:
    every = frozenset(e.path for e in NAV)
    for role in ROLES:
        assert entries_for(role, every), role
    only_some = frozenset({"/", "/cari"})
    assert [e.path for e in entries_for("verifikator_kab", only_some)] == ["/", "/cari"]


@pytest.mark.parametrize(
    ("user", "present", "absent"),
    [
        ("op_a", ["/", "/cari", "/usulan", "/impor"], ["/pengguna"]),
        ("ver", ["/", "/usulan", "/impor", "/tautan"], ["/pengguna"]),
        ("adm", ["/", "/impor", "/pengguna"], []),
        ("ana", ["/", "/laporan"], ["/impor", "/pengguna"]),
        ("aud", ["/", "/usulan"], ["/impor", "/pengguna"]),
    ],
)
def test_the_page_menu_follows_the_role(
    web_sqlite: WebEnv, user: str, present: list[str], absent: list[str]
) -> None:
    client, _ = web_sqlite.page(user)
    html = client.get("/cari?q=siti&lang=id").text
    wide, phone = (
        _links(html, "wide"),
        re.findall(r'<details class="menu">.*?<nav[^>]*>(.*?)</nav>', html, re.S),
    )
    assert phone and re.findall(r'href="([^"]+)"', phone[0]) == wide
    for path in present:
        assert path in wide, (user, path, wide)
    for path in absent:
        assert path not in wide, (user, path, wide)
    served = served_paths(web_sqlite.app)
    assert all(path in served for path in wide)  # nothing in the menu 404s
    assert re.search(r'<a href="/cari" aria-current="page">', html)
    # The language switch keeps the page and what was searched.
    switch = re.search(r'<a class="lang" href="([^"]+)"', html)
    assert switch and switch.group(1).startswith("/cari?")
    assert "q=siti" in switch.group(1) and "lang=en" in switch.group(1)


def test_the_header_speaks_the_pages_language(web_sqlite: WebEnv) -> None:
    client, _ = web_sqlite.page("ana")
    english = client.get("/?lang=en").text
    assert "national analyst" in english and "· national" in english
    assert "nasional" not in english.split("</header>")[0]
    indonesian = client.get("/?lang=id").text
    assert "analis pusat" in indonesian and "· nasional" in indonesian


def test_pages_built_later_join_the_menu_of_their_roles(web_sqlite: WebEnv) -> None:
    """Once /edisi, /audit... are served they are linked, each for its roles only, and a
    menu of more than 8 pages gets its own row (class "long")."""
    from fastapi.responses import HTMLResponse

    later = ("/edisi", "/simulasi", "/rekonsiliasi/dukcapil", "/rekonsiliasi/pembayaran", "/audit")
    for path in later:
        web_sqlite.app.add_api_route(path, lambda: HTMLResponse("-"), methods=["GET"])
    expected = {
        "op_a": set(),
        "ver": {"/edisi", "/simulasi", "/rekonsiliasi/dukcapil", "/rekonsiliasi/pembayaran"},
        "adm": set(later),
        "ana": {"/edisi", "/simulasi"},
        "aud": {"/edisi", "/audit"},
    }
    for user, paths in expected.items():
        client, _ = web_sqlite.page(user)
        html = client.get("/?lang=en").text
        wide = _links(html, "wide")
        assert {p for p in wide if p in later} == paths, user
        assert ('<header class="long">' in html) == (len(wide) > 8), (user, wide)
