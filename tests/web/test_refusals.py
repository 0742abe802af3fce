"""A refusal by role is worded in the request's language, on the API and on a page."""

from __future__ import annotations

from webdata import DESA_A, WebEnv

INSTITUTION = {
    "registration_no": "LKS-9",
    "name": "Panti Sosial Asuhan Anak",
    "form": "panti",
    "kind": "children",
    "owner": "regional",
    "kode_wilayah": DESA_A,
    "capacity": 1,
    "staff_count": 4,
}


def test_an_api_refusal_speaks_the_requests_language(web: WebEnv) -> None:
    op_a = web.api("op_a")
    english = op_a.post("/api/v1/institutions?lang=en", json=INSTITUTION)
    assert english.status_code == 403
    message = english.json()["error"]["message"]
    assert message.startswith("The role village operator may not change an institution's data;")
    assert "district verifier" in message and "Peran" not in message
    bahasa = op_a.post("/api/v1/institutions", json=INSTITUTION)
    assert bahasa.status_code == 403
    assert bahasa.json()["error"]["message"].startswith(
        "Peran operator desa/kelurahan tidak boleh mengubah data lembaga; hanya "
    )


def test_a_page_refusal_speaks_the_pages_language(web: WebEnv) -> None:
    pid = _draft(web)
    client, csrf = web.page("ver")
    english = client.post(
        f"/usulan/{pid}/aksi?lang=en",
        data={"action": "submit", "note": "", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert english.status_code == 403
    assert "The role district verifier may not submit a proposal; only village operator." in (
        english.text
    )
    bahasa = client.post(
        f"/usulan/{pid}/aksi?lang=id",  # ?lang= stays in a cookie: ask again
        data={"action": "submit", "note": "", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert bahasa.status_code == 403
    assert "tidak boleh mengajukan usulan; hanya operator desa/kelurahan." in bahasa.text


def _draft(web: WebEnv) -> int:
    body = {"kind": "correct", "family_id": web.family("K1"), "values": {"rt": "021"}}
    made = web.api("op_a").post("/api/v1/proposals", json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])
