"""Masking holds: no route or export lets a masked role rebuild a NIK or KK number.

A NIK is the kecamatan code (6 digits), the birth date (DDMMYY, DD+40 for women)
and a 4-digit serial, so hiding its middle is not enough when the same answer
shows the region code, the birth date and the sex. For every masked role this
test walks every GET route of the application (taken from ``app.routes``, so a
route added later is walked too; ids come from the fixture registry), the
exports they serve (BNBA CSV, problem lists in CSV and XLSX) and a comment's
answer, collects the whole text and plays the attacker: any 16-digit number, and
every NIK buildable from any region code, any date, either sex and any masked
fragment shown. None of the registry's NIKs or KK numbers may come out, nor a
full birth date, a mother's name or an address. The unmasked verifier walks the
same routes and must see them all, and the attack must rebuild a NIK from its
answers once their full NIKs are masked (so the attacker is shown to work).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session
from test_web_control_chars import all_routes
from webdata import DESA_A, DESA_B, USERS, WebEnv

from terpadu.access import allows, mask_nik
from terpadu.store.ids import person_code
from terpadu.store.models.linkage import ReviewPair

MASKED_USERS = tuple(u for u, (role, _) in USERS.items() if not allows(role, "see_full_nik"))
FULL_USER = "ver"  # the kab/kota verifier: both desa in scope, sees everything

NEW_NIK = "3604051507870009"  # the NIK a correction proposes for Ahmad
NEW_FAMILY_KK = "3604052512200005"
NEW_MEMBER_NIK = "3604056512950004"  # a woman born 1995-12-25 (DD + 40)
IMPORT_KK = "3604052001100006"
IMPORT_NIK = "3604052208850006"  # born 1985-08-22, imported with another birth date
MOTHER = "Fatimah Zahra"
ADDRESS = "Kp. Baru"
SECRET_DATES = ("1987-07-15", "1987-07-01", "1990-03-02", "1995-12-25", "1985-08-22")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIPPED_PATHS = {"/api/v1/openapi.json", "/api/v1/docs", "/docs/oauth2-redirect"}
STATES = ("draft", "submitted", "verified", "approved", "rejected", "returned")


@dataclass
class Registry:
    """The fixture registry's ids (to fill route paths) and what must stay hidden."""

    families: list[str]
    proposals: list[int]
    jobs: list[int]
    persons: list[str]
    dukcapil_check: int = 0
    dukcapil_job: str = "0123456789abcdef"
    complaint: str = ""
    referral: int = 0
    institution: int = 0
    worker: int = 0
    list_upload: str = "0123456789abcdef"  # desa A's operator's complaints log upload
    held: set[str] = field(default_factory=set)  # NIKs and KK numbers held or proposed
    numbers: set[str] = field(default_factory=set)  # those and the ones only an import quoted


