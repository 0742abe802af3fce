"""Each role's day in a real browser, at desktop (1280 px) and phone (390 px) widths.

Every role logs in through the login form and opens each page of its menu plus the
pages its daily tasks lead to (a family, a person, its explanation, a proposal and the
proposal forms, an import's result, a complaint with its receive form and receipt, the
diff of two editions, the audit chain check, a Dukcapil check's, a payment reconciliation's
and a simulation's page), in Bahasa Indonesia and in English. A page fails on:

* a status of 400 or more, for the page or any of its assets;
* horizontal overflow (the document wider than the window: a phone user scrolls sideways);
* an untranslated catalogue key (``web.xxx``) or a snake_case field name (``luas_lantai``);
* a raw code where a name belongs (a JK/Hubungan column whose cells are digits);
* English tell-tale words on an Indonesian page, Indonesian ones on ``?lang=en``,
  and thousands grouped the other language's way ("1.234" on an English page);
* "None"/"nan" where a value is missing.

With ``TERPADU_SCREENSHOTS=1`` each Indonesian page is saved, both widths, under
``docs/panduan/img/<role>-<page>-<width>.png`` for the user guide (small palette PNGs);
without it nothing is written, so a test run never rewrites the committed pictures.

Pages still being built, and faults on pages whose templates are changed elsewhere, are
``xfail(strict=False)`` with their reason (``KNOWN``): an XPASS says the mark can go.
"""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from ranked import rank
from sqlalchemy.orm import Session
from test_web_browser import ARGS, _chromium_or_skip
from test_web_programs import _enrol
from webdata import DESA_A, PASSWORD, USERS, WebEnv, build_env

from terpadu.access import Actor, allows
from terpadu.locale.catalogue import MESSAGES
from terpadu.store.models.linkage import ReviewPair
from terpadu.verval import create_proposal
from terpadu.verval.decisions import approve, submit, verify
from terpadu.web.navigation import NAV, entries_for, served_paths

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "docs" / "panduan" / "img"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
LANGS = ("id", "en")

# One account per role (the web fixtures' users, and a system admin).
ACCOUNTS = {
    "operator_desa": "op_a",
    "verifikator_kab": "ver",
    "admin_provinsi": "adm",
    "analis_pusat": "ana",
    "auditor": "aud",
    "admin_sistem": "sys",
    "petugas_slrt": "slrt",
    "pekerja_sosial": "peksos",
}
# Page names (used in screenshot names and the guide) of the menu's paths.
NAV_PAGES = {
    "/": "beranda",
    "/cari": "cari",
    "/usulan": "usulan",
    "/impor": "impor",
    "/tautan": "tautan",
    "/program": "program",
    "/laporan": "laporan",
    "/pengaduan": "pengaduan",
    "/lembaga": "lembaga",
    "/sdm": "sdm",
    "/kasus": "kasus",
    "/edisi": "edisi",
    "/simulasi": "simulasi",
    "/rekonsiliasi/dukcapil": "rekon-dukcapil",
    "/rekonsiliasi/pembayaran": "rekon-bayar",
    "/audit": "audit",
    "/pengguna": "pengguna",
}
# Pages a daily task leads to, beyond the menu, and who reaches them: the roles with that
# menu path, or (a bare word) the roles holding that permission.
TASK_PAGES: dict[str, str] = {
    "keluarga": "/cari",
    "orang": "/cari",
    "penjelasan": "/cari",
    "usulan-detail": "/cari",
    "usulan-form": "propose",
    "usulan-anggota": "propose",
    "keluarga-baru": "propose",
    "impor-hasil": "/impor",
    "pengaduan-baru": "/pengaduan",
    "pengaduan-detail": "/pengaduan",
    "pengaduan-tanda-terima": "/pengaduan",
    "edisi-beda": "/edisi",
    "audit-verifikasi": "/audit",
    "lembaga-detail": "/lembaga",
    "lembaga-keterisian": "/lembaga",
    "lembaga-akreditasi": "/lembaga",
    "lembaga-baru": "run_jobs",
    "lembaga-ubah": "run_jobs",
    "sdm-detail": "/sdm",
    "sdm-beban": "/sdm",
    "sdm-baru": "run_jobs",
    "sdm-ubah": "run_jobs",
    # Background work's pages, once done (the kab/kota verifier's runs).
    "rekon-dukcapil-tugas": "run_jobs",
    "rekon-bayar-hasil": "run_jobs",
    "simulasi-hasil": "/simulasi",
}
IMPORT_RESULT = "impor-hasil"
# The two editions the walk publishes (the diff page compares them).
EDITIONS = ("2026-10", "2026-11")
# Where a page's path differs from its menu entry: the search walks with a query.
WALK_QUERY = {"cari": "?q=siti"}
PERSON_PREFIXES = ("/orang/", "/anggota/", "/penduduk/", "/person/")

