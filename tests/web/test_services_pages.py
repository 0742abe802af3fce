"""Complaint pages: receive with a receipt, steps the state allows, errors that keep the form."""

from __future__ import annotations

import re

from webdata import DESA_A, DESA_B, WebEnv


def _receive(web: WebEnv, user: str = "op_a", **fields: str) -> str:
    client, csrf = web.page(user)
    form = {
        "csrf_token": csrf,
        "category": "wrong_data",
        "channel": "walk_in",
        "kode_wilayah": DESA_A,
        "complainant_name": "Siti Aminah",
        "description": "Alamat salah tulis",
    } | fields
    r = client.post("/pengaduan", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    match = re.search(r"/pengaduan/(ADU-3604-[A-Z0-9]{6})/tanda-terima", r.headers["location"])
    assert match is not None
    return match.group(1)


def test_a_complaint_is_received_with_a_printable_receipt_and_walks_its_steps(web: WebEnv) -> None:
    tracking = _receive(web)
    client, csrf = web.page("op_a")
    receipt = client.get(f"/pengaduan/{tracking}/tanda-terima")
    assert receipt.status_code == 200 and tracking in receipt.text
    assert "Simpan kode ini" in receipt.text
    inbox = client.get("/pengaduan")
    assert tracking in inbox.text and "1 pengaduan terbuka" in inbox.text
    assert "<td>Data salah</td>" in inbox.text and ">wrong_data<" not in inbox.text
    page = client.get(f"/pengaduan/{tracking}")
    # Only the registry check is offered while the complaint is new.
    assert 'value="check"' in page.text and 'value="close"' not in page.text
    step = client.post(
        f"/pengaduan/{tracking}/aksi",
        data={"csrf_token": csrf, "action": "check", "family": web.family("K1")},
        follow_redirects=False,
    )
    assert step.status_code == 303
    after = client.get(f"/pengaduan/{tracking}")
    assert "Sudah dicek di DTKS" in after.text and web.family("K1") in after.text
    english = client.get(f"/pengaduan/{tracking}?lang=en")
    assert "Registry checked" in english.text and "Sudah dicek" not in english.text


def test_a_refused_step_keeps_what_was_typed(web: WebEnv) -> None:
    tracking = _receive(web)
    client, csrf = web.page("op_a")
    r = client.post(
        f"/pengaduan/{tracking}/aksi",
        data={
            "csrf_token": csrf,
            "action": "check",
            "family": "FAM9999999999",
            "note": "catatan saya",
        },
    )
    assert r.status_code == 400
    assert "tidak ditemukan" in r.text and 'value="FAM9999999999"' in r.text
    assert "catatan saya" in r.text and "<nav" in r.text  # the whole page, not a bare error


def test_receiving_outside_ones_region_is_refused_in_words(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = client.post(
        "/pengaduan",
        data={
            "csrf_token": csrf,
            "category": "help",
            "channel": "phone",
            "kode_wilayah": DESA_B,
            "complainant_name": "Budi",
            "description": "Butuh bantuan",
        },
    )
    assert r.status_code == 400 and "Budi" in r.text and "Butuh bantuan" in r.text


def test_other_regions_and_other_roles_see_no_complaint(web: WebEnv) -> None:
    tracking = _receive(web)
    other, _ = web.page("op_b")
    assert other.get(f"/pengaduan/{tracking}").status_code == 404
    assert tracking not in other.get("/pengaduan").text
    verifier, _ = web.page("ver")
    assert tracking in verifier.get("/pengaduan").text
    auditor, _ = web.page("aud")
    assert auditor.get("/pengaduan").status_code == 403


def test_the_inbox_finds_a_complaint_by_the_complainants_name(web: WebEnv) -> None:
    tracking = _receive(web, complainant_name="Nursiti Amalia")
    other = _receive(web, complainant_name="Budi Santoso")
    client, _ = web.page("op_a")
    found = client.get("/pengaduan?nama=siti+am")
    assert tracking in found.text and other not in found.text
    assert "1 pengaduan ditemukan" in found.text