def _post(client: TestClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(url, json=body)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def _proposals(web: WebEnv, persons: dict[str, str]) -> list[int]:
    """A NIK correction, a birth date and mother's name correction, a KK and address
    correction and a new family, submitted; a comment quoting a NIK; one verified."""
    op = web.api("op_a")
    k1 = web.family("K1")
    bodies = [
        {"kind": "correct", "family_id": k1, "person_id": persons["Ahmad bin Salim"],
         "values": {"nik": NEW_NIK}},
        {"kind": "correct", "family_id": k1, "person_id": persons["Siti Aminah"],
         "values": {"tgl_lahir": "1987-07-02", "nama_ibu_kandung": MOTHER}},
        {"kind": "correct", "family_id": k1, "values": {"no_kk": "3604051507870077",
                                                        "alamat": "Kp. Baru Tengah"}},
        {"kind": "new_family", "values": {"kode_wilayah": DESA_A, "no_kk": NEW_FAMILY_KK,
                                          "alamat": ADDRESS},
         "members": [{"nama": "Dewi Lestari", "nik": NEW_MEMBER_NIK, "jenis_kelamin": 2,
                      "tgl_lahir": "1995-12-25", "nama_ibu_kandung": MOTHER}]},
    ]  # fmt: skip
    ids = []
    for body in bodies:
        pid = int(_post(op, "/api/v1/proposals", body)["id"])
        _post(op, f"/api/v1/proposals/{pid}/submit", {})
        ids.append(pid)
    ver = web.api(FULL_USER)
    _post(ver, f"/api/v1/proposals/{ids[0]}/comments", {"body": "NIK lama 3604051507870001"})
    _post(ver, f"/api/v1/proposals/{ids[1]}/verify", {})
    return ids


def _review_pair(web: WebEnv, persons: dict[str, str]) -> None:
    a = int(persons["Ahmad bin Salim"][3:])
    b = int(persons["Joko Susilo"][3:])
    explanation = [
        {"comparison": "nik", "level": "beda", "weight": -3.0,
         "left": "3604051507870001", "right": "3604050203900003"},
        {"comparison": "dob", "level": "beda", "weight": -2.0,
         "left": "1987-07-15", "right": "1990-03-02"},
        {"comparison": "sex", "level": "sama", "weight": 1.0, "left": 1, "right": 1},
        {"comparison": "household", "level": "beda", "weight": 0.0,
         "left": MOTHER.lower(), "right": None},
        {"comparison": "region", "level": "sama", "weight": 2.0,
         "left": DESA_A, "right": DESA_B},
    ]  # fmt: skip
    with Session(web.engine) as session, session.begin():
        session.add(
            ReviewPair(
                run_id=1, person_a=a, person_b=b, match_probability=0.6, match_weight=0.5,
                explanation=explanation, state="pending", kode_wilayah=DESA_A,
            )
        )  # fmt: skip


def _enrol(web: WebEnv) -> None:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO targeting_run (id, program, program_version, program_sha256, "
                "program_config, period, reference_date, engine, snapshot_sha256, "
                "enrolled_sha256, is_current, status, actor, started_at, quota_total, "
                "families_assessed, families_eligible, families_enrolled, total_nominal) "
                "VALUES (1, 'pkh', '2026.1', 'x', 'id: pkh', '2026-11', :d, 'duckdb', 'x', 'x', "
                "1, 'berlaku', 'test', :t, 2, 2, 2, 2, 1000)"
            ),
            {"d": now.date(), "t": now},
        )
        for i, (key, desa, nik) in enumerate(
            (("K1", DESA_A, "3604051507870001"), ("K2", DESA_B, "3604050203900003")), start=1
        ):
            conn.execute(
                text(
                    "INSERT INTO enrolment (id, run_id, program, program_version, period, "
                    "family_id, kode_wilayah, kuota_wilayah, nik_penerima, nama_penerima, desil, "
                    "peringkat, komponen, nominal, is_current, enrolled_at) VALUES (:i, 1, "
                    "'pkh', '2026.1', '2026-11', :f, :k, '3604', :nik, 'Penerima', 1, :i, "
                    "'anak_sd:1', 900000, 1, :t)"
                ),
                {"i": i, "f": web.families[key], "k": desa, "nik": nik, "t": now},
            )


def _import_with_problems(web: WebEnv) -> int:
    """An import by the desa A operator whose problem list quotes NIKs and birth dates."""
    keluarga = f"ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT\nK6,{IMPORT_KK},{DESA_A},{ADDRESS}\n"
    anggota = (
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,NAMA_IBU_KANDUNG\n"
        f"A6,K6,{IMPORT_NIK},Rahmat,1,1985-08-23,{MOTHER}\n"
        "A7,K6,3604051507870001,Ahmad Kembar,1,1987-07-15,\n"
        "A8,K6,36040512,Salah Panjang,1,1985-08-22,\n"
    )
    r = web.api("op_a").post(
        "/api/v1/imports",
        files={"keluarga": ("k.csv", keluarga.encode()), "anggota": ("a.csv", anggota.encode())},
        data={"source": "desa-masalah"},
    )
    assert r.status_code == 202, r.text
    job = web.api("op_a").get(f"/api/v1/imports/{r.json()['id']}").json()
    assert job["status"] == "done", job["message"]
    assert job["summary"]["issues"] > 0
    return int(job["id"])