# Faults found on pages whose templates are changed elsewhere: (role or "*", page) -> why.
KNOWN: dict[tuple[str, str], str] = {}


def role_pages(role: str) -> list[str]:
    """The pages ``role`` walks: its menu (whether or not built yet), then its task pages."""
    every_path = frozenset(e.path for e in NAV)
    menu = [e.path for e in entries_for(role, every_path)]
    pages = [NAV_PAGES[path] for path in menu]
    for name, reached in TASK_PAGES.items():
        if reached in menu or (not reached.startswith("/") and allows(role, reached)):  # type: ignore[arg-type]
            pages.append(name)
    return pages


def _cases() -> list[Any]:
    cases = []
    for role in ACCOUNTS:
        for page in role_pages(role):
            why = KNOWN.get((role, page)) or KNOWN.get(("*", page))
            marks = [pytest.mark.xfail(reason=why, strict=False)] if why else []
            cases.append(pytest.param(role, page, marks=marks, id=f"{role}-{page}"))
    return cases


# -- what a page must not show ----------------------------------------------------------------
AREAS = sorted(p.stem for p in MESSAGES.glob("*.yaml"))
CATALOGUE_KEY = re.compile(rf"\b(?:{'|'.join(AREAS)})\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\b")
# Dotted codes such as an audit event "usulan.approve" (a file name "keluarga.csv" is fine).
DOTTED = re.compile(r"\b[a-z][a-z_]*\.(?!(?:csv|xlsx|xls|json|png|pdf|zip)\b)[a-z][a-z_]*\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# A file name as written to disk (a report in the reports folder) may hold underscores.
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|xlsx|xls|json|png|pdf|zip|parquet)\b")
# Lower-case identifiers with an underscore that a page may show as they are.
SNAKE_ALLOWED = {u for u in (*USERS, *ACCOUNTS.values())} | {"desa-kramatwatu"}
TELLTALES = {
    "id": ("done", "submitted", "approved", "rejected", "returned", "Save", "Cancel",
           "Members", "economic", "housing", "Search"),
    "en": ("aktif", "nonaktif", "persentil", "selesai", "Simpan", "Kirim", "Batal", "diajukan",
           "disetujui", "ditolak", "diverifikasi", "dikembalikan", "Beranda", "nasional"),
}  # fmt: skip
# A value shown as the programming language's "missing" (a whole cell or line of text).
MISSING = re.compile(r"^(?:None|nan|NaN|null|undefined)$", re.MULTILINE)
RAW_JSON = re.compile(r"[{\[]\s*\"[A-Za-z_]+\"\s*:")
# Thousands grouped the other language's way: "1.234" on an English page, "1,234" on an
# Indonesian one (a decimal shows at most two digits after its separator on these pages,
# or starts with 0: the report's M0 "0,400" is a decimal, as no grouped number starts so).
# Scores the pages show with three decimals ("Skor PMT 13,686"): a decimal, not a group.
THREE_DECIMALS = re.compile(r"(?:Skor PMT|PMT score)\s+\d+[.,]\d{3}\b")
FOREIGN_GROUPING = {
    "en": re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:\.\d{3})+(?![\d.,])"),
    "id": re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,.])"),
}
CODED_HEADERS = re.compile(
    r"^(?:jk|jenis kelamin|jenis_kelamin|hub_keluarga|sex|hubungan|hub\.?|hubungan keluarga|relationship|"
    r"status kawin|marital status|pendidikan|education|status bangunan|jenis lantai)$",
    re.IGNORECASE,
)

