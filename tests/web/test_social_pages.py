"""The institution and workforce pages: lists, details, forms, region scope, audit, downloads."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text
from webdata import DESA_A, DESA_B, WebEnv

from terpadu.store.ids import person_code

AHMAD_NIK = "3604051507870001"
WORKER_NIK = "3604050101800011"


def _audit(web: WebEnv, action: str) -> list[tuple[str, str]]:
    with web.engine.connect() as conn:
        return [
            (str(a), str(b))
            for a, b in conn.execute(
                text("SELECT actor, entity_id FROM audit_event WHERE action = :a ORDER BY id"),
                {"a": action},
            )
        ]


def _post(client: TestClient, csrf: str, url: str, data: dict[str, str]) -> object:
    return client.post(url, data={**data, "csrf_token": csrf}, follow_redirects=False)


def _register(client: TestClient, csrf: str, **changes: str) -> int:
    data = {
        "registration_no": "LKS-001",
        "name": "Panti Asuhan Harapan",
        "form": "panti",
        "kind": "children",
        "owner": "community",
        "kode_wilayah": DESA_A,
        "legal_status": "Yayasan, AHU-12",
        "capacity": "2",
        "staff_count": "5",
        "address": "Jl. Melati 3",
        **changes,
    }
    r = client.post("/lembaga", data={**data, "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def ver(web_sqlite: WebEnv) -> tuple[TestClient, str]:
    return web_sqlite.page("ver")


def test_register_list_edit_and_audit(web_sqlite: WebEnv, ver: tuple[TestClient, str]) -> None:
    client, csrf = ver
    ident = _register(client, csrf)
    _register(client, csrf, registration_no="LKS-002", name="Panti Werdha Bahagia",
              kind="elderly", owner="regional", kode_wilayah=DESA_B)  # fmt: skip
    page = client.get("/lembaga")
    assert page.status_code == 200
    assert "Panti Asuhan Harapan" in page.text and "Panti Werdha Bahagia" in page.text
    assert "2 lembaga" in page.text
    only = client.get("/lembaga", params={"jenis": "elderly"}).text
    assert "Panti Werdha Bahagia" in only and "Panti Asuhan Harapan" not in only
    owned = client.get("/lembaga", params={"pemilik": "community"}).text
    assert "Panti Asuhan Harapan" in owned and "Panti Werdha Bahagia" not in owned
    never = client.get("/lembaga", params={"akreditasi": "never", "wilayah": DESA_B}).text
    assert "Panti Werdha Bahagia" in never and "Panti Asuhan Harapan" not in never
    # Edit: the capacity grows; the form refused keeps what was typed.
    form = client.get(f"/lembaga/{ident}/ubah")
    assert form.status_code == 200 and 'value="LKS-001"' in form.text
    bad = _post(client, csrf, f"/lembaga/{ident}/ubah", {
        "registration_no": "LKS-001", "name": "Panti Asuhan Harapan", "form": "panti",
        "kind": "children", "owner": "community", "kode_wilayah": "3604", "capacity": "x"})  # fmt: skip
    assert bad.status_code == 400 and "bukan bilangan bulat" in bad.text  # type: ignore[attr-defined]
    ok = _post(client, csrf, f"/lembaga/{ident}/ubah", {
        "registration_no": "LKS-001", "name": "Panti Asuhan Harapan", "form": "panti",
        "kind": "children", "owner": "community", "kode_wilayah": DESA_A, "capacity": "40"})  # fmt: skip
    assert ok.status_code == 303  # type: ignore[attr-defined]
    assert "40" in client.get(f"/lembaga/{ident}").text
    assert _audit(web_sqlite, "institution.create") == [
        ("ver", str(ident)),
        ("ver", str(ident + 1)),
    ]
    assert _audit(web_sqlite, "institution.update") == [("ver", str(ident))]


def test_admit_discharge_and_accredit(web_sqlite: WebEnv, ver: tuple[TestClient, str]) -> None:
    client, csrf = ver
    ident = _register(client, csrf)
    found = client.get(f"/lembaga/{ident}", params={"cari": "ahmad"})
    assert "Ahmad bin Salim" in found.text
    person = re.search(r'name="person" value="(ORG\d+)"', found.text)
    assert person is not None
    admitted = _post(client, csrf, f"/lembaga/{ident}/aksi", {
        "action": "admit", "person": person.group(1), "admitted_on": "2026-11-02",
        "reason": "ditelantarkan"})  # fmt: skip
    assert admitted.status_code == 303  # type: ignore[attr-defined]
    detail = client.get(f"/lembaga/{ident}").text
    assert "Ahmad bin Salim" in detail and AHMAD_NIK in detail
    # The same person cannot be admitted twice; the page says why.
    again = _post(client, csrf, f"/lembaga/{ident}/aksi", {
        "action": "admit", "person": person.group(1), "admitted_on": "2026-11-03",
        "reason": "x"})  # fmt: skip
    assert again.status_code == 400 and "masih tercatat" in again.text  # type: ignore[attr-defined]
    with web_sqlite.engine.connect() as conn:
        stay = conn.execute(text("SELECT id FROM institution_resident")).scalar_one()
    out = _post(client, csrf, f"/lembaga/{ident}/aksi", {
        "action": "discharge", "stay": str(stay), "discharged_on": "2026-11-20",
        "reason": "kembali ke keluarga"})  # fmt: skip
    assert out.status_code == 303  # type: ignore[attr-defined]
    early = _post(client, csrf, f"/lembaga/{ident}/aksi", {
        "action": "accredit", "grade": "B", "accredited_on": "2025-01-10",
        "expires": "2024-01-10"})  # fmt: skip
    assert early.status_code == 400 and "harus sesudah" in early.text  # type: ignore[attr-defined]
    done = _post(client, csrf, f"/lembaga/{ident}/aksi", {
        "action": "accredit", "grade": "B", "accredited_on": "2025-01-10",
        "expires": "2030-01-10"})  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "kembali ke keluarga" in client.get(f"/lembaga/{ident}").text
    assert [a for a, _ in _audit(web_sqlite, "institution.admit")] == ["ver"]
    assert [a for a, _ in _audit(web_sqlite, "institution.discharge")] == ["ver"]
    assert _audit(web_sqlite, "institution.accredit") == [("ver", str(ident))]


def test_occupancy_and_pipeline(web_sqlite: WebEnv, ver: tuple[TestClient, str]) -> None:
    client, csrf = ver
    expired = _register(client, csrf, registration_no="A", name="Lama Sekali")
    soon = _register(client, csrf, registration_no="B", name="Segera Habis", kind="elderly")
    _register(client, csrf, registration_no="C", name="Belum Pernah", kode_wilayah=DESA_B)
    today = dt.date.today()
    for ident, expires in ((expired, today - dt.timedelta(days=3)),
                           (soon, today + dt.timedelta(days=40))):  # fmt: skip
        r = _post(client, csrf, f"/lembaga/{ident}/aksi", {
            "action": "accredit", "grade": "A", "accredited_on": "2020-01-01",
            "expires": expires.isoformat()})  # fmt: skip
        assert r.status_code == 303  # type: ignore[attr-defined]
    pipeline = client.get("/lembaga/akreditasi", params={"bulan": 2}).text
    sections = re.split(r"<h2>", pipeline)
    assert "Lama Sekali" in sections[1] and "Segera Habis" in sections[2]
    assert "Belum Pernah" in sections[3]
    narrow = client.get("/lembaga/akreditasi", params={"bulan": 1}).text
    assert "Habis dalam 1 bulan (0)" in narrow
    occupancy = client.get("/lembaga/keterisian", params={"tingkat": 6})
    assert occupancy.status_code == 200 and "<svg" in occupancy.text and "360405" in occupancy.text


def test_workers_add_certify_assign_and_caseload(
    web_sqlite: WebEnv, ver: tuple[TestClient, str]
) -> None:
    client, csrf = ver
    r = _post(client, csrf, "/sdm", {
        "nik": WORKER_NIK, "name": "Rina TKSK", "role": "tksk", "regions": "360405",
        "phone": "0812-1111-2222", "active": "true"})  # fmt: skip
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    ident = int(r.headers["location"].rsplit("/", 1)[1])  # type: ignore[attr-defined]
    bad = _post(client, csrf, "/sdm", {"nik": "123", "name": "X", "role": "tksk",
                                        "regions": "9999"})  # fmt: skip
    assert bad.status_code == 400 and "harus 16 angka" in bad.text  # type: ignore[attr-defined]
    # The edit form shows what is kept, the phone too (saving it unchanged keeps it).
    assert 'value="0812-1111-2222"' in client.get(f"/sdm/{ident}/ubah").text
    listed = client.get("/sdm", params={"peran": "tksk"}).text
    assert "Rina TKSK" in listed and WORKER_NIK in listed
    assert "Rina TKSK" not in client.get("/sdm", params={"peran": "psm"}).text
    cert = _post(client, csrf, f"/sdm/{ident}/aksi", {"action": "certify",
                                                    "certified_on": "2026-03-01"})  # fmt: skip
    assert cert.status_code == 303  # type: ignore[attr-defined]
    assert "Rina TKSK" in client.get("/sdm", params={"sertifikasi": "ya"}).text
    moved = _post(client, csrf, f"/sdm/{ident}/aksi", {"action": "assign",
                                                     "regions": f"{DESA_A}; {DESA_B}"})  # fmt: skip
    assert moved.status_code == 303  # type: ignore[attr-defined]
    assert f"{DESA_A}; {DESA_B}" in client.get(f"/sdm/{ident}").text
    outside = _post(client, csrf, f"/sdm/{ident}/aksi", {"action": "assign",
                                                       "regions": "3601"})  # fmt: skip
    assert outside.status_code == 400  # type: ignore[attr-defined]
    assert [a for a, _ in _audit(web_sqlite, "worker.create")] == ["ver"]
    assert [a for a, _ in _audit(web_sqlite, "worker.certify")] == ["ver"]
    assert [a for a, _ in _audit(web_sqlite, "worker.assign")] == ["ver"]
    # Every kecamatan of Serang needs a TKSK: Kramatwatu has one, the others are short.
    load = client.get("/sdm/beban", params={"peran": "tksk", "tingkat": 6}).text
    assert 'class="short"' in load
    kramatwatu = re.search(r"<tr>\s*<td class=\"mono\">360405</td>(.*?)</tr>", load, re.S)
    assert kramatwatu is not None and "alert" not in kramatwatu.group(1)
    # The office's own norm is used when given; an empty box keeps the default (20).
    own = client.get("/sdm/beban", params={"peran": "tksk", "norma": "5"}).text
    assert "(norma 5)" in own
    empty = client.get("/sdm/beban", params={"peran": "tksk", "norma": ""})
    assert empty.status_code == 200 and "(norma 20)" in empty.text


def test_desa_operator_reads_only_its_desa_and_changes_nothing(web_sqlite: WebEnv) -> None:
    client, csrf = web_sqlite.page("ver")
    a = _register(client, csrf, registration_no="A", name="Di Desa A")
    b = _register(client, csrf, registration_no="B", name="Di Desa B", kode_wilayah=DESA_B)
    op, op_csrf = web_sqlite.page("op_a")
    listed = op.get("/lembaga").text
    assert "Di Desa A" in listed and "Di Desa B" not in listed
    assert op.get(f"/lembaga/{b}").status_code == 404
    assert op.get(f"/lembaga/{b}/penghuni.csv").status_code == 404
    refused = _post(op, op_csrf, f"/lembaga/{a}/ubah", {
        "registration_no": "A", "name": "Diganti", "form": "panti", "kind": "children",
        "owner": "community", "kode_wilayah": DESA_A})  # fmt: skip
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert op.get("/lembaga/baru").status_code == 403
    assert "Diganti" not in op.get(f"/lembaga/{a}").text
    # Nothing the operator did was audited as a change.
    assert [actor for actor, _ in _audit(web_sqlite, "institution.update")] == []


def test_downloads_open_as_xlsx_with_nik_as_text(
    web_sqlite: WebEnv, ver: tuple[TestClient, str]
) -> None:
    client, csrf = ver
    ident = _register(client, csrf)
    with web_sqlite.engine.connect() as conn:
        ahmad = conn.execute(
            text("SELECT id FROM person WHERE nik = :n"), {"n": AHMAD_NIK}
        ).scalar()
    r = _post(client, csrf, f"/lembaga/{ident}/aksi", {
        "action": "admit", "person": person_code(int(ahmad or 0)), "admitted_on": "2026-11-02",
        "reason": "terlantar"})  # fmt: skip
    assert r.status_code == 303  # type: ignore[attr-defined]
    _post(client, csrf, "/sdm", {"nik": WORKER_NIK, "name": "Rina", "role": "tksk",
                                 "regions": "360405", "active": "true"})  # fmt: skip
    for url in ("/lembaga/unduh", "/lembaga/keterisian", "/lembaga/akreditasi",
                f"/lembaga/{ident}/penghuni", "/sdm/unduh", "/sdm/beban"):  # fmt: skip
        query = {"peran": "tksk"} if url == "/sdm/beban" else {}
        csv = client.get(url + ".csv", params=query)
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv"), url
        xlsx = client.get(url + ".xlsx", params=query)
        assert xlsx.status_code == 200, url
        book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert len(rows) >= 2, url
    residents = load_workbook(io.BytesIO(client.get(f"/lembaga/{ident}/penghuni.xlsx").content))
    sheet = residents.worksheets[0]
    header = [c.value for c in sheet[1]]
    nik_cell = sheet.cell(row=2, column=header.index("nik") + 1)
    assert nik_cell.value == AHMAD_NIK and nik_cell.data_type == "s"
    workers = load_workbook(io.BytesIO(client.get("/sdm/unduh.xlsx").content)).worksheets[0]
    assert workers.cell(row=2, column=1).value == WORKER_NIK
    assert workers.cell(row=2, column=1).data_type == "s"
    # A masked role downloads the same table with the NIK masked.
    aud, _ = web_sqlite.page("aud")
    masked = aud.get(f"/lembaga/{ident}/penghuni.csv").text
    assert AHMAD_NIK not in masked and "3604********0001" in masked
    assert client.get("/lembaga/unduh.pdf").status_code == 404