def _publish(web: WebEnv, period: str) -> None:
    client, csrf = web.page("adm")
    r = client.post("/edisi", data={"csrf_token": csrf, "period": period}, follow_redirects=False)
    assert r.status_code == 303, r.text


def _dukcapil_check(web: WebEnv) -> tuple[int, str]:
    """A Dukcapil answer that disagrees on names, birth dates and life."""
    extract = (
        "NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,STATUS,TGL_MENINGGAL\n"
        "3604051507870001,AHMAD SALIM,1987-07-16,L,HIDUP,\n"
        "3604054107870002,SITI AMINAH,1987-07-01,P,MENINGGAL,2025-03-01\n"
    )
    client, csrf = web.page(FULL_USER)
    r = client.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("dukcapil.csv", extract.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job = r.headers["location"]
    found = re.search(r'href="/rekonsiliasi/dukcapil/(\d+)"', client.get(job).text)
    assert found is not None
    return int(found.group(1)), job.rsplit("/", 1)[1]


def _complaint(web: WebEnv) -> tuple[str, int]:
    """A complaint about K1 quoting a member's NIK, checked and referred."""
    from terpadu.access import Actor
    from terpadu.services import check_registry, receive, refer

    operator = Actor("op_a", "operator_desa", "3604052001")
    receipt = receive(
        web.engine,
        operator,
        category="wrong_data",
        channel="walk_in",
        kode_wilayah="3604052001",
        complainant_name="Siti Aminah",
        description="NIK 3604051507870001 salah tulis",
        subject_nik="3604051507870001",
    )
    check_registry(web.engine, operator, receipt.complaint_id, family_id=web.families["K1"])
    referral = refer(
        web.engine,
        operator,
        receipt.complaint_id,
        service="civil_registry",
        institution="Disdukcapil",
    )
    return receipt.tracking, referral


def _social(web: WebEnv) -> tuple[int, int]:
    """A panti of desa A with Ahmad living there, and a TKSK of desa A."""
    from terpadu.access import Actor
    from terpadu.services.institutions import admit
    from terpadu.services.social_records import (
        InstitutionForm,
        WorkerForm,
        save_institution,
        save_worker,
    )

    staff = Actor(FULL_USER, "verifikator_kab", "3604")
    form = InstitutionForm("LKS-A", "Panti Desa A", "panti", "children", "community", DESA_A,
                           address="Jl. Panti 1")  # fmt: skip
    home = save_institution(web.engine, staff, form)
    with web.engine.connect() as conn:
        ahmad = conn.execute(text("SELECT id FROM person WHERE nama = 'Ahmad bin Salim'")).scalar()
    admit(web.engine, staff, home, person_id=int(ahmad or 0), admitted_on=dt.date(2026, 10, 1),
          reason="terlantar")  # fmt: skip
    worker = save_worker(
        web.engine, staff, WorkerForm("3604050101800011", "Rina TKSK", "tksk", DESA_A)
    )
    return home, worker


def _list_upload(web: WebEnv) -> str:
    """Desa A's complaints log uploaded by its (masked) operator, a row refused quoting a
    member's NIK: the problem file's token (only its uploader may download it)."""
    page, csrf = web.page("op_a")
    log = (
        "NO_PENGADUAN,TGL_PENGADUAN,KATEGORI,SALURAN,STATUS,KODE_WILAYAH,NAMA_PELAPOR,URAIAN,NIK\n"
        "SLRT-M1,2026-12-01,entah,desa,diterima,3604052001,Warga,Data salah,3604051507870001\n"
    )
    r = page.post("/pengaduan/impor", files={"daftar": ("p.csv", log.encode())},
                  data={"csrf_token": csrf})  # fmt: skip
    found = re.search(r"/impor-daftar/([0-9a-f]{16})/masalah", r.text)
    assert found is not None, r.text[:300]
    return found.group(1)


@pytest.fixture
def registry(web: WebEnv) -> Registry:
    _publish(web, "2026-10")
    members = web.api("op_a").get(f"/api/v1/families/{web.family('K1')}").json()["members"]
    members += web.api(FULL_USER).get(f"/api/v1/families/{web.family('K2')}").json()["members"]
    persons = {m["nama"]: m["person_id"] for m in members}
    proposals = _proposals(web, persons)
    _review_pair(web, persons)
    _enrol(web)
    job = _import_with_problems(web)
    _publish(web, "2026-11")  # the import's family and members between two editions
    check, check_job = _dukcapil_check(web)
    complaint, referral = _complaint(web)
    institution, worker = _social(web)
    list_upload = _list_upload(web)
    with web.engine.connect() as conn:
        family_ids = [int(i) for i in conn.execute(text("SELECT id FROM family")).scalars()]
        person_ids = [int(i) for i in conn.execute(text("SELECT id FROM person")).scalars()]
        held = [
            *conn.execute(text("SELECT nik FROM person WHERE nik IS NOT NULL")).scalars(),
            *conn.execute(text("SELECT no_kk FROM family WHERE no_kk IS NOT NULL")).scalars(),
        ]
    shown = {str(n) for n in held if len(str(n)) == 16}
    shown |= {NEW_NIK, NEW_FAMILY_KK, NEW_MEMBER_NIK, "3604051507870077"}
    return Registry(
        families=[f"KLG{i:010d}" for i in family_ids] + ["K1"],
        proposals=proposals,
        jobs=[job],
        persons=[person_code(i) for i in person_ids],
        dukcapil_check=check,
        dukcapil_job=check_job,
        complaint=complaint,
        referral=referral,
        institution=institution,
        worker=worker,
        list_upload=list_upload,
        held=shown,
        numbers=shown | {IMPORT_KK, IMPORT_NIK},
    )


# -- walking every route ---------------------------------------------------------------------
def _path_values(name: str, reg: Registry) -> list[str]:
    values: dict[str, list[str]] = {
        "family_ref": reg.families,
        "person_ref": reg.persons,
        # Evidence files of proposals (none in the fixture: a masked role is refused first).
        "evidence_id": ["1", "2"],
        "proposal_id": [str(p) for p in reg.proposals],
        "job_id": [str(j) for j in reg.jobs],
        "fmt": ["csv", "xlsx"],
        # A data-subject report is asked by NIK (refused to masked roles).
        "nik": sorted(reg.held)[:3],
        # Editions compared, a Dukcapil check, a page run's result and its tables.
        "a": ["2026-10"],
        "b": ["2026-11"],
        "check_id": [str(reg.dukcapil_check)],
        "token": ["0123456789abcdef", reg.dukcapil_job, reg.list_upload],
        # A complaint and its referral (complaint pages are refused to masked roles).
        "tracking": [reg.complaint],
        "referral_id": [str(reg.referral)],
        # A PPKS case (case pages and routes are refused to masked roles).
        "number": ["KAS-3604-000001"],
        "table": ["desil", "wilayah", "alasan", "rincian", "usulan"],
        # A panti with a resident, and a worker.
        "institution_id": [str(reg.institution)],
        "worker_id": [str(reg.worker)],
        # A TKPK report's tables (counts only).
        "key": ["program", "mutu_data", "rekap_kabkota"],
    }
    assert name in values, f"path parameter {name!r}: say here which fixture ids fill it"
    return values[name]


def _query_values(route: APIRoute, name: str, annotation: Any, reg: Registry) -> list[str] | None:
    """Values to try for a query parameter (None: leave it at its default)."""
    names = ["ahmad", "siti aminah", "joko", "budi", "dewi", "rahmat", "siti"]
    fillers: dict[str, list[str]] = {
        "q": [*names, *reg.persons, *reg.families[:2], *sorted(reg.numbers)],
        "program": ["pkh"],
        "periode": ["2026-11"],
        "region": ["36", "3604", "360405", DESA_A, DESA_B],
        "wilayah": ["", "36", "3604", "360405", DESA_A, DESA_B],
        "tahap": ["", *STATES],
        "purpose": ["permohonan subjek data 7"],
        "a": ["2026-10"],
        "b": ["2026-11"],
        "aksi": ["", "usulan.create", "import.batch"],
    }
    if name in fillers:
        return fillers[name]
    literal = _literal(annotation)
    if literal:
        return literal
    return None


def _literal(annotation: Any) -> list[str]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return [str(a) for a in args]
    if origin is typing.Annotated or args:
        return [v for a in args for v in _literal(a)]
    return []


def _urls(route: APIRoute, reg: Registry) -> list[tuple[str, dict[str, str]]]:
    dependant = route.dependant
    paths = [
        dict(zip([p.name for p in dependant.path_params], combo, strict=True))
        for combo in itertools.product(*[_path_values(p.name, reg) for p in dependant.path_params])
    ]
    query_choices: list[tuple[str, list[str]]] = []
    for param in dependant.query_params:
        values = _query_values(route, param.alias, param.field_info.annotation, reg)
        if values is None:
            assert not param.field_info.is_required(), (
                f"{route.path}: required query {param.alias!r} unfilled"
            )
            continue
        query_choices.append((param.alias, values))
    queries = [
        dict(zip([n for n, _ in query_choices], combo, strict=True))
        for combo in itertools.product(*[v for _, v in query_choices])
    ]
    return [(route.path.format(**p), q) for p in paths for q in queries]


def _text(response: Any) -> str:
    if response.headers.get("content-type", "").startswith(XLSX) or response.content[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = [
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
        return "\n".join(cells)
    return str(response.text)


def walk(web: WebEnv, reg: Registry, username: str) -> list[str]:
    """Every answer the user gets from every GET route (API and pages) and a comment."""
    api = web.api(username)
    page, _csrf = web.page(username)
    texts: list[str] = []
    walked = 0
    for route in all_routes(web.app.routes):
        if "GET" not in route.methods or route.path in SKIPPED_PATHS:
            continue
        client = api if route.path.startswith("/api/") else page
        for url, query in _urls(route, reg):
            response = client.get(url, params=query)
            assert response.status_code < 500, (url, query, response.text[:300])
            answer = _text(response)
            typed_path = [part for part in url.split("/") if len(part) == 16 and part.isdigit()]
            for typed in [*query.values(), *typed_path]:  # what was typed is echoed, not disclosed
                answer = answer.replace(typed, "<typed>") if len(typed) == 16 else answer
            texts.append(answer)
            walked += 1
    # A write whose answer carries a proposal (what a masked role may do: comment).
    r = api.post(f"/api/v1/proposals/{reg.proposals[0]}/comments", json={"body": "dicek"})
    texts.append(r.text)
    assert walked > 100
    return texts


# -- the attacker ----------------------------------------------------------------------------
_DATES = (
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"),  # ISO
    re.compile(r"(?<!\d)(\d{2})[-/](\d{2})[-/](\d{4})(?!\d)"),  # DD-MM-YYYY
)
_FRAGMENT = re.compile(r"(?<![\d*])(\d{4})\*{8}(\d{4})(?![\d*])")


def _joined(answer: str) -> str:
    """Digits written with separators (``3604.0515…``) joined up."""
    return re.sub(r"(?<=\d)[ .\-](?=\d)", "", answer)


def rebuilt(answer: str, numbers: set[str]) -> set[str]:
    """The NIKs/KK numbers of ``numbers`` an attacker gets from ``answer``: written in full,
    or rebuilt from any kecamatan code + any date + either sex + any masked fragment."""
    found = {n for n in numbers if n in answer or n in _joined(answer)}
    kecamatan = {run[:6] for run in re.findall(r"\d{6,}", _joined(answer))}
    days: set[tuple[int, int, int]] = set()
    for year, month, day in _DATES[0].findall(answer):
        days.add((int(day), int(month), int(year)))
    for day, month, year in _DATES[1].findall(answer):
        days.add((int(day), int(month), int(year)))
    fragments = set(_FRAGMENT.findall(answer))
    for (prefix, serial), kec, (day, month, year) in itertools.product(fragments, kecamatan, days):
        if not kec.startswith(prefix):
            continue
        for dd in (day, day + 40):  # men, women
            candidate = f"{kec}{dd:02d}{month:02d}{year % 100:02d}{serial}"
            if candidate in numbers:
                found.add(candidate)
    return found


def _around(number: str, answers: list[str]) -> list[str]:
    """Where ``number`` is written (or, if only rebuilt, where its masked form is)."""
    shown = [_joined(a) for a in answers if number in _joined(a)]
    fragment = mask_nik(number) or ""
    shown = shown or [a for a in answers if fragment in a]
    spots = [a.index(number if number in a else fragment) for a in shown[:2]]
    return [a[max(0, i - 150) : i + 50] for a, i in zip(shown, spots, strict=False)]


def _other_secrets(answer: str) -> list[str]:
    dates = [d for d in SECRET_DATES if d in answer or "-".join(d.split("-")[::-1]) in answer]
    words = [w for w in (MOTHER, MOTHER.lower(), ADDRESS) if w in answer]
    desa = [d for d in (DESA_A, DESA_B, "360405") if d in _person_parts(answer)]
    return dates + words + desa


def _person_parts(answer: str) -> str:
    """The parts of an answer that describe persons: aggregate tables (dashboard, poverty
    profile) name regions without persons and are not personal."""
    try:
        body = json.loads(answer)
    except ValueError:
        return ""
    keep = {"members", "items", "left", "right", "payload", "kode_wilayah", "wilayah"}

    def persons(value: Any, inside: bool) -> list[str]:
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in persons(v, inside or k in keep)]
        if isinstance(value, list):
            return [s for v in value for s in persons(v, inside)]
        return [str(value)] if inside else []

    return "\n".join(persons(body, False))


@pytest.mark.parametrize("username", MASKED_USERS)
def test_no_route_lets_a_masked_role_rebuild_a_nik(
    web: WebEnv, registry: Registry, username: str
) -> None:
    each = walk(web, registry, username)
    answers = "\n".join(each)
    # The walk reached every number (proposals, review pair, BNBA, problem list), masked.
    assert {n for n in registry.numbers if (mask_nik(n) or "") not in answers} == set()
    leaked = rebuilt(answers, registry.numbers)
    # Where each leaked number is written in full, to say which route needs the policy.
    assert {n: _around(n, each) for n in leaked} == {}
    assert re.findall(r"(?<!\d)3604\d{12}(?!\d)", _joined(answers)) == []
    leaks = [(s, a[:200]) for a in each for s in _other_secrets(a)]
    assert leaks == []


@pytest.mark.parametrize("username", MASKED_USERS)
def test_a_full_nik_search_is_refused_to_masked_roles(web: WebEnv, username: str) -> None:
    r = web.api(username).get("/api/v1/search", params={"q": "3604051507870001"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "number_lookup_refused"
    assert "NIK" in r.json()["error"]["message"]
    page, _ = web.page(username)
    shown = page.get("/cari", params={"q": "3604 0515 0787 0001"})
    assert shown.status_code == 200 and "nama, PERSON_ID atau FAMILY_ID" in shown.text
    by_name = web.api(username).get("/api/v1/search", params={"q": "ahmad bin"}).json()["items"]
    assert [(h["nik"], h["tgl_lahir"], h["kode_wilayah"], h["no_kk"]) for h in by_name] == [
        ("3604********0001", "1987", "3604", "3604********0001")
    ]


def test_unmasked_roles_still_see_everything(web: WebEnv, registry: Registry) -> None:
    answers = "\n".join(walk(web, registry, FULL_USER))
    assert registry.held <= rebuilt(answers, registry.numbers)
    for secret in (*SECRET_DATES[:4], MOTHER, ADDRESS, DESA_A, DESA_B):
        assert secret in answers, secret
    # The attack works: with every full NIK masked, the region, birth date and sex
    # beside each masked NIK give it back. This is what the masked roles must not get.
    masked = answers
    for number in registry.numbers:
        masked = masked.replace(number, mask_nik(number) or "")
    assert {"3604051507870001", "3604054107870002"} <= rebuilt(masked, registry.numbers)
    r = web.api(FULL_USER).get("/api/v1/search", params={"q": "3604051507870001"})
    assert r.status_code == 200 and r.json()["items"][0]["tgl_lahir"] == "1987-07-15"
