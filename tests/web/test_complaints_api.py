"""The complaint API: receive, the steps and the close, region scope, masking and audit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from webdata import DESA_A, WebEnv

AHMAD_NIK = "3604051507870001"


def _complaint(**changes: Any) -> dict[str, Any]:
    return {
        "category": "wrong_data",
        "channel": "walk_in",
        "kode_wilayah": DESA_A,
        "complainant_name": "Siti Aminah",
        "description": f"NIK {AHMAD_NIK} salah tulis",
        "complainant_contact": "0812-1111-2222",
        **changes,
    }


def _actions(web: WebEnv) -> list[tuple[str, str]]:
    with web.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, actor FROM audit_event WHERE action LIKE 'complaint.%' "
                "OR action LIKE 'referral.%' ORDER BY id"
            )
        )
        return [(str(a), str(b)) for a, b in rows]


def test_complaint_from_receipt_to_close_through_the_api(web: WebEnv) -> None:
    op = web.api("op_a")
    made = op.post("/api/v1/complaints", json=_complaint())
    assert made.status_code == 201, made.text
    body = made.json()
    tracking = body["tracking"]
    assert tracking.startswith("ADU-3604-") and body["state"] == "received"
    assert body["kode_wilayah"] == DESA_A and body["allowed"] == ["checked"]
    assert AHMAD_NIK in body["description"]  # the front office sees what was typed
    base = f"/api/v1/complaints/{tracking}"
    # Out of order: no decision before the registry check.
    early = op.post(f"{base}/decide", json={"outcome": "no_change"})
    assert early.status_code == 409, early.text
    assert early.json()["error"]["code"] == "invalid_transition"
    checked = op.post(f"{base}/check", json={"family": "K1", "note": "ada di DTKS"})
    assert checked.status_code == 200, checked.text
    assert checked.json()["state"] == "checked" and checked.json()["family_id"].startswith("KLG")
    referred = op.post(
        f"{base}/refer", json={"service": "civil_registry", "institution": "Dukcapil"}
    )
    assert referred.status_code == 200, referred.text
    referral = referred.json()["referrals"][0]
    assert referral["status"] == "sent" and referral["answer"] is None
    answered = op.post(
        f"/api/v1/complaints/referrals/{referral['id']}/answer", json={"answer": "NIK diperbaiki"}
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["referrals"][0]["answer"] == "NIK diperbaiki"
    assert answered.json()["referrals"][0]["status"] == "answered"
    decided = op.post(f"{base}/decide", json={"outcome": "help_given", "note": "selesai"})
    assert decided.status_code == 200 and decided.json()["outcome"] == "help_given"
    empty = op.post(f"{base}/close", json={"told_how": ""})
    assert empty.status_code == 422
    closed = op.post(f"{base}/close", json={"told_how": "ditelepon"})
    assert closed.status_code == 200, closed.text
    detail = op.get(base).json()
    assert detail["state"] == "closed" and detail["allowed"] == []
    assert [s["to_state"] for s in detail["steps"]] == [
        "received", "checked", "referred", "decided", "closed"
    ]  # fmt: skip
    assert op.post(f"{base}/visit", json={"note": "x"}).status_code == 409
    assert _actions(web) == [
        ("complaint.receive", "op_a"),
        ("complaint.check", "op_a"),
        ("complaint.refer", "op_a"),
        ("referral.answer", "op_a"),
        ("complaint.decide", "op_a"),
        ("complaint.close", "op_a"),
    ]
    # The inbox: open ones by default, closed ones by state or by the complainant's name.
    assert op.get("/api/v1/complaints").json()["total"] == 0
    by_state = op.get("/api/v1/complaints", params={"status": "closed"}).json()
    assert [c["tracking"] for c in by_state["items"]] == [tracking]
    by_name = op.get("/api/v1/complaints", params={"name": "siti am"}).json()
    assert [c["tracking"] for c in by_name["items"]] == [tracking] and by_name["total_exact"]


def test_another_desa_neither_sees_nor_moves_a_complaint(web: WebEnv) -> None:
    made = web.api("op_a").post("/api/v1/complaints", json=_complaint()).json()
    state = (
        web.api("op_a")
        .post(f"/api/v1/complaints/{made['tracking']}/check", json={})
        .json()["state"]
    )
    assert state == "checked"
    op_b = web.api("op_b")
    base = f"/api/v1/complaints/{made['tracking']}"
    assert op_b.get(base).status_code == 404
    assert op_b.post(f"{base}/visit", json={"note": "diambil alih"}).status_code == 404
    assert op_b.get("/api/v1/complaints").json()["total"] == 0
    refused = op_b.post("/api/v1/complaints", json=_complaint())  # desa A is not theirs
    assert refused.status_code == 403
    assert (
        op_b.post("/api/v1/complaints/referrals/999/answer", json={"answer": "x"}).status_code
        == 404
    )
    assert web.api("op_a").get(base).json()["state"] == "checked"
    assert [a for a, _ in _actions(web)] == ["complaint.receive", "complaint.check"]


def test_a_masked_reader_sees_the_nik_masked_and_changes_nothing(web: WebEnv) -> None:
    tracking = web.api("op_a").post("/api/v1/complaints", json=_complaint()).json()["tracking"]
    aud = web.api("aud")
    shown = aud.get(f"/api/v1/complaints/{tracking}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert AHMAD_NIK not in shown.text and body["description"].startswith("NIK 3604")
    assert body["kode_wilayah"] == "3604" and body["complainant_contact"] is None
    listed = aud.get("/api/v1/complaints").json()["items"]
    assert [c["kode_wilayah"] for c in listed] == ["3604"]
    assert aud.post(f"/api/v1/complaints/{tracking}/check", json={}).status_code == 403
    assert web.api("ver").get(f"/api/v1/complaints/{tracking}").json()["description"] == (
        f"NIK {AHMAD_NIK} salah tulis"
    )
    # Roles neither serving complaints nor overseeing them are refused the inbox.
    assert web.api("peksos").get("/api/v1/complaints").status_code == 403
