"""The data-subject routes: the report on one NIK and a correction request, by role and region."""

from __future__ import annotations

from sqlalchemy import text
from webdata import WebEnv

AHMAD = "3604051507870001"


def test_the_report_answers_in_scope_only_and_is_audited(web: WebEnv) -> None:
    url = f"/api/v1/subjects/{AHMAD}"
    r = web.api("ver").get(url, params={"purpose": "permohonan 3"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["nik"] == AHMAD and body["data"]["orang"][0]["nama"] == "Ahmad bin Salim"
    assert body["data"]["keluarga"][0]["alamat"] == "Kp. Baru"
    assert "Siti Aminah" not in r.text  # another member: another data subject
    assert web.api("op_b").get(url, params={"purpose": "x"}).status_code == 404
    for masked in ("aud", "ana"):
        assert web.api(masked).get(url, params={"purpose": "x"}).status_code == 403
    assert web.api("ver").get(url).status_code == 422  # no purpose
    assert web.api("ver").get("/api/v1/subjects/12345", params={"purpose": "x"}).status_code == 422
    with web.engine.connect() as conn:
        channels = conn.execute(
            text("SELECT actor, after FROM audit_event WHERE action = 'subject.report'")
        ).all()
    # The found and the not-found report are audited; refused roles never reach the data.
    assert [actor for actor, _ in channels] == ["ver", "op_b"]


def test_a_correction_request_becomes_a_proposal(web: WebEnv) -> None:
    url = f"/api/v1/subjects/{AHMAD}/corrections"
    body = {"values": {"tempat_lahir": "Serang"}, "statement": "Akta kelahiran diperlihatkan."}
    r = web.api("op_a").post(url, json=body)
    assert r.status_code == 201, r.text
    proposal = web.api("op_a").get(f"/api/v1/proposals/{r.json()['proposal_id']}").json()
    assert proposal["kind"] == "correct" and proposal["state"] == "draft"
    assert web.api("op_b").post(url, json=body).status_code == 404
    assert web.api("ver").post(url, json=body).status_code == 403
    assert web.api("op_a").post(url, json={**body, "statement": ""}).status_code == 422
