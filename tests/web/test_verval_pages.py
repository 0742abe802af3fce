"""The verval pages: a proposal offers only the steps the user may take, a refused step shows
the page again with the reason and what was typed, the content in words; the inbox's filters,
SLA, paging and bulk steps; the linkage review queue's reasons, differences, skip and
confirmation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session
from webdata import DESA_A, DESA_B, WebEnv

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.store.models.linkage import ReviewPair
from terpadu.verval import create_proposal

BUTTON = re.compile(r'<button type="submit" name="action" value="([a-z]+)"')


def _post(client: TestClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(url, json=body)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def _correction(web: WebEnv, values: dict[str, Any], *, submit: bool = False) -> int:
    op = web.api("op_a")
    body = {"kind": "correct", "family_id": web.family("K1"), "values": values}
    pid = int(_post(op, "/api/v1/proposals", body)["id"])
    if submit:
        _post(op, f"/api/v1/proposals/{pid}/submit", {})
    return pid


def _buttons(web: WebEnv, username: str, pid: int) -> list[str]:
    client, _ = web.page(username)
    r = client.get(f"/usulan/{pid}")
    assert r.status_code == 200, r.text
    form = r.text.split('class="actions"', 1)
    return BUTTON.findall(form[1].split("</form>", 1)[0]) if len(form) == 2 else []


def _state(web: WebEnv, pid: int) -> tuple[str, int]:
    with web.engine.connect() as conn:
        row = conn.execute(
            text("SELECT state, version FROM proposal WHERE id = :i"), {"i": pid}
        ).one()
    return str(row.state), int(row.version)


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, page
    return found.group(1)


# -- one proposal: the steps offered --------------------------------------------------------
def test_each_role_is_offered_only_the_steps_it_may_take_now(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "009"})
    assert _buttons(web, "op_a", pid) == ["submit"]
    for other in ("ver", "adm", "aud", "ana"):
        assert _buttons(web, other, pid) == [], other
    client, _ = web.page("ver")
    assert "menunggu operator desa/kelurahan" in client.get(f"/usulan/{pid}").text

    _post(web.api("op_a"), f"/api/v1/proposals/{pid}/submit", {})
    assert _buttons(web, "ver", pid) == ["verify", "return", "reject"]
    for other in ("op_a", "adm", "aud"):
        assert _buttons(web, other, pid) == [], other
    client, _ = web.page("adm")
    assert "sedang menunggu verifikator kabupaten/kota" in client.get(f"/usulan/{pid}").text

    _post(web.api("ver"), f"/api/v1/proposals/{pid}/verify", {})
    assert _buttons(web, "adm", pid) == ["approve", "return", "reject"]
    assert _buttons(web, "ver", pid) == []

    _post(web.api("adm"), f"/api/v1/proposals/{pid}/approve", {})
    for who in ("op_a", "ver", "adm"):
        assert _buttons(web, who, pid) == [], who
    client, _ = web.page("adm")
    page = client.get(f"/usulan/{pid}?lang=en").text
    assert "This proposal has been decided" in page
    client, _ = web.page("aud")
    assert "Peran Anda hanya dapat membaca usulan." in client.get(f"/usulan/{pid}").text


def test_a_self_approving_region_offers_approve_at_the_first_level(web: WebEnv) -> None:
    (web.data_dir / "verval.yaml").write_text("regions:\n  '3604': [verifikator_kab]\n")
    pid = _correction(web, {"rt": "010"}, submit=True)
    assert _buttons(web, "ver", pid) == ["approve", "return", "reject"]


def test_a_draft_waiting_for_values_is_not_offered_for_submission(web: WebEnv) -> None:
    with web.engine.connect() as conn:
        budi = conn.execute(text("SELECT id FROM person WHERE nama = 'Budi'")).scalar_one()
    pid = create_proposal(
        web.engine,
        Actor("terpadu-dukcapil", OPERATOR_DESA, DESA_A),
        "correct",
        family_id=web.families["K1"],
        person_id=budi,
        pending=("nik",),
    )
    assert _buttons(web, "op_a", pid) == []
    client, _ = web.page("op_a")
    assert "Lengkapi dulu nilai yang benar untuk: NIK." in client.get(f"/usulan/{pid}").text


# -- one proposal: refused steps -------------------------------------------------------------
def test_a_stale_step_shows_the_page_again_with_the_reason_and_the_note(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "011"}, submit=True)
    client, csrf = web.page("ver")
    seen = _version(client.get(f"/usulan/{pid}").text)
    # Someone else returns it to the desa meanwhile.
    _post(web.api("ver"), f"/api/v1/proposals/{pid}/return", {"note": "cek RT"})
    note = "Sudah dicek <di lapangan>"
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "verify", "note": note, "version": seen, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 409
    assert "sudah diubah orang lain" in r.text
    assert "<nav " in r.text and 'class="state">dikembalikan<' in r.text
    # No step is left for the verifier: what was typed waits in the comment box.
    assert 'class="actions"' not in r.text
    assert (
        'name="note" rows="2" maxlength="2000" required>Sudah dicek &lt;di lapangan&gt;<' in r.text
    )
    assert _state(web, pid)[0] == "returned"

    # In English: the reason in English words, no Indonesian detail.
    r = client.post(
        f"/usulan/{pid}/aksi?lang=en",
        data={"action": "verify", "note": note, "version": seen, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 409 and "Someone else changed this proposal" in r.text
    assert "muat ulang" not in r.text


def test_a_refused_step_keeps_what_was_typed(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "012"}, submit=True)
    client, csrf = web.page("ver")
    version = _version(client.get(f"/usulan/{pid}").text)
    _post(web.api("ver"), f"/api/v1/proposals/{pid}/verify", {})
    _post(web.api("adm"), f"/api/v1/proposals/{pid}/return", {"note": "x"})
    _post(web.api("op_a"), f"/api/v1/proposals/{pid}/submit", {})
    # The proposal is back at the verifier's level, at another version: a stale form.
    note = "RT sesuai KK"
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "verify", "note": note, "version": version, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 409
    assert f">{note}</textarea>" in r.text
    assert BUTTON.findall(r.text.split('class="actions"', 1)[1])[:1] == ["verify"]


def test_reject_without_a_note_is_asked_beside_the_field(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "013"}, submit=True)
    client, csrf = web.page("ver")
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "reject", "note": "  ", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert 'aria-invalid="true"' in r.text and "Tuliskan alasan penolakan" in r.text
    assert _state(web, pid)[0] == "submitted"


def test_a_wrong_role_step_is_refused_on_the_page(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "014"}, submit=True)
    client, csrf = web.page("adm")
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "approve", "note": "ok", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert "Peran Anda tidak dapat mengambil langkah itu" in r.text and ">ok</textarea>" in r.text
    assert _state(web, pid)[0] == "submitted"


def test_a_step_outside_the_region_stays_not_found(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "015"})
    client, csrf = web.page("op_b")
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "submit", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 404 and "Kp. Baru" not in r.text


def test_a_step_taken_redirects_and_says_so(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "016"})
    client, csrf = web.page("op_a")
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "submit", "version": _version(client.get(f"/usulan/{pid}").text),
              "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"/usulan/{pid}?pesan=submit"
    assert "Usulan diajukan." in client.get(r.headers["location"]).text
    r = client.post(
        f"/usulan/{pid}/aksi",
        data={"action": "comment", "note": "mohon dicek", "csrf_token": csrf},
        follow_redirects=False,
    )
    page = client.get(r.headers["location"]).text
    assert "Komentar terkirim." in page and "mohon dicek" in page


# -- one proposal: content and history in words ----------------------------------------------
def test_the_content_and_history_are_in_words_not_codes(web: WebEnv) -> None:
    pid = _correction(web, {"luas_lantai": "42.25", "jenis_lantai": "2"}, submit=True)
    client, _ = web.page("ver")
    page = client.get(f"/usulan/{pid}").text
    assert "Luas lantai (m²)" in page and "Jenis lantai terluas" in page
    assert "<td>36,5</td>" in page and "<strong>42,25</strong>" in page
    assert "<td>Tanah</td>" in page and "<strong>Keramik</strong>" in page
    assert "dibuat" in page and "draf → diajukan" in page and "operator desa/kelurahan" in page
    for raw in ("luas_lantai", "jenis_lantai", '"changes":', "<pre>", "submitted", "usulan."):
        assert raw not in page, raw
    en = client.get(f"/usulan/{pid}?lang=en").text
    assert "Floor area (m²)" in en and "<td>36.5</td>" in en and "<strong>Ceramic" in en
    assert "draft → submitted" in en and "created" in en and "village operator" in en
    for word in ("Luas lantai", "diajukan", "Tanah", "dibuat", "Catatan"):
        assert word not in en, word


def test_a_new_family_shows_each_member_with_coded_values_by_name(web: WebEnv) -> None:
    body = {
        "kind": "new_family",
        "values": {"kode_wilayah": DESA_A, "alamat": "Kp. Anyar", "aset_kulkas": 1},
        "members": [{"nama": "Dewi", "jenis_kelamin": 2, "tgl_lahir": "1995-12-25",
                     "hub_keluarga": 1}],
    }  # fmt: skip
    pid = int(_post(web.api("op_a"), "/api/v1/proposals", body)["id"])
    client, _ = web.page("op_a")
    page = client.get(f"/usulan/{pid}").text
    assert "Anggota 1" in page and "Perempuan" in page and "25 Des 1995" in page
    assert "Kepala keluarga" in page and "Punya lemari es" in page and "<td>Ya</td>" in page


# -- inbox ----------------------------------------------------------------------------------
def _codes(page: str) -> list[str]:
    return re.findall(r'<a href="/usulan/\d+">(USL\d+)</a></td>', page)


def _age(web: WebEnv, pid: int, days: int) -> None:
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with web.engine.begin() as conn:
        conn.execute(
            text("UPDATE proposal SET state_since = :s WHERE id = :i"), {"s": since, "i": pid}
        )


def _code(pid: int) -> str:
    return f"USL{pid:010d}"


def test_the_inbox_counts_what_waits_for_me_and_puts_overdue_first(web: WebEnv) -> None:
    fresh = _correction(web, {"rt": "021"}, submit=True)
    late = _correction(web, {"rt": "022"}, submit=True)
    draft = _correction(web, {"rt": "023"})
    _age(web, late, 20)
    client, _ = web.page("ver")
    page = client.get("/usulan").text
    assert "2 usulan menunggu Anda" in page and "1 lewat target" in page
    assert _codes(page) == [_code(late), _code(fresh)]
    assert "20,0 dari 14 hari" in page and "lewat target</strong>" in page
    everything = client.get("/usulan", params={"untuk": "semua"}).text
    assert "3 usulan" in everything and _code(draft) in everything
    newest = client.get("/usulan", params={"untuk": "semua", "urut": "baru"}).text
    assert _codes(newest) == [_code(draft), _code(late), _code(fresh)]
    older = client.get("/usulan", params={"umur": "10"}).text
    assert _codes(older) == [_code(late)]
    en = client.get("/usulan?lang=en").text
    assert "2 proposals waiting for you" in en and "20.0 of 14 days" in en
    assert "menunggu" not in en.lower()


def test_the_inbox_filters_by_region_kind_creator_and_source(web: WebEnv) -> None:
    a = _correction(web, {"rt": "031"}, submit=True)
    op_b = web.api("op_b")
    body = {"kind": "deactivate", "family_id": web.family("K2"), "reason": "pindah"}
    b = int(_post(op_b, "/api/v1/proposals", body)["id"])
    _post(op_b, f"/api/v1/proposals/{b}/submit", {})
    system = create_proposal(
        web.engine,
        Actor("terpadu-linkage", OPERATOR_DESA, DESA_B),
        "deactivate",
        family_id=web.families["K2"],
        reason="ganda",
    )
    client, _ = web.page("ver")
    every = {"untuk": "semua"}
    page = client.get("/usulan", params=every).text
    assert f'<option value="{DESA_A}"' in page and '<option value="360405"' in page
    assert set(_codes(page)) == {_code(a), _code(b), _code(system)}
    by_desa = client.get("/usulan", params={**every, "wilayah": DESA_B}).text
    assert set(_codes(by_desa)) == {_code(b), _code(system)}
    assert "2 usulan" in by_desa and f'<option value="{DESA_B}" selected' in by_desa
    by_kind = client.get("/usulan", params={**every, "jenis": "correct"}).text
    assert _codes(by_kind) == [_code(a)]
    by_creator = client.get("/usulan", params={**every, "pembuat": "op_b"}).text
    assert _codes(by_creator) == [_code(b)]
    drafts = client.get("/usulan", params={**every, "sumber": "sistem"}).text
    assert _codes(drafts) == [_code(system)]
    people = client.get("/usulan", params={**every, "sumber": "petugas"}).text
    assert set(_codes(people)) == {_code(a), _code(b)}
    # The desa operator sees and may choose only its own desa.
    own, _ = web.page("op_a")
    mine = own.get("/usulan", params={**every, "wilayah": DESA_B}).text
    assert _codes(mine) == [] and f'<option value="{DESA_B}"' not in mine
    # A masked role filters no finer than it sees regions: the kabupaten/kota.
    auditor, _ = web.page("aud")
    coarse = auditor.get("/usulan", params={"wilayah": DESA_B}).text
    assert set(_codes(coarse)) == {_code(a), _code(b), _code(system)}
    assert '<option value="3604" selected' in coarse and f'value="{DESA_A}"' not in coarse
    # Nonsense in the query is dropped, not an error page.
    odd = client.get("/usulan", params={"umur": "", "jenis": "x", "wilayah": "abc", "urut": "?"})
    assert odd.status_code == 200


def test_the_inbox_pages_with_its_filters_kept(web: WebEnv) -> None:
    made = [_correction(web, {"rt": f"04{i}"}, submit=True) for i in range(3)]
    client, _ = web.page("ver")
    first = client.get("/usulan", params={"urut": "lama"}).text
    assert "Menampilkan 1–3 dari 3" in first
    assert _codes(first) == [_code(p) for p in made]
    page = client.get("/usulan", params={"urut": "lama", "offset": "2"}).text
    assert _codes(page) == [_code(made[2])] and "Menampilkan 3–3 dari 3" in page
    assert 'href="/usulan?urut=lama">Sebelumnya' in page


def test_bulk_steps_keep_working_and_report_each_proposal(web: WebEnv) -> None:
    one = _correction(web, {"rt": "051"}, submit=True)
    two = _correction(web, {"rt": "052"}, submit=True)
    draft = _correction(web, {"rt": "053"})
    client, csrf = web.page("ver")
    r = client.post(
        "/usulan/massal",
        data={"action": "verify", "ids": [str(one), str(two), str(draft)], "csrf_token": csrf,
              "jenis": "correct"},
    )  # fmt: skip
    assert r.status_code == 200
    assert f"{_code(one)}</a>: sekarang diverifikasi" in r.text
    assert f"{_code(draft)}</a>: tidak dapat diproses" in r.text
    assert '<option value="correct" selected' in r.text
    assert [_state(web, p)[0] for p in (one, two, draft)] == ["verified", "verified", "draft"]
    refused = client.post(
        "/usulan/massal", data={"action": "reject", "ids": [str(one)], "csrf_token": csrf}
    )
    assert refused.status_code == 422 and "Tuliskan alasan" in refused.text
    assert _state(web, one)[0] == "verified"


# -- linkage review queue -------------------------------------------------------------------
def _pair(web: WebEnv) -> int:
    """A queued pair: Ahmad (man, 1987) and Siti (woman, 1987-07-01) read as one person."""
    with web.engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT nama, id FROM person")).all())
    explanation = [
        {"comparison": "nik", "level": "NIK nomor urut berdekatan", "weight": 4.5,
         "left": None, "right": None},
        {"comparison": "dob", "level": "tahun lahir sama", "weight": 1.25,
         "left": None, "right": None},
        {"comparison": "sex", "level": "All other comparisons", "weight": -2.0,
         "left": 1, "right": 2},
        {"comparison": "family", "level": "2 pasangan anggota lain dari kedua keluarga cocok",
         "weight": 3.0, "left": None, "right": None},
    ]  # fmt: skip
    with Session(web.engine) as session, session.begin():
        pair = ReviewPair(
            run_id=1, person_a=ids["Ahmad bin Salim"], person_b=ids["Siti Aminah"],
            match_probability=0.93, match_weight=3.9, explanation=explanation,
            state="pending", kode_wilayah=DESA_A,
        )  # fmt: skip
        session.add(pair)
        session.flush()
        return int(pair.id)


def test_a_pair_says_why_and_what_differs_in_words(web: WebEnv) -> None:
    _pair(web)
    client, _ = web.page("ver")
    page = client.get("/tautan").text
    assert "1 pasangan menunggu keputusan" in page and "93 %" in page
    assert "Tanggal lahir" in page and "tgl_lahir" not in page and "jenis_kelamin" not in page
    assert "Jenis kelamin berbeda: Laki-laki dan Perempuan." in page
    assert "NIK dengan nomor urut berdekatan" in page and "4,5" in page
    assert "−2,0" in page or "-2,0" in page
    assert "mendukung berbeda" in page and "2 pasangan anggota lain" in page
    en = client.get("/tautan?lang=en").text
    assert "Different sex: Male and Female." in en and "NIK with a neighbouring serial" in en
    assert "Date of birth" in en and "berbeda" not in en and "sama" not in en.lower()


def test_a_birth_year_difference_is_said_plainly(web: WebEnv) -> None:
    pid = _pair(web)
    with web.engine.begin() as conn:
        joko = conn.execute(text("SELECT id FROM person WHERE nama = 'Joko Susilo'")).scalar()
        conn.execute(
            text("UPDATE review_pair SET person_b = :b WHERE id = :i"), {"b": joko, "i": pid}
        )
    client, _ = web.page("adm")
    page = client.get("/tautan").text
    assert "Tahun lahir berbeda: 1987 dan 1990 (selisih 3 tahun)." in page


def test_merging_needs_the_confirmation_and_skip_does_not(web: WebEnv) -> None:
    pid = _pair(web)
    client, csrf = web.page("ver")
    r = client.post(
        f"/tautan/{pid}",
        data={"decision": "different", "note": "beda orang", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "Centang" in r.text and 'value="beda orang"' in r.text
    with web.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM link_decision")).scalar() == 0
        assert (
            conn.execute(text("SELECT state FROM review_pair WHERE id = :i"), {"i": pid}).scalar()
            == "pending"
        )
    r = client.post(
        f"/tautan/{pid}",
        data={"decision": "different", "yakin": "1", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "orang berbeda" in client.get(r.headers["location"]).text
    with web.engine.connect() as conn:
        row = conn.execute(
            text("SELECT state, decision, decided_by FROM review_pair WHERE id = :i"), {"i": pid}
        ).one()
    assert tuple(row) == ("decided", "different", "ver")

    # The same form sent again (another clerk's, or a second click): said on the queue page.
    again = client.post(
        f"/tautan/{pid}",
        data={"decision": "same", "yakin": "1", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert again.status_code == 409 and "sudah diputuskan atau dilewati" in again.text
    assert "<nav " in again.text

    other = _pair(web)
    r = client.post(
        f"/tautan/{other}", data={"decision": "skip", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "Pasangan dilewati" in client.get(r.headers["location"]).text
    with web.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT state FROM review_pair WHERE id = :i"), {"i": other}).scalar()
            == "skipped"
        )
        audited = conn.execute(
            text(
                "SELECT entity_id FROM audit_event WHERE action = 'linkage.review' "
                "AND entity = 'review_pair' ORDER BY id"
            )
        ).scalars()
        assert list(audited) == [str(pid), str(other)]


@pytest.mark.parametrize("username", ["aud", "op_b"])
def test_a_pair_cannot_be_decided_without_the_right(web: WebEnv, username: str) -> None:
    pid = _pair(web)
    client, csrf = web.page(username)
    r = client.post(
        f"/tautan/{pid}",
        data={"decision": "same", "yakin": "1", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code in (403, 404)
    page = client.get("/tautan").text
    assert 'name="decision"' not in page or username == "op_b"
    with web.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT state FROM review_pair WHERE id = :i"), {"i": pid}).scalar()
            == "pending"
        )


def test_pages_have_table_headers_and_wrap_for_phones(web: WebEnv) -> None:
    pid = _correction(web, {"rt": "061"}, submit=True)
    _pair(web)
    client, _ = web.page("ver")
    for url in ("/usulan", f"/usulan/{pid}", "/tautan"):
        page = client.get(url).text
        assert page.count("<table") == page.count("<thead>"), url
        assert page.count("<table") == page.count('<div class="table-wrap"><table'), url
