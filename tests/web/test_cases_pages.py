"""PPKS case pages and API: the front office opens, the caseworker works the case, the
inbox puts overdue reviews first, and nobody else reads it."""

from __future__ import annotations

import re

from webdata import DESA_A, PASSWORD, WebEnv

from terpadu.accounts.users import create_user


def _open(web: WebEnv, **fields: str) -> str:
    client, csrf = web.page("slrt")
    form = {
        "csrf_token": csrf,
        "caseworker": "peksos",
        "categories": "24",
        "subject_nik": "3604054107870002",
        "kode_wilayah": DESA_A,
    } | fields
    r = client.post("/kasus", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    match = re.fullmatch(r"/kasus/(KAS-3604-\d{6})", r.headers["location"])
    assert match is not None
    return match.group(1)


def test_a_case_is_opened_and_worked_through_the_pages(web: WebEnv) -> None:
    client, _csrf = web.page("slrt")
    form = client.get("/kasus/baru")
    assert form.status_code == 200 and '<option value="peksos"' in form.text
    assert "Fakir miskin" in form.text
    number = _open(web)
    page = client.get(f"/kasus/{number}")
    # The NIK found Siti Aminah in the registry; the front office sees no step forms.
    assert "Siti Aminah" in page.text and "24 Fakir miskin" in page.text
    assert 'value="assess"' not in page.text

    worker, wcsrf = web.page("peksos")
    page = worker.get(f"/kasus/{number}")
    assert 'value="assess"' in page.text and 'value="plan"' not in page.text
    refused = worker.post(
        f"/kasus/{number}/aksi",
        data={"csrf_token": wcsrf, "action": "assess", "needs": "", "living": "alone"},
    )
    # An empty assessment is refused beside the form, which keeps the choice made.
    assert refused.status_code == 400 and "Tuliskan kebutuhan" in refused.text
    assert '<option value="alone" selected' in refused.text
    steps = [
        {"action": "assess", "needs": "Modal usaha", "risk_level": "medium"},
        {"action": "plan", "goals": "Usaha warung", "plan_atensi": "vokasional",
         "plan_starts": "2026-01-05", "next_review": "2026-02-02"},
        {"action": "service", "atensi": "vokasional", "given_on": "2026-01-10",
         "provider": "BLK Serang"},
    ]  # fmt: skip
    for step in steps:
        r = worker.post(
            f"/kasus/{number}/aksi", data={"csrf_token": wcsrf, **step}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
    page = worker.get(f"/kasus/{number}")
    assert "Modal usaha" in page.text and "BLK Serang" in page.text and "Sedang" in page.text
    # The review date passed long ago: the inbox lists the case with its working days late.
    inbox = worker.get("/kasus?terlambat=true")
    assert number in inbox.text and "1 kasus" in inbox.text
    history = client.get("/kasus/riwayat", params={"nik": "3604054107870002"})
    assert number in history.text
    # English labels on ?lang=en.
    assert "Vocational and entrepreneurship training" in worker.get(f"/kasus/{number}?lang=en").text


def test_the_api_opens_and_reviews_a_case_and_keeps_others_out(web: WebEnv) -> None:
    slrt, peksos = web.api("slrt"), web.api("peksos")
    r = slrt.post(
        "/api/v1/cases",
        json={"categories": ["11"], "caseworker": "peksos", "name": "Pak Udin",
              "kode_wilayah": DESA_A, "address": "Pasar Kramatwatu"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    case = r.json()
    number = case["row"]["number"]
    assert case["row"]["person_id"] is None and case["row"]["categories"] == ["11"]
    bad = peksos.post(f"/api/v1/cases/{number}/plan", json={"goals": "x", "services": [
        {"atensi": "terapi", "starts_on": "2026-01-01"}]})  # fmt: skip
    assert bad.status_code == 409
    assert "tidak dapat diambil sekarang" in bad.json()["error"]["message"]
    assert (
        peksos.post(
            f"/api/v1/cases/{number}/assessment", json={"needs": "Tempat tinggal"}
        ).status_code
        == 200
    )
    listed = peksos.get("/api/v1/cases").json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == number
    assert (
        peksos.post(f"/api/v1/cases/{number}/close", json={"reason": "moved"}).json()[
            "closure_reason"
        ]
        == "moved"
    )
    assert peksos.get("/api/v1/cases").json()["total"] == 0
    # Roles without cases: the list refused, a case not found (its existence not confirmed).
    assert web.api("op_a").get("/api/v1/cases").status_code == 403
    assert web.api("aud").get(f"/api/v1/cases/{number}").status_code == 404
    assert web.api("ver").get(f"/api/v1/cases/{number}").status_code == 200
    assert (
        "/api/v1/cases/{number}/reviews" in web.client().get("/api/v1/openapi.json").json()["paths"]
    )


def test_a_plan_holds_several_services_and_a_half_filled_row_is_named(web: WebEnv) -> None:
    number = _open(web)
    worker, csrf = web.page("peksos")
    worker.post(f"/kasus/{number}/aksi", data={"csrf_token": csrf, "action": "assess",
                                               "needs": "Modal usaha"})  # fmt: skip
    page = worker.get(f"/kasus/{number}")
    assert page.text.count('name="plan_atensi"') == 5
    rows = {
        "plan_atensi": ["vokasional", "terapi", "", "", ""],
        "plan_starts": ["2026-01-05", "", "", "", ""],
        "plan_ends": ["2026-03-31", "", "", "", ""],
    }
    half = worker.post(
        f"/kasus/{number}/aksi",
        data={"csrf_token": csrf, "action": "plan", "goals": "Usaha warung", **rows},
    )
    # The second row has a service but no start: refused by its number, the rows kept.
    assert half.status_code == 400 and "Layanan 2: pilih jenis layanan ATENSI" in half.text
    assert 'value="2026-03-31"' in half.text and '<option value="terapi" selected' in half.text
    rows["plan_starts"][1] = "2026-01-12"
    done = worker.post(
        f"/kasus/{number}/aksi",
        data={"csrf_token": csrf, "action": "plan", "goals": "Usaha warung", **rows},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = worker.get(f"/kasus/{number}").text
    planned = re.findall(r"<li>([^<:]+):", page)
    assert planned == [
        "Pelatihan vokasional dan/atau pembinaan kewirausahaan",
        "Terapi fisik, psikososial dan mental spiritual",
    ]


def test_supervisors_hand_a_case_to_another_caseworker(web: WebEnv) -> None:
    create_user(web.engine, "peksos_2", PASSWORD, role="pekerja_sosial", region="3604")
    number = _open(web)
    # The caseworker and the front office see no hand-over form; the kab/kota does.
    assert 'value="reassign"' not in web.page("peksos")[0].get(f"/kasus/{number}").text
    assert 'value="reassign"' not in web.page("slrt")[0].get(f"/kasus/{number}").text
    ver, csrf = web.page("ver")
    page = ver.get(f"/kasus/{number}")
    assert 'value="reassign"' in page.text and '<option value="peksos_2"' in page.text
    unknown = ver.post(
        f"/kasus/{number}/aksi",
        data={"csrf_token": csrf, "action": "reassign", "caseworker": "op_a"},
    )
    assert unknown.status_code == 400 and "bukan akun pekerja sosial" in unknown.text
    moved = ver.post(
        f"/kasus/{number}/aksi",
        data={"csrf_token": csrf, "action": "reassign", "caseworker": "peksos_2"},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    # The first caseworker no longer finds it; the province may hand it over too.
    assert web.page("peksos")[0].get(f"/kasus/{number}").status_code == 404
    assert "peksos_2" in ver.get(f"/kasus/{number}").text
    assert 'value="reassign"' in web.page("adm")[0].get(f"/kasus/{number}").text
