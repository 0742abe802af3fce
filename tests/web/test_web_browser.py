"""The pages in a real browser: Playwright driving Debian's Chromium, headless.

A desa operator logs in, searches, opens a family and submits a proposal; a
kabupaten verifier verifies it and the province approves it. The dashboard's
screenshot is kept under test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from webdata import PASSWORD, WebEnv

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_or_skip() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = "Chromium not found: run 'sh scripts/setup.sh --dev' (installs Debian's chromium)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def server(web_sqlite: WebEnv) -> Iterator[str]:
    # The server gets the socket bound here: a port found free and bound later by the
    # server could be taken in between by another test worker.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(web_sqlite.app, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)
    sock.close()


def test_operator_proposes_and_verifiers_approve(server: str, web_sqlite: WebEnv) -> None:
    executable = _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            page = browser.new_page()

            def login(username: str) -> None:
                page.context.clear_cookies()
                page.goto(f"{server}/masuk")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                expect(page.locator("header .who")).to_contain_text(username)

            login("op_a")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
            assert (ARTIFACTS / "dashboard.png").stat().st_size > 1000

            page.goto(f"{server}/cari")
            page.fill("input[name=q]", "siti aminah")
            page.keyboard.press("Enter")
            link = page.locator("table.results a", has_text="Siti Aminah")
            expect(link).to_be_visible()
            link.click()
            expect(page.locator("h1")).to_contain_text(web_sqlite.family("K1"))
            expect(page.locator("main")).to_contain_text("3604051507870001")  # own desa: full NIK

            page.click("nav.actions a[href$='jenis=koreksi']")
            expect(page.locator("input[name=alamat]")).to_have_value("Kp. Baru")
            page.fill("input[name=alamat]", "Kp. Baru Permai")
            page.click("main form button[type=submit]")
            expect(page.locator(".state")).to_have_text("diajukan")
            proposal_url = page.url

            for username, action, state in (
                ("ver", "verify", "diverifikasi"),
                ("adm", "approve", "disetujui"),
            ):
                login(username)
                page.goto(
                    f"{server}/usulan?tahap={'submitted' if action == 'verify' else 'verified'}"
                )
                page.locator("a", has_text="USL").first.click()
                assert page.url == proposal_url
                page.click(f"form.actions button[value={action}]")
                expect(page.locator(".state")).to_have_text(state)

            page.goto(f"{server}/keluarga/{web_sqlite.family('K1')}")
            expect(page.locator("main")).to_contain_text("Kp. Baru Permai")

            login("aud")
            page.goto(f"{server}/keluarga/K1?lang=en")
            expect(page.locator("main")).to_contain_text("3604********0001")
            expect(page.locator("main")).to_contain_text("Members")
        finally:
            browser.close()
