"""The family and person pages, and the proposals a desa operator makes from them."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from webdata import WebEnv

from terpadu.settings import Settings
from terpadu.store.ids import person_code
from terpadu.web import create_app
from terpadu.web.upload_limit import body_limit

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def _proposals(web: WebEnv) -> list[Any]:
    with web.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, kind, state, person_id, reason, payload FROM proposal ORDER BY id")
        ).all()
    return [(r.id, r.kind, r.state, r.person_id, r.reason, _json(r.payload)) for r in rows]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _person(web: WebEnv, nama: str) -> int:
    with web.engine.connect() as conn:
        return int(
            conn.execute(text("SELECT id FROM person WHERE nama = :n"), {"n": nama}).scalar_one()
        )


def _form_values(html: str) -> dict[str, str]:
    """The fields a form page is filled in with (text inputs and chosen options)."""
    values = dict(
        re.findall(r'<input type="(?:text|number|date)" name="([^"]+)" value="([^"]*)"', html)
    )
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def _words(html: str) -> str:
    """The text a reader sees (tags, and so class names, left out)."""
    return re.sub(r"<[^>]+>", " ", html)


# -- the family page ---------------------------------------------------------------------------
def test_family_page_speaks_in_words_in_both_languages(web: WebEnv) -> None:
    client, _ = web.page("op_a")
    page = client.get(f"/keluarga/{web.family('K1')}").text
    # Sex and relationship by name, birth dates in words, the address apart from RT/RW.
    assert "Laki-laki" in page and "Perempuan" in page and "Kepala keluarga" in page
    assert "15 Jul 1987" in page
    assert "<dd>Kp. Baru</dd>" in page and "001 / 002" in page and "RT 001" not in page
    assert "Kramatwatu" in page and "Kabupaten Serang" in page
    assert f'href="/keluarga/{web.family("K1")}/penjelasan"' in page
    assert f'href="/anggota/{person_code(_person(web, "Budi"))}"' in page
    # Every table has its header and sits in a scrolling wrapper (390 px phones).
    assert page.count("<table") == page.count("<thead>") == page.count('class="table-wrap"')
    english = _words(client.get(f"/keluarga/{web.family('K1')}?lang=en").text)
    assert "Male" in english and "Head of family" in english and "active" in english
    assert "Laki-laki" not in english and "aktif" not in english


def test_score_decimal_and_rank_grouped_by_language(web: WebEnv) -> None:
    family = web.families["K1"]
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO welfare_run (id, model_version, model_kind, model_sha256, engine, "
                "snapshot_sha256, reference_date, deprivation_config, deprivation_sha256, "
                "families_ranked, families_skipped, actor, started_at) VALUES (1, 'm', 'ols', "
                "'x', 'duckdb', 'x', :d, 'x', 'x', 1, 0, 'test', :t)"
            ),
            {"d": now.date(), "t": now},
        )
        conn.execute(
            text(
                "INSERT INTO family_welfare (id, run_id, family_id, is_current, model_version, "
                "ranked_at, kode_provinsi, kode_kabkota, pmt_score, persentil, desil, "
                "rank_nasional, rank_provinsi, rank_kabkota, skor_deprivasi, skor_dimensi, "
                "miskin_multidimensi) VALUES (1, 1, :f, 1, 'm', :t, '36', '3604', 13.686, 15, 2, "
                "1, 1, 1613, 0.25, '{}', 0)"
            ),
            {"f": family, "t": now},
        )
    client, _ = web.page("op_a")
    page = client.get(f"/keluarga/{web.family('K1')}").text
    assert "Skor PMT 13,686" in page and "1.613" in page and "0,25" in page
    english = client.get(f"/keluarga/{web.family('K1')}?lang=en").text
    assert "PMT score 13.686" in english and "1,613" in english


# -- correcting a family -----------------------------------------------------------------------
def test_family_correction_proposes_only_what_changed(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    fam = web.family("K1")
    form = client.get(f"/keluarga/{fam}/usulan?jenis=koreksi")
    assert form.status_code == 200
    values = _form_values(form.text)
    # Filled in with the record, address and RT/RW apart; coded fields chosen by name.
    assert values["alamat"] == "Kp. Baru" and values["rt"] == "001" and values["rw"] == "002"
    assert values["jenis_lantai"] == "8" and ">Tanah</option>" in form.text
    assert 'type="number" name="luas_lantai" value="36.5"' in form.text
    values |= {"luas_lantai": "40,5", "rt": "5"}  # the decimal comma, RT without zeros
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={**values, "kind": "correct", "submit_now": "1", "csrf_token": csrf},
        files={"bukti": ("kunjungan.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[-2000:]
    [(pid, kind, state, _, _, payload)] = _proposals(web)
    assert r.headers["location"] == f"/usulan/{pid}"
    assert (kind, state) == ("correct", "submitted")
    assert payload["changes"] == {
        "rt": {"old": "001", "new": "005"},
        "luas_lantai": {"old": 36.5, "new": 40.5},
    }
    with web.engine.connect() as conn:
        name, sha = conn.execute(text("SELECT file_name, sha256 FROM proposal_evidence")).one()
        audited = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'usulan.attach'")
        ).scalar()
    assert name == "kunjungan.png" and audited == 1
    assert (web.data_dir / "evidence" / sha[:2] / sha).read_bytes() == PNG


def test_a_form_that_sends_one_field_corrects_that_field_only(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = client.post(
        f"/keluarga/{web.family('K1')}/usulan",
        data={"kind": "correct", "alamat": "", "luas_lantai": "40", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    [(_, _, _, _, _, payload)] = _proposals(web)
    # The emptied address is proposed for removal; fields not sent are left alone.
    assert payload["changes"] == {
        "luas_lantai": {"old": 36.5, "new": 40.0},
        "alamat": {"old": "Kp. Baru", "new": None},
    }


def test_an_address_imported_with_its_rt_is_refused_only_when_edited(web: WebEnv) -> None:
    with web.engine.begin() as conn:
        conn.execute(
            text("UPDATE family SET alamat = 'Kp. Baru RT 001 RW 002' WHERE id = :f"),
            {"f": web.families["K1"]},
        )
    client, csrf = web.page("op_a")
    fam = web.family("K1")
    values = _form_values(client.get(f"/keluarga/{fam}/usulan?jenis=koreksi").text)
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={**values, "jumlah_ternak": "2", "kind": "correct", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={**values, "alamat": "Kp. Baru Permai RT 001", "kind": "correct", "csrf_token": csrf},
    )
    assert r.status_code == 422 and "bukan di alamat" in r.text


def test_invalid_correction_comes_back_with_what_was_typed(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    fam = web.family("K1")
    values = _form_values(client.get(f"/keluarga/{fam}/usulan?jenis=koreksi").text)
    typed = {
        "alamat": "Kp. Baru RT 001/RW 002",
        "luas_lantai": "-3",
        "jenis_lantai": "99",
        "jumlah_ternak": "2.5",
    }
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={**values, **typed, "kind": "correct", "csrf_token": csrf},
    )
    assert r.status_code == 422
    page = r.text
    assert 'value="Kp. Baru RT 001/RW 002"' in page and 'value="-3"' in page
    errors = re.findall(r'<span class="alert" role="alert">([^<]+)</span>', page)
    assert "Tulis RT dan RW di kolomnya sendiri, bukan di alamat." in errors
    assert "Harus lebih dari 0." in errors and "Pilih salah satu dari daftar." in errors
    assert "Tulis bilangan bulat." in errors
    assert "<nav " in page  # the whole page with its navigation, not a bare error
    assert _proposals(web) == []
    # Nothing changed at all is said on the form too.
    r = client.post(
        f"/keluarga/{fam}/usulan?lang=en", data={**values, "kind": "correct", "csrf_token": csrf}
    )
    assert r.status_code == 422 and "Nothing was changed" in r.text


def test_evidence_must_be_a_picture_or_pdf(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    fam = web.family("K1")
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={"kind": "deactivate", "reason": "pindah", "csrf_token": csrf},
        files={"bukti": ("ktp.jpg", b"MZ\x90\0 not a picture at all", "image/jpeg")},
    )
    assert r.status_code == 422
    assert "Berkas ktp.jpg bukan JPG, PNG, WebP atau PDF." in r.text
    assert '<option value="pindah" selected>' in r.text
    assert _proposals(web) == []


def test_deactivation_needs_a_reason(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    fam = web.family("K1")
    r = client.post(f"/keluarga/{fam}/usulan", data={"kind": "deactivate", "csrf_token": csrf})
    assert r.status_code == 422 and "Pilih salah satu dari daftar." in r.text
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={"kind": "deactivate", "reason": "pindah", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert [(k, s, reason) for _, k, s, _, reason, _ in _proposals(web)] == [
        ("deactivate", "draft", "pindah")
    ]


# -- members -----------------------------------------------------------------------------------
def test_add_member_with_named_codes(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    fam = web.family("K1")
    form = client.get(f"/keluarga/{fam}/usulan?jenis=tambah-anggota").text
    assert 'type="date" name="tgl_lahir"' in form and ">Anak</option>" in form
    english = client.get(f"/keluarga/{fam}/usulan?jenis=tambah-anggota&lang=en").text
    assert ">Child</option>" in english and ">Female</option>" in english
    assert ">Anak</option>" not in english
    client.get(f"/keluarga/{fam}?lang=id")  # back to Bahasa Indonesia (the language cookie)
    member = {
        "nama": "Rina",
        "jenis_kelamin": "2",
        "tgl_lahir": "2024-02-03",
        "hub_keluarga": "3",
        "nik": "1234",
    }
    r = client.post(
        f"/keluarga/{fam}/usulan", data={**member, "kind": "add_member", "csrf_token": csrf}
    )
    assert r.status_code == 422 and "NIK tidak sah." in r.text and 'value="Rina"' in r.text
    member["nik"] = ""
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={**member, "kind": "add_member", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[-1500:]
    [(_, kind, _, _, _, payload)] = _proposals(web)
    assert kind == "add_member"
    assert payload["person"] == {
        "nama": "Rina",
        "jenis_kelamin": 2,
        "tgl_lahir": "2024-02-03",
        "hub_keluarga": 3,
    }


def test_member_correction_and_removal(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    budi = person_code(_person(web, "Budi"))
    values = _form_values(client.get(f"/anggota/{budi}/usulan?jenis=koreksi").text)
    assert values["nama"] == "Budi" and values["tgl_lahir"] == "2010-01-01"
    assert values["jenis_kelamin"] == "1" and values["hub_keluarga"] == "3"
    r = client.post(
        f"/anggota/{budi}/usulan",
        data={**values, "tgl_lahir": "2010-01-02", "kind": "correct", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[-1500:]
    r = client.post(f"/anggota/{budi}/usulan", data={"kind": "remove_member", "csrf_token": csrf})
    assert r.status_code == 422 and "Pilih salah satu dari daftar." in r.text
    r = client.post(
        f"/anggota/{budi}/usulan",
        data={"kind": "remove_member", "reason": "meninggal", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    rows = _proposals(web)
    assert [(k, p, reason) for _, k, _, p, reason, _ in rows] == [
        ("correct", _person(web, "Budi"), None),
        ("remove_member", _person(web, "Budi"), "meninggal"),
    ]
    assert rows[0][5]["changes"] == {"tgl_lahir": {"old": "2010-01-01", "new": "2010-01-02"}}


# -- a new family ------------------------------------------------------------------------------
def test_new_family_with_its_members(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    form = client.get("/keluarga-baru").text
    assert _form_values(form)["kode_wilayah"] == "3604052001"
    data = {
        "csrf_token": csrf,
        "anggota": "2",
        "kode_wilayah": "3604052001",
        "alamat": "Kp. Sawah",
        "rt": "3",
        "rw": "1",
        "m0.nama": "Dedi",
        "m0.jenis_kelamin": "1",
        "m0.hub_keluarga": "3",
        "m1.nama": "Euis",
        "m1.hub_keluarga": "3",
    }
    # One more member block: what was typed stays, nothing is made.
    more = client.post("/keluarga-baru", data={**data, "tambah": "1"})
    assert more.status_code == 200 and 'name="m2.nama"' in more.text and 'value="Euis"' in more.text
    r = client.post("/keluarga-baru", data=data)
    assert r.status_code == 422 and "Tepat satu anggota harus kepala keluarga." in r.text
    r = client.post("/keluarga-baru", data={**data, "kode_wilayah": "3604052002"})
    assert r.status_code == 422 and "di luar wilayah kerja Anda" in r.text
    data["m0.hub_keluarga"] = "1"
    r = client.post("/keluarga-baru", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[-1500:]
    [(_, kind, _, _, _, payload)] = _proposals(web)
    assert kind == "new_family"
    assert payload["family"] == {
        "kode_wilayah": "3604052001",
        "alamat": "Kp. Sawah",
        "rt": "003",
        "rw": "001",
    }
    assert [m["nama"] for m in payload["members"]] == ["Dedi", "Euis"]


# -- the person page ---------------------------------------------------------------------------
def test_person_page_masks_for_masked_roles_and_shows_linked_records(web: WebEnv) -> None:
    ahmad, joko = _person(web, "Ahmad bin Salim"), _person(web, "Joko Susilo")
    with web.engine.begin() as conn:  # linkage put Joko's registration in Ahmad's cluster
        conn.execute(
            text("UPDATE person SET resolved_person_id = :a WHERE id IN (:a, :j)"),
            {"a": ahmad, "j": joko},
        )
    client, _ = web.page("op_a")
    page = client.get(f"/anggota/{person_code(ahmad)}").text
    assert "3604051507870001" in page and "15 Jul 1987" in page and "Laki-laki" in page
    assert "Kepala keluarga" in page and f'href="/keluarga/{web.family("K1")}"' in page
    # Joko's registration is in desa B: op_a sees that it exists, not who it is.
    assert person_code(joko) in page and "Joko" not in page
    assert f'href="/anggota/{person_code(ahmad)}/usulan?jenis=koreksi"' in page
    analyst, _ = web.page("ana")
    masked = analyst.get(f"/anggota/{person_code(ahmad)}").text
    assert "3604********0001" in masked and "3604051507870001" not in masked
    assert "15 Jul 1987" not in masked and "1987" in masked
    assert "Joko Susilo" in masked  # national scope: the linked registration is shown
    assert "/usulan?jenis=" not in masked
    other, _ = web.page("op_b")
    assert other.get(f"/anggota/{person_code(ahmad)}").status_code == 404


def test_only_a_desa_operator_proposes(web: WebEnv) -> None:
    fam = web.family("K1")
    client, csrf = web.page("ver")
    assert client.get(f"/keluarga/{fam}/usulan?jenis=koreksi").status_code == 403
    assert client.get("/keluarga-baru").status_code == 403
    r = client.post(
        f"/keluarga/{fam}/usulan",
        data={"kind": "deactivate", "reason": "pindah", "csrf_token": csrf},
    )
    assert r.status_code == 403
    assert _proposals(web) == []
    assert "/usulan?jenis=" not in client.get(f"/keluarga/{fam}").text


def test_evidence_opens_for_full_readers_in_region_only(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = client.post(
        f"/keluarga/{web.family('K1')}/usulan",
        data={"kind": "deactivate", "reason": "pindah", "csrf_token": csrf},
        files={"bukti": ("ba.pdf", b"%PDF-1.4 berita acara", "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    with web.engine.connect() as conn:
        evidence_id = conn.execute(text("SELECT id FROM proposal_evidence")).scalar_one()
    got = client.get(f"/bukti/{evidence_id}")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert got.headers["content-type"] == "application/pdf"
    assert "attachment" in got.headers["content-disposition"]
    verifier, _ = web.page("ver")
    assert verifier.get(f"/bukti/{evidence_id}").status_code == 200
    analyst, _ = web.page("ana")
    assert analyst.get(f"/bukti/{evidence_id}").status_code == 403
    other, _ = web.page("op_b")
    assert other.get(f"/bukti/{evidence_id}").status_code == 404


def test_a_proposal_form_too_large_is_refused_while_it_arrives(web: WebEnv, tmp_path: Any) -> None:
    limit = 4096
    settings = Settings(data_dir=tmp_path / "kecil", upload_max_bytes=limit)
    app = create_app(web.engine, settings, migrate=False)
    client = TestClient(app, raise_server_exceptions=False)
    body = b"x" * (body_limit(limit) + 1)
    for path in (f"/keluarga/{web.family('K1')}/usulan", "/anggota/ORG0000000001/usulan"):
        r = client.post(path, content=body, headers={"content-type": "multipart/form-data; b=x"})
        assert r.status_code == 413 and "Berkas terlalu besar" in r.text
    assert not (tmp_path / "kecil" / "tmp").exists()
