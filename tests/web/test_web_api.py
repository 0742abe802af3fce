"""The JSON API: login, search, families by either id, masking, pagination, errors, verval."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text
from webdata import WebEnv


def test_search_by_nik_kk_name_and_misspelling(web: WebEnv) -> None:
    c = web.api("op_a")
    nik = c.get("/api/v1/search", params={"q": "3604051507870001"}).json()
    assert [i["nama"] for i in nik["items"]][:1] == ["Ahmad bin Salim"]
    # The same number is also K1's KK: the KK look-up brings the whole family.
    assert {i["nama"] for i in nik["items"]} == {"Ahmad bin Salim", "Siti Aminah", "Budi"}
    name = c.get("/api/v1/search", params={"q": "Hj. Siti"}).json()
    assert [i["nama"] for i in name["items"]] == ["Siti Aminah"]
    fuzzy = c.get("/api/v1/search", params={"q": "Achmad Salim"}).json()
    assert fuzzy["fuzzy"] is True
    assert [i["nama"] for i in fuzzy["items"]] == ["Ahmad bin Salim"]
    # Joko lives in desa B: invisible to desa A's operator, visible to the kabupaten.
    assert c.get("/api/v1/search", params={"q": "joko"}).json()["total"] == 0
    assert web.api("ver").get("/api/v1/search", params={"q": "joko"}).json()["total"] == 1


def test_family_by_family_id_or_id_keluarga(web: WebEnv) -> None:
    c = web.api("op_a")
    by_code = c.get(f"/api/v1/families/{web.family('K1')}")
    by_key = c.get("/api/v1/families/K1")
    assert by_code.status_code == by_key.status_code == 200
    assert by_code.json()["family_id"] == by_key.json()["family_id"] == web.family("K1")
    assert {m["nama"] for m in by_key.json()["members"]} == {
        "Ahmad bin Salim",
        "Siti Aminah",
        "Budi",
    }
    for ref in (web.family("K2"), "K2", "KLG9999999999", "nothing"):
        r = c.get(f"/api/v1/families/{ref}")
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"


def test_ambiguous_id_keluarga_answers_409_with_choices(web: WebEnv, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from webdata import write_batch

    from terpadu.intake import import_batch

    k, a = write_batch(tmp_path / "other")
    import_batch(web.engine, k, a, source="survei-lain")
    r = web.api("op_a").get("/api/v1/families/K1")
    assert r.status_code == 409
    choices = r.json()["error"]["details"]
    assert {c["source"] for c in choices} == {"desa-kramatwatu", "survei-lain"}


def test_nik_masked_for_auditor_and_analyst(web: WebEnv) -> None:
    for username in ("aud", "ana"):
        body = web.api(username).get("/api/v1/families/K1").json()
        niks = {m["nik"] for m in body["members"] if m["nik"]}
        assert niks == {"3604********0001", "3604********0002"}
    full = web.api("ver").get("/api/v1/families/K1").json()
    assert "3604051507870001" in {m["nik"] for m in full["members"]}


def test_pagination_and_error_shape(web: WebEnv) -> None:
    c = web.api("ver")
    first = c.get("/api/v1/families", params={"limit": 1}).json()
    second = c.get("/api/v1/families", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == 2
    assert first["items"][0]["family_id"] != second["items"][0]["family_id"]
    bad = c.get("/api/v1/families", params={"limit": 0})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"
    anon = web.client().get("/api/v1/families")
    assert anon.status_code == 401 and anon.json()["error"]["code"] == "not_authenticated"
    assert web.client().get("/api/v1/nowhere").json()["error"]["code"] == "not_found"


def test_proposal_from_desa_through_kab_and_province(web: WebEnv) -> None:
    op, ver, adm = web.api("op_a"), web.api("ver"), web.api("adm")
    created = op.post(
        "/api/v1/proposals",
        json={"kind": "correct", "family_id": "K1", "values": {"alamat": "Kp. Baru Indah"}},
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    assert op.post(f"/api/v1/proposals/{pid}/submit").json()["state"] == "submitted"
    # The desa operator cannot verify; the auditor cannot either.
    assert op.post(f"/api/v1/proposals/{pid}/verify").status_code == 403
    assert web.api("aud").post(f"/api/v1/proposals/{pid}/verify").status_code == 403
    assert ver.post(f"/api/v1/proposals/{pid}/verify").json()["state"] == "verified"
    done = adm.post(f"/api/v1/proposals/{pid}/approve")
    assert done.json()["state"] == "approved", done.text
    with web.engine.connect() as conn:
        alamat = conn.execute(
            text("SELECT alamat FROM family WHERE id = :id"), {"id": web.families["K1"]}
        ).scalar()
    assert alamat == "Kp. Baru Indah"
    detail = op.get(f"/api/v1/proposals/{pid}").json()
    assert [s["action"] for s in detail["steps"]] == ["create", "submit", "verify", "approve"]
    family = op.get("/api/v1/families/K1").json()
    assert pid in {p["id"] for p in family["proposals"]}
    assert "usulan.approve" in {e["action"] for e in family["audit_events"]}


def test_bulk_decisions_report_each_proposal(web: WebEnv) -> None:
    op_a, op_b, ver = web.api("op_a"), web.api("op_b"), web.api("ver")
    ids = []
    for client, ref in ((op_a, "K1"), (op_b, "K2")):
        r = client.post(
            "/api/v1/proposals", json={"kind": "correct", "family_id": ref, "values": {"rt": "009"}}
        )
        ids.append(r.json()["id"])
        client.post(f"/api/v1/proposals/{ids[-1]}/submit")
    out = ver.post(
        "/api/v1/proposals/bulk", json={"action": "verify", "ids": [*ids, 999999]}
    ).json()
    assert {(o["proposal_id"], o["ok"]) for o in out} == {
        (ids[0], True),
        (ids[1], True),
        (999999, False),
    }
    listed = ver.get("/api/v1/proposals", params={"state": "verified"}).json()
    assert listed["total"] == 2
    assert op_a.get("/api/v1/proposals").json()["total"] == 1


def _workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_reads_the_named_sheets_of_one_workbook(web: WebEnv) -> None:
    """A desa sends one workbook with a KELUARGA and an ANGGOTA sheet, uploaded as both."""
    book = _workbook(
        {
            "Petunjuk": [["Isi kedua sheet"]],
            "KELUARGA": [
                ["ID_KELUARGA", "NO_KK", "KODE_WILAYAH"],
                ["K7", "3604052001100007", "3604052001"],
            ],
            "ANGGOTA": [
                ["ID_ANGGOTA", "ID_KELUARGA", "NIK", "NAMA"],
                ["A7", "K7", "3604051507870007", "Rudi Hartono"],
            ],
        }
    )
    files = {"keluarga": ("desa.xlsx", book), "anggota": ("desa.xlsx", book)}
    op = web.api("op_a")
    job = op.post(
        "/api/v1/imports",
        files=files,
        data={"source": "desa-buku", "sheet_keluarga": "KELUARGA", "sheet_anggota": "ANGGOTA"},
    ).json()
    done = op.get(f"/api/v1/imports/{job['id']}").json()
    assert done["status"] == "done", done["message"]
    assert done["summary"]["persons_new"] == 1
    wrong = op.post(
        "/api/v1/imports", files=files, data={"source": "desa-buku", "sheet_keluarga": "RUTA"}
    ).json()
    failed = op.get(f"/api/v1/imports/{wrong['id']}").json()
    assert failed["status"] == "failed" and "sheet 'RUTA' tidak ada" in failed["message"]


def test_an_import_job_runs_to_the_end(web: WebEnv) -> None:
    """On SQLite the import's transaction holds the only write lock: the job's progress steps
    must not wait for it (they waited, then failed the job with "database is locked")."""
    keluarga = "ID_KELUARGA,NO_KK,KODE_WILAYAH\nK8,3604052001100008,3604052001\n"
    anggota = "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA\nA8,K8,3604051507870008,Rina\nA9,K9,,Tanpa\n"
    op = web.api("op_a")
    job = op.post(
        "/api/v1/imports",
        files={"keluarga": ("k.csv", keluarga.encode()), "anggota": ("a.csv", anggota.encode())},
        data={"source": "desa-web"},
    ).json()
    done = op.get(f"/api/v1/imports/{job['id']}").json()
    assert done["status"] == "done", done["message"]
    assert (done["summary"]["persons_new"], done["summary"]["rows_rejected"]) == (1, 1)
    errors = op.get(f"/api/v1/imports/{job['id']}/errors")
    assert errors.status_code == 200 and "family_not_found" in errors.text
    # The job's folder is the server's alone, and the uploads are gone once it ended.
    with web.engine.connect() as conn:
        folder = Path(
            conn.execute(
                text("SELECT folder FROM web_import_job WHERE id = :i"), {"i": job["id"]}
            ).scalar_one()
        )
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    left = sorted(p.name for p in folder.iterdir())
    assert not any(name.startswith(("keluarga", "anggota")) for name in left), left
    assert left and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())


def test_an_import_names_the_date_of_its_data(web: WebEnv) -> None:
    """``as_of``: a readable date not in the future is kept with the batch; else 422 on the field."""
    from webdata import ANGGOTA, KELUARGA

    files = {"keluarga": ("k.csv", KELUARGA.encode()), "anggota": ("a.csv", ANGGOTA.encode())}
    op = web.api("ver")  # the batch holds both desa
    for bad in ("30-11-2026", "2999-01-01"):
        r = op.post("/api/v1/imports", files=files, data={"as_of": bad})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"][0]["loc"] == ["body", "as_of"]
    job = op.post(
        "/api/v1/imports", files=files, data={"source": "desa-kramatwatu", "as_of": "2026-10"}
    ).json()
    done = op.get(f"/api/v1/imports/{job['id']}").json()
    assert done["status"] == "done", done["message"]
    with web.engine.connect() as conn:
        as_of = conn.execute(
            text("SELECT as_of FROM batch WHERE id = :b"), {"b": done["batch_id"]}
        ).scalar_one()
    assert str(as_of) == "2026-10-31"