# The page's own-language text: hidden elements and anything marked with another language
# (the language switch) left out.
PAGE_TEXT_JS = """
(lang) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script,style,template')) continue;
    const marked = el.closest('[lang]');
    if (marked && marked.getAttribute('lang') !== lang) continue;
    if (!el.checkVisibility || !el.checkVisibility()) continue;
    const words = node.textContent.trim();
    if (words) out.push(words);
  }
  return out.join('\\n');
}
"""
OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const root = document.scrollingElement;
  if (root.scrollWidth <= width + 1) return null;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let inside = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p).overflowX;
        if (s === 'auto' || s === 'scroll' || s === 'hidden') { inside = true; break; }
      }
      if (!inside) wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                              + ' ' + Math.round(box.right) + 'px');
    }
  }
  return root.scrollWidth + 'px wide: ' + wide.slice(0, 4).join(', ');
}
"""
RAW_CODES_JS = """
(pattern) => {
  const headers = new RegExp(pattern, 'i');
  const found = [];
  for (const table of document.querySelectorAll('table')) {
    const heads = [...table.querySelectorAll('thead th, tr:first-child th')];
    heads.forEach((th, i) => {
      const label = th.textContent.trim();
      if (!headers.test(label)) return;
      const cells = [...table.querySelectorAll('tbody tr')].map(r => r.children[i])
        .filter(c => c).map(c => c.textContent.trim()).filter(t => t);
      if (cells.length && cells.every(t => /^\\d+$/.test(t)))
        found.push(label + ': ' + cells.slice(0, 3).join(', '));
    });
  }
  // Tables laid out sideways: a row headed JK/Hubungan whose cells are digits.
  for (const row of document.querySelectorAll('tbody tr')) {
    const th = row.querySelector('th');
    if (!th || !headers.test(th.textContent.trim())) continue;
    const cells = [...row.querySelectorAll('td')].map(c => c.textContent.trim()).filter(t => t);
    if (cells.length && cells.every(t => /^\\d+$/.test(t)))
      found.push(th.textContent.trim() + ': ' + cells.slice(0, 3).join(', '));
  }
  return found;
}
"""


HEADLESS_TABLES_JS = """
() => [...document.querySelectorAll('main table')]
  .filter(t => t.checkVisibility() && !t.querySelector('th'))
  .map(t => (t.closest('section')?.querySelector('h2')?.textContent || 'table').trim())
