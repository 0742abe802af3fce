"""The audit viewer: for auditors and admins, region-scoped, events in words, values
masked for the reader's role, filters, the chain check, and the audited export."""

from __future__ import annotations

import polars as pl
from sqlalchemy import text
from webdata import DESA_A, WebEnv

from terpadu.access import Actor
from terpadu.verval import create_proposal

OP_A = Actor("op_a", "operator_desa", DESA_A)
NEW_NIK = "3604051507870009"


def _nik_correction(web: WebEnv) -> int:
    with web.engine.connect() as conn:
        person = conn.execute(text("SELECT id FROM person WHERE id_anggota = 'A1'")).scalar_one()
    return create_proposal(
        web.engine,
        OP_A,
        "correct",
        family_id=web.families["K1"],
        person_id=int(person),
        values={"nik": NEW_NIK},
    )


def test_only_auditors_and_admins_read_the_log(web: WebEnv) -> None:
    for name in ("op_a", "ver", "ana"):
        client, _ = web.page(name)
        assert client.get("/audit").status_code == 403
    for name in ("aud", "adm"):
        client, _ = web.page(name)
        page = client.get("/audit")
        assert page.status_code == 200 and "<thead>" in page.text


def test_events_in_words_masked_and_region_scoped(web: WebEnv) -> None:
    pid = _nik_correction(web)
    aud, _ = web.page("aud")
    page = aud.get("/audit", params={"aksi": "usulan.create"})
    assert "Usulan dibuat" in page.text and "usulan.create</td>" not in page.text
    assert NEW_NIK not in page.text and "3604********0009" in page.text
    english = aud.get("/audit", params={"aksi": "usulan.create", "lang": "en"})
    assert "Proposal created" in english.text

    adm, _ = web.page("adm")
    full = adm.get("/audit", params={"entitas": f"USL{pid:010d}"})
    assert NEW_NIK in full.text  # an admin provinsi sees the registry in full
    assert "1 event." in full.text
    # A national account's login has no region: the national auditor sees it, a province
    # admin does not (it sees its province's events only).
    logins = {"aksi": "auth.login", "pelaku": "aud", "lang": "id"}
    assert "Masuk</td>" in aud.get("/audit", params=logins).text
    assert "0 event." in adm.get("/audit", params=logins).text


def test_bad_filter_is_shown_beside_its_field(web: WebEnv) -> None:
    aud, _ = web.page("aud")
    page = aud.get("/audit", params={"dari": "2026-13-40", "pelaku": "op_a"})
    assert page.status_code == 400
    assert 'role="alert"' in page.text and 'value="op_a"' in page.text
    backwards = aud.get("/audit", params={"dari": "2026-12-06", "sampai": "2026-12-01"})
    assert backwards.status_code == 400


def test_chain_check_and_audited_export(web: WebEnv) -> None:
    _nik_correction(web)
    aud, csrf = web.page("aud")
    check = aud.get("/audit/verifikasi")
    assert check.status_code == 200 and "Log audit utuh" in check.text

    refused = aud.post("/audit/unduh.csv", data={"csrf_token": csrf, "aksi": "usulan.create"})
    assert refused.status_code == 400 and 'id="purpose-error"' in refused.text

    taken = aud.post(
        "/audit/unduh.csv",
        data={"csrf_token": csrf, "aksi": "usulan.create", "purpose": "pemeriksaan BPK 2026"},
    )
    assert taken.status_code == 200
    frame = pl.read_csv(taken.content, infer_schema=False)
    assert frame["AKSI"].to_list() == ["usulan.create"]
    assert NEW_NIK not in taken.text and frame["HASH"][0]
    with web.engine.connect() as conn:
        after = conn.execute(
            text("SELECT after FROM audit_event WHERE action = 'export.audit'")
        ).scalar_one()
    assert "pemeriksaan BPK 2026" in str(after)


def test_region_filter_within_the_readers_scope(web: WebEnv) -> None:
    _nik_correction(web)
    adm, _ = web.page("adm")
    own = adm.get("/audit", params={"wilayah": "3604", "aksi": "usulan.create", "lang": "id"})
    assert own.status_code == 200 and "1 event." in own.text
    other_kab = adm.get("/audit", params={"wilayah": "3601", "aksi": "usulan.create"})
    assert other_kab.status_code == 200 and "0 event" in other_kab.text
    elsewhere = adm.get("/audit", params={"wilayah": "3201", "lang": "id"})
    assert elsewhere.status_code == 400 and "di luar wilayah kerja" in elsewhere.text
    assert 'value="3201"' in elsewhere.text

    aud, _ = web.page("aud")  # masked: no finer than kabupaten/kota
    assert aud.get("/audit", params={"wilayah": "3604"}).status_code == 200
    fine = aud.get("/audit", params={"wilayah": DESA_A, "lang": "id"})
    assert fine.status_code == 400 and "kabupaten/kota" in fine.text
    assert aud.get("/audit", params={"wilayah": "36x"}).status_code == 400


def test_an_editions_anchor_is_named_in_the_pages_language(web: WebEnv) -> None:
    admin, csrf = web.page("adm")
    published = admin.post(
        "/edisi", data={"csrf_token": csrf, "period": "2026-10"}, follow_redirects=False
    )
    assert published.status_code == 303, published.text
    aud, _ = web.page("aud")
    english = aud.get("/audit/verifikasi", params={"lang": "en"})
    assert english.status_code == 200
    assert ">edition 2026-10<" in english.text and "edisi 2026-10" not in english.text
    bahasa = aud.get("/audit/verifikasi", params={"lang": "id"})
    assert ">edisi 2026-10<" in bahasa.text
