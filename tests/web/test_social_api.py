"""The institution and workforce API: lists, details, changes, region scope, masking, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from webdata import DESA_A, DESA_B, WebEnv

AHMAD_NIK = "3604051507870001"
WORKER_NIK = "3604050101800011"


def _institution(**changes: Any) -> dict[str, Any]:
    return {
        "registration_no": "LKS-9",
        "name": "Panti Sosial Asuhan Anak",
        "form": "panti",
        "kind": "children",
        "owner": "regional",
        "kode_wilayah": DESA_A,
        "capacity": 1,
        "staff_count": 4,
        "legal_status": "UPT Dinsos",
        **changes,
    }


def _actions(web: WebEnv) -> list[tuple[str, str]]:
    with web.engine.connect() as conn:
        return [
            (str(a), str(b))
            for a, b in conn.execute(
                text(
                    "SELECT action, actor FROM audit_event WHERE action LIKE 'institution.%' "
                    "OR action LIKE 'worker.%' ORDER BY id"
                )
            )
        ]


def _ahmad(web: WebEnv) -> str:
    hits = web.api("ver").get("/api/v1/search", params={"q": AHMAD_NIK}).json()["items"]
    return str(hits[0]["person_id"])


def test_institution_lifecycle_through_the_api(web: WebEnv) -> None:
    ver = web.api("ver")
    made = ver.post("/api/v1/institutions", json=_institution())
    assert made.status_code == 201, made.text
    ident = made.json()["id"]
    assert made.json()["kode_wilayah"] == DESA_A and made.json()["residents"] == []
    twice = ver.post("/api/v1/institutions", json=_institution(name="Lain"))
    assert twice.status_code == 422 and "sudah dipakai" in twice.json()["error"]["message"]
    changed = ver.put(f"/api/v1/institutions/{ident}", json=_institution(capacity=60))
    assert changed.status_code == 200 and changed.json()["capacity"] == 60
    admitted = ver.post(
        f"/api/v1/institutions/{ident}/residents",
        json={"person_id": _ahmad(web), "admitted_on": "2026-10-01", "reason": "yatim"},
    )
    assert admitted.status_code == 201, admitted.text
    stay = admitted.json()["residents"][0]
    assert stay["nik"] == AHMAD_NIK and stay["discharged_on"] is None
    listed = ver.get("/api/v1/institutions", params={"kind": "children"}).json()
    assert listed["total"] == 1 and listed["items"][0]["residents"] == 1
    assert listed["counts"] == {"children": 1} and listed["residents"] == 1
    assert ver.get("/api/v1/institutions", params={"kind": "elderly"}).json()["total"] == 0
    accredited = ver.post(
        f"/api/v1/institutions/{ident}/accreditation",
        json={"grade": "A", "accredited_on": "2024-05-01", "expires": "2029-05-01"},
    )
    assert accredited.status_code == 200 and accredited.json()["accreditation"] == "A"
    pipeline = ver.get("/api/v1/institutions/accreditation", params={"months": 12}).json()
    assert [*pipeline["expired"], *pipeline["expiring"], *pipeline["never"]] == []
    occupancy = ver.get("/api/v1/institutions/occupancy", params={"level": 6}).json()
    assert occupancy == [
        {"kode_wilayah": "360405", "kind": "children", "institutions": 1, "capacity": 60,
         "residents": 1, "rate": 1 / 60}
    ]  # fmt: skip
    out = ver.post(
        f"/api/v1/institutions/{ident}/residents/{stay['id']}/discharge",
        json={"discharged_on": "2026-09-01", "reason": "pulang"},
    )
    assert out.status_code == 422 and "sebelum tanggal masuk" in out.json()["error"]["message"]
    out = ver.post(
        f"/api/v1/institutions/{ident}/residents/{stay['id']}/discharge",
        json={"discharged_on": "2026-11-01", "reason": "pulang"},
    )
    assert out.status_code == 200 and out.json()["residents"][0]["discharged_on"] == "2026-11-01"
    assert _actions(web) == [
        ("institution.create", "ver"),
        ("institution.update", "ver"),
        ("institution.admit", "ver"),
        ("institution.accredit", "ver"),
        ("institution.discharge", "ver"),
    ]


def test_region_scope_and_roles(web: WebEnv) -> None:
    ver = web.api("ver")
    b = ver.post("/api/v1/institutions", json=_institution(kode_wilayah=DESA_B)).json()["id"]
    op_a = web.api("op_a")
    assert op_a.get("/api/v1/institutions").json()["total"] == 0
    assert op_a.get(f"/api/v1/institutions/{b}").status_code == 404
    assert op_a.put(f"/api/v1/institutions/{b}", json=_institution()).status_code == 404
    # A desa operator does not keep the list, not even in its own desa.
    own = op_a.post("/api/v1/institutions", json=_institution(registration_no="X"))
    assert own.status_code == 403
    # A kab/kota verifier cannot register outside the kabupaten.
    outside = ver.post("/api/v1/institutions", json=_institution(kode_wilayah="3601"))
    assert outside.status_code == 403
    worker = ver.post(
        "/api/v1/workers",
        json={"nik": WORKER_NIK, "name": "Dedi", "role": "pendamping_pkh", "regions": [DESA_B]},
    ).json()["id"]
    assert op_a.get(f"/api/v1/workers/{worker}").status_code == 404
    assert op_a.get("/api/v1/workers").json()["total"] == 0
    assert (
        op_a.post(
            f"/api/v1/workers/{worker}/certification", json={"certified_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert [a for a, _ in _actions(web)] == ["institution.create", "worker.create"]


def test_workers_and_caseloads(web: WebEnv) -> None:
    ver = web.api("ver")
    body = {"nik": WORKER_NIK, "name": "Rina", "role": "tksk", "regions": ["360405"]}
    made = ver.post("/api/v1/workers", json=body)
    assert made.status_code == 201, made.text
    ident = made.json()["id"]
    assert made.json()["certified"] is False and made.json()["regions"] == ["360405"]
    assert ver.post("/api/v1/workers", json=body).status_code == 422
    cert = ver.post(f"/api/v1/workers/{ident}/certification", json={"certified_on": "2026-02-02"})
    assert cert.json()["certified"] is True and cert.json()["certified_on"] == "2026-02-02"
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    late = ver.post(f"/api/v1/workers/{ident}/certification", json={"certified_on": future})
    assert late.status_code == 422
    moved = ver.put(f"/api/v1/workers/{ident}/regions", json={"regions": [DESA_A, DESA_B]})
    assert moved.json()["regions"] == [DESA_A, DESA_B]
    listed = ver.get("/api/v1/workers", params={"role": "tksk", "certified": True}).json()
    assert listed["total"] == 1 and listed["counts"] == {"tksk": 1}
    assert ver.get("/api/v1/workers", params={"certified": False}).json()["total"] == 0
    loads = ver.get("/api/v1/workers/caseloads", params={"role": "tksk", "level": 6}).json()
    kramatwatu = next(r for r in loads["regions"] if r["kode_wilayah"] == "360405")
    assert kramatwatu["staff"] == 1 and kramatwatu["shortfall"] == 0
    assert loads["short"] and all(r["shortfall"] >= 1 for r in loads["short"])
    assert "360405" not in [r["kode_wilayah"] for r in loads["short"]]
    own = ver.get("/api/v1/workers/caseloads", params={"role": "tksk", "norm": 3}).json()
    assert {r["norm"] for r in own["regions"]} == {3}
    assert [a for a, _ in _actions(web)] == [
        "worker.create",
        "worker.certify",
        "worker.assign",
    ]


def test_masked_roles_see_nik_and_regions_masked(web: WebEnv) -> None:
    ver = web.api("ver")
    ident = ver.post("/api/v1/institutions", json=_institution()).json()["id"]
    ver.post(
        f"/api/v1/institutions/{ident}/residents",
        json={"person_id": _ahmad(web), "admitted_on": "2026-10-01", "reason": "yatim"},
    )
    ver.post(
        "/api/v1/workers",
        json={"nik": WORKER_NIK, "name": "Rina", "role": "tksk", "regions": [DESA_A]},
    )
    aud = web.api("aud")
    detail = aud.get(f"/api/v1/institutions/{ident}").json()
    assert detail["kode_wilayah"] == "3604"
    assert detail["residents"][0]["nik"] == "3604********0001"
    worker = aud.get("/api/v1/workers").json()["items"][0]
    assert worker["nik"] == "3604********0011" and worker["regions"] == ["3604"]
    # Reading is not changing: the auditor is refused every change.
    refused = aud.put(f"/api/v1/institutions/{ident}", json=_institution(capacity=9))
    assert refused.status_code == 403


def test_openapi_documents_the_routes(web: WebEnv) -> None:
    paths = web.client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/institutions",
        "/api/v1/institutions/{institution_id}",
        "/api/v1/institutions/{institution_id}/residents/{stay_id}/discharge",
        "/api/v1/workers/caseloads",
        "/api/v1/workers/{worker_id}/regions",
    ):
        assert path in paths, path