"""


def page_faults(text_: str, lang: str) -> list[str]:
    """What the visible text of a page in ``lang`` must not hold."""
    faults = []
    for key in sorted(set(CATALOGUE_KEY.findall(text_))):
        faults.append(f"untranslated key {key!r}")
    for code in sorted(set(DOTTED.findall(text_)) - set(CATALOGUE_KEY.findall(text_))):
        faults.append(f"code {code!r}")
    for word in sorted(set(SNAKE.findall(FILE_NAME.sub("", text_))) - SNAKE_ALLOWED):
        faults.append(f"field name {word!r}")
    for word in TELLTALES[lang]:
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text_):
            faults.append(f"{'English' if lang == 'id' else 'Indonesian'} word {word!r}")
    for word in sorted(set(MISSING.findall(text_))):
        faults.append(f"missing value shown as {word!r}")
    if RAW_JSON.search(text_):
        faults.append("raw JSON")
    for number in sorted(set(FOREIGN_GROUPING[lang].findall(THREE_DECIMALS.sub("", text_)))):
        faults.append(f"number {number!r} grouped the other language's way")
    return faults


# -- the registry, the server, the browser ----------------------------------------------------
@dataclass
class Walk:
    env: WebEnv
    base: str
    proposal: str
    import_job: str
    complaint: str
    browser: Any
    runs: dict[str, str] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)


def _publish_editions(env: WebEnv) -> None:
    """Two editions with an approved correction (desa B) between them."""
    admin, admin_csrf = env.page("adm")
    for period in EDITIONS:
        r = admin.post(
            "/edisi", data={"period": period, "note": "SK Kadis", "csrf_token": admin_csrf},
            follow_redirects=False,
        )  # fmt: skip
        assert r.status_code == 303, r.text
        if period == EDITIONS[0]:
            config = env.app.state.terpadu.workflow()
            operator = Actor("op_b", "operator_desa", USERS["op_b"][1])
            pid = create_proposal(
                env.engine, operator, "correct", family_id=env.families["K2"],
                values={"alamat": "Kp. Anyar"},
            )  # fmt: skip
            submit(env.engine, operator, pid, config=config)
            verify(env.engine, Actor("ver", *USERS["ver"]), pid, config=config)
            approve(env.engine, Actor("adm", *USERS["adm"]), pid, config=config)


def _background_runs(env: WebEnv) -> dict[str, str]:
    """A Dukcapil check (one row outside the region, refused), a payment reconciliation and
    a simulation, run by the kab/kota verifier: their pages' paths."""
    client, csrf = env.page("ver")
    extract = (
        "NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,STATUS,TGL_MENINGGAL,KODE_WILAYAH\n"
        "3604051507870001,AHMAD BIN SALIM,1987-07-15,L,HIDUP,,\n"
        "3604054107870002,SITI AMINAH,1987-07-01,P,MENINGGAL,2025-03-01,\n"
        "3201010101800001,ORANG LUAR,1980-01-01,L,HIDUP,,3201010001\n"
    )
    payments = (
        "PROGRAM,PERIODE,NIK,NO_KK,NOMINAL,STATUS,TANGGAL\n"
        "pkh,2026-11,3604051507870001,,900000,BERHASIL,2026-11-20\n"
        "pkh,2026-11,3604050203900003,,900000,SALDO_NOL,2026-11-20\n"
    )
    posts = {
        "rekon-dukcapil-tugas": ("/rekonsiliasi/dukcapil", {},
                                 {"extract": ("dukcapil.csv", extract.encode(), "text/csv")}),
        "rekon-bayar-hasil": ("/rekonsiliasi/pembayaran", {},
                              {"penyaluran": ("bank-nov.csv", payments.encode(), "text/csv")}),
        "simulasi-hasil": ("/simulasi", {"program": "sembako", "period": "2026-11",
                                         "quota_lines": "3604 = 1"}, None),
    }  # fmt: skip
    runs = {}
    for name, (path, data, files) in posts.items():
        r = client.post(
            path, data={"csrf_token": csrf, **data}, files=files, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        runs[name] = r.headers["location"]
    return runs


def _seed(env: WebEnv) -> tuple[str, str, str]:
    """Two editions, a welfare ranking and a programme's enrolment (the programme and report
    pages show their tables and charts), a submitted proposal, an import with problems and a
    complaint (desa A), and a pair to review."""
    _publish_editions(env)
    # /laporan shows the poverty profile and the TKPK report, /program the enrolment.
    rank(env)
    _enrol(env)
    client, csrf = env.page("op_a")
    r = client.post(
        f"/keluarga/{env.family('K1')}/usulan",
        data={"kind": "correct", "alamat": "Kp. Baru Permai",
              "note": "Pindah gang", "submit_now": "1", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    proposal = r.headers["location"]
    keluarga = f"ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT,RT,RW\nK6,3604052001100006,{DESA_A},Kp. Sawah,002,001\n"
    anggota = (
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
        "A6,K6,3604052308850006,Rahmat,1,1985-08-23,1\n"
        "A7,K6,36040512,Salah Panjang,2,1986-08-22,2\n"
    )
    r = client.post(
        "/impor",
        files={"keluarga": ("keluarga.csv", keluarga.encode()), "anggota": ("anggota.csv", anggota.encode())},
        data={"source": "desa-sawah", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    import_job = r.headers["location"]
    r = client.post(
        "/pengaduan",
        data={"category": "wrong_data", "channel": "walk_in", "kode_wilayah": DESA_A,
              "complainant_name": "Siti Aminah", "complainant_contact": "0812 0000 0000",
              "description": "Alamat di KK belum sesuai", "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    complaint = r.headers["location"].removesuffix("/tanda-terima")
    members = env.api("op_a").get(f"/api/v1/families/{env.family('K1')}").json()["members"]
    members += env.api("ver").get(f"/api/v1/families/{env.family('K2')}").json()["members"]
    persons = {m["nama"]: int(m["person_id"][3:]) for m in members}
    explanation = [
        {"comparison": "nik", "level": "beda", "weight": -3.0,
         "left": "3604051507870001", "right": "3604050203900003"},
        {"comparison": "sex", "level": "sama", "weight": 1.0, "left": 1, "right": 1},
        {"comparison": "region", "level": "sama", "weight": 2.0, "left": DESA_A, "right": DESA_A},
    ]  # fmt: skip
    with Session(env.engine) as session, session.begin():
        session.add(
            ReviewPair(
                run_id=1, person_a=persons["Ahmad bin Salim"], person_b=persons["Joko Susilo"],
                match_probability=0.62, match_weight=0.5, explanation=explanation,
                state="pending", kode_wilayah=DESA_A,
            )
        )  # fmt: skip
    _seed_social(env)
    return proposal, import_job, complaint


def _seed_social(env: WebEnv) -> None:
    """A panti of desa A with Ahmad living there (its accreditation expiring) and a TKSK."""
    import datetime as dt

    from terpadu.services.institutions import admit
    from terpadu.services.social_records import (
        InstitutionForm,
        WorkerForm,
        record_accreditation,
        save_institution,
        save_worker,
    )

    staff = Actor("ver", *USERS["ver"])
    form = InstitutionForm("LKS-3604-001", "Panti Asuhan Harapan Bangsa", "panti", "children",
                           "community", DESA_A, legal_status="Yayasan", capacity=1500,
                           staff_count=12, address="Jl. Raya Kramatwatu 7")  # fmt: skip
    home = save_institution(env.engine, staff, form)
    today = dt.date.today()
    record_accreditation(env.engine, staff, home, grade="B", accredited_on=dt.date(2022, 1, 5),
                         expires=today + dt.timedelta(days=60))  # fmt: skip
    with Session(env.engine) as session:
        from terpadu.store.models.registry import Person

        ahmad = session.query(Person.id).filter(Person.nama == "Ahmad bin Salim").scalar()
    admit(env.engine, staff, home, person_id=int(ahmad or 0), admitted_on=dt.date(2026, 10, 1),
          reason="Anak terlantar")  # fmt: skip
    save_worker(env.engine, staff, WorkerForm("3604050101800011", "Rina Marlina", "tksk", "360405"))


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    from terpadu.store import make_engine, upgrade

    tmp = tmp_path_factory.mktemp("walk")
    engine = make_engine(f"sqlite:///{tmp / 'web.db'}")
    upgrade(engine)
    env = build_env(engine, tmp, {**USERS, "sys": ("admin_sistem", None)})
    proposal, import_job, complaint = _seed(env)
    runs = _background_runs(env)
    # The server gets the socket bound here: a port found free and bound later could be
    # taken in between by another test worker.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(env.app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
            try:
                yield Walk(
                    env, f"http://127.0.0.1:{port}", proposal, import_job, complaint, browser,
                    runs,
                )  # fmt: skip
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()
        engine.dispose()


def logged_in(walk: Walk, role: str) -> Any:
    """A browser page of ``role``'s account, logged in through the login form (once)."""
    if role not in walk.pages:
        from playwright.sync_api import expect

        context = walk.browser.new_context(
            viewport=dict(zip(("width", "height"), WIDTHS["desktop"], strict=True))
        )
        page = context.new_page()
        page.goto(f"{walk.base}/masuk")
        page.fill("input[name=username]", ACCOUNTS[role])
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("header .who")).to_contain_text(ACCOUNTS[role])
        walk.pages[role] = page
    return walk.pages[role]


def _served(walk: Walk) -> set[str]:
    return set(served_paths(walk.env.app))


def page_url(walk: Walk, page: Any, name: str) -> str:
    """The path of page ``name`` as ``page``'s user reaches it; xfail when not built yet."""
    served = _served(walk)
    reverse = {v: k for k, v in NAV_PAGES.items()}
    if name in reverse:
        path = reverse[name]
        if path not in served:
            pytest.xfail(f"{path} is not built yet")
        return path + WALK_QUERY.get(name, "")
    family = f"/keluarga/{walk.env.family('K1')}"
    fixed = {
        "keluarga": family,
        "penjelasan": f"{family}/penjelasan",
        "usulan-form": f"{family}/usulan",
        "keluarga-baru": "/keluarga-baru",
        "usulan-detail": walk.proposal,
        IMPORT_RESULT: walk.import_job,
        "pengaduan-baru": "/pengaduan/baru",
        "pengaduan-detail": walk.complaint,
        "pengaduan-tanda-terima": f"{walk.complaint}/tanda-terima",
        "edisi-beda": f"/edisi/{EDITIONS[0]}/beda/{EDITIONS[1]}",
        "audit-verifikasi": "/audit/verifikasi",
    }
    social = _social_urls(walk)
    fixed.update(social)
    if name in fixed:
        return fixed[name]
    if name in walk.runs:
        return walk.runs[name]
    if name == "usulan-anggota":
        return page_url(walk, page, "orang") + "/usulan"
    if name == "orang":
        prefixes = [p for p in PERSON_PREFIXES if any(s.startswith(p) for s in served)]
        if not prefixes:
            pytest.xfail("no person page yet")
        page.goto(f"{walk.base}/keluarga/{walk.env.family('K1')}")
        hrefs = page.eval_on_selector_all(
            "main a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        person = next((h for h in hrefs if h.startswith(tuple(prefixes))), None)
        assert person, f"the family page links no person page ({prefixes[0]}...)"
        return str(person)
    raise AssertionError(name)


def _social_urls(walk: Walk) -> dict[str, str]:
    with walk.env.engine.connect() as conn:
        home = conn.exec_driver_sql("SELECT min(id) FROM institution").scalar()
        worker = conn.exec_driver_sql("SELECT min(id) FROM social_worker").scalar()
    return {
        "lembaga-detail": f"/lembaga/{home}",
        "lembaga-keterisian": "/lembaga/keterisian?tingkat=6",
        "lembaga-akreditasi": "/lembaga/akreditasi",
        "lembaga-baru": "/lembaga/baru",
        "lembaga-ubah": f"/lembaga/{home}/ubah",
        "sdm-detail": f"/sdm/{worker}",
        "sdm-beban": "/sdm/beban?peran=tksk",
        "sdm-baru": "/sdm/baru",
        "sdm-ubah": f"/sdm/{worker}/ubah",
    }


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def visit(walk: Walk, page: Any, url: str, lang: str) -> list[str]:
    """Open ``url`` in ``lang`` and list what is wrong with it."""
    bad: list[str] = []

    def heard(response: Any) -> None:
        if response.status >= 400:
            bad.append(f"{response.status} for {response.url.removeprefix(walk.base)}")

    def failed(request: Any) -> None:
        # The browser fetches the icon on its own after "load"; the next page's navigation
        # aborts it. A missing icon still shows as a 404 above.
        if request.failure == "net::ERR_ABORTED" and "favicon" in request.url:
            return
        bad.append(f"request failed: {request.url.removeprefix(walk.base)} ({request.failure})")

    page.on("response", heard)
    page.on("requestfailed", failed)
    try:
        response = page.goto(walk.base + _with_lang(url, lang), wait_until="load")
        assert response is not None
    finally:
        page.remove_listener("response", heard)
        page.remove_listener("requestfailed", failed)
    faults = list(bad)
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow:
        faults.append(f"horizontal overflow: {overflow}")
    faults += [f"raw codes under {c}" for c in page.evaluate(RAW_CODES_JS, CODED_HEADERS.pattern)]
    faults += [f"a table without headers ({t})" for t in page.evaluate(HEADLESS_TABLES_JS)]
    faults += page_faults(page.evaluate(PAGE_TEXT_JS, lang), lang)
    return faults


def screenshot(page: Any, target: Path, *, full_page: bool = True) -> None:
    """A small palette PNG of the page's top (the guide shows what a user sees first)."""
    from PIL import Image

    raw = page.screenshot(full_page=full_page)
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    width, height = image.size
    image = image.crop((0, 0, width, min(height, 2 * page.viewport_size["height"])))
    target.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=48, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


@pytest.mark.parametrize(("role", "name"), _cases())
def test_role_walks_page(walk: Walk, role: str, name: str) -> None:
    page = logged_in(walk, role)
    faults: list[str] = []
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        url = page_url(walk, page, name)
        for lang in LANGS:
            faults += [f"[{width} {lang}] {url}: {f}" for f in visit(walk, page, url, lang)]
            if lang == "id" and os.environ.get("TERPADU_SCREENSHOTS") == "1":
                screenshot(page, SHOTS / f"{role}-{name}-{width}.png")
    assert not faults, "\n".join(faults)


# -- the menu ---------------------------------------------------------------------------------
def _menu(page: Any, selector: str) -> list[str]:
    return list(
        page.eval_on_selector_all(f"{selector} a", "els => els.map(e => e.getAttribute('href'))")
    )


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_menu_shows_the_roles_pages_at_both_widths(walk: Walk, role: str) -> None:
    """Desktop: the links in one row; phone: behind a Menu that opens without JavaScript."""
    from playwright.sync_api import expect

    page = logged_in(walk, role)
    expected = [e.path for e in entries_for(role, frozenset(_served(walk)))]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{walk.base}/?lang=id")
    assert _menu(page, "header nav.wide") == expected
    expect(page.locator("header nav.wide")).to_be_visible()
    expect(page.locator("details.menu")).to_be_hidden()
    header = page.locator("header").bounding_box()
    assert header is not None and header["height"] < 90, header

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{walk.base}/?lang=id")
    expect(page.locator("header nav.wide")).to_be_hidden()
    header = page.locator("header").bounding_box()
    assert header is not None and header["height"] < 60, f"the header wraps on a phone: {header}"
    menu = page.locator("details.menu nav")
    expect(menu).to_be_hidden()
    page.click("details.menu summary")
    expect(menu).to_be_visible()
    assert _menu(page, "details.menu nav") == expected
    for link in menu.locator("a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] >= 40, f"a menu link is too small to tap: {box}"
    assert page.evaluate(OVERFLOW_JS) is None, "the open menu widens the page"
    if os.environ.get("TERPADU_SCREENSHOTS") == "1":
        screenshot(page, SHOTS / f"{role}-menu-phone.png", full_page=False)
    current = page.locator("details.menu nav a[aria-current=page]")
    expect(current).to_have_attribute("href", "/")
    page.click("details.menu summary")
    expect(menu).to_be_hidden()


def test_language_switch_keeps_the_page_and_its_query(walk: Walk) -> None:
    from playwright.sync_api import expect

    page = logged_in(walk, "operator_desa")
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.goto(f"{walk.base}/cari?q=siti&lang=id")
        page.click("header .who a.lang")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert page.url.startswith(f"{walk.base}/cari?"), (width, page.url)
        assert "q=siti" in page.url and "lang=en" in page.url, (width, page.url)
        expect(page.locator("main")).to_contain_text("Siti Aminah")
        page.click("header .who a.lang")
        expect(page.locator("html")).to_have_attribute("lang", "id")


def test_page_faults_catch_what_they_are_for() -> None:
    """The checks themselves: each fault is found in a sample, and clean text passes."""
    assert page_faults("Skor PMT 13,69 · Peringkat 1.613 · Laki-laki · op_a", "id") == []
    assert page_faults("Indeks M0 0,400", "id") == []  # a decimal, not a grouped number
    assert page_faults("Laporan ditulis: rekonsiliasi_bank-nov.xlsx", "id") == []
    assert page_faults("Skor PMT 14,686 · Peringkat 1.613", "id") == []
    assert page_faults("PMT score 14.686 · Rank 1,613", "en") == []
    assert page_faults("Keluarga 14,686", "id") != []  # elsewhere still a foreign grouping
    assert page_faults("M0 index 0.400", "en") == []
    assert page_faults("PMT score 13.69 · Rank 1,613 · Male · None yet.", "en") == []
    found = page_faults(
        'web.family_title luas_lantai usulan.approve done\nNone\n3,889 {"a": 1}', "id"
    )
    assert "raw JSON" in found
    assert any("code 'usulan.approve'" in f for f in found)
    assert any("'web.family_title'" in f for f in found)
    assert any("'luas_lantai'" in f for f in found)
    assert any("English word 'done'" in f for f in found)
    assert any("'None'" in f for f in found)
    assert any("'3,889'" in f for f in found)
    found = page_faults("Status aktif · persentil 40 · 1.613 families", "en")
    assert {"Indonesian word 'aktif'", "Indonesian word 'persentil'"} <= set(found)
    assert "number '1.613' grouped the other language's way" in found


def test_phone_menu_and_forms_work_without_javascript(walk: Walk) -> None:
    """With JavaScript off: log in, open the phone menu, follow a link, search."""
    from playwright.sync_api import expect

    context = walk.browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        # The login page passes every check, in both languages (the walk's pages are behind it).
        # (Indonesian last: ?lang= is kept in a cookie for the pages after it.)
        for lang in reversed(LANGS):
            assert visit(walk, page, "/masuk", lang) == [], lang
        page.fill("input[name=username]", "ver")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("details.menu summary")
        page.click("details.menu nav a[href='/cari']")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        assert page.url.endswith("/cari")
        page.fill("input[name=q]", "siti")
        page.click("form.search button[type=submit]")
        expect(page.locator("main")).to_contain_text("Siti Aminah")
        assert page.evaluate(OVERFLOW_JS) is None
    finally:
        context.close()


def test_keyboard_reaches_the_content_past_the_menu(walk: Walk) -> None:
    from playwright.sync_api import expect

    page = logged_in(walk, "verifikator_kab")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{walk.base}/usulan?lang=id")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
