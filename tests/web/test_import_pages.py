"""The import pages: past jobs, progress in words, refusals beside their field, problem files;
the dashboard's problems by name."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from ranked import rank
from sqlalchemy import text
from webdata import ANGGOTA, DESA_A, KELUARGA, WebEnv

from terpadu.web.dashboard import DASHBOARD_CACHE, Dashboard, DesilCount

OWN_K = "".join(line for line in KELUARGA.splitlines(True) if not line.startswith("K2,"))
OWN_A = "".join(line for line in ANGGOTA.splitlines(True) if ",K2," not in line)
# Desa A's family again, with its KK typed with spaces, a member whose NIK Excel damaged,
# and one whose NIK was typed with an apostrophe.
REPAIRED_K = (
    "ID_KELUARGA,NO_KK,KODE_WILAYAH\nK9,3604 0515 0787 0009,3604052001\nK8,12345,3604052001\n"
)
REPAIRED_A = (
    "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
    "A91,K9,'3604051507870009,Rudi,1,1987-07-15,1\n"
    "A92,K9,3.60405E+15,Rina,2,1987-07-01,2\n"
)


def _upload(client, csrf: str, k: str, a: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/impor",
        files={"keluarga": ("keluarga.csv", k.encode()), "anggota": ("anggota.csv", a.encode())},
        data={"csrf_token": csrf, **form},
        follow_redirects=False,
    )


def _jobs(web: WebEnv) -> int:
    with web.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM web_import_job")).scalar_one())


def test_past_imports_are_listed_within_the_region(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = _upload(client, csrf, OWN_K, OWN_A, source="desa-a-nov")
    assert r.status_code == 303, r.text
    job = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get("/impor")
    assert page.status_code == 200
    assert f'<a href="/impor/{job}">{job}</a>' in page.text
    assert "desa-a-nov" in page.text and "keluarga.csv" in page.text and "anggota.csv" in page.text
    assert f'href="/impor/{job}/masalah.xlsx"' in page.text and "Baris dimuat" in page.text
    assert "selesai" in page.text and "<thead>" in page.text
    # The kab verifier sees it; desa B's operator does not.
    assert f'href="/impor/{job}"' in web.page("ver")[0].get("/impor").text
    assert f'href="/impor/{job}"' not in web.page("op_b")[0].get("/impor").text
    english = client.get("/impor", params={"lang": "en"})
    assert "Rows loaded" in english.text and "finished" in english.text
    assert "selesai" not in english.text and "Baris dimuat" not in english.text


def test_an_upload_outside_the_region_is_refused_at_once_beside_the_field(web: WebEnv) -> None:
    client, csrf = web.page("op_b")
    before = _jobs(web)
    r = _upload(client, csrf, KELUARGA, ANGGOTA, source="kiriman-b", as_of="2026-11-30")
    assert r.status_code == 403
    assert _jobs(web) == before  # no job started, nothing imported
    assert "di luar wilayah kerja Anda (3604052002): 3604052001" in r.text
    assert 'id="keluarga-error"' in r.text and 'aria-describedby="keluarga-error"' in r.text
    assert 'value="kiriman-b"' in r.text and 'value="2026-11-30"' in r.text
    assert "<nav " in r.text  # the page, with its navigation, not a bare error
    client.cookies.set("terpadu_lang", "en")
    english = _upload(client, csrf, KELUARGA, ANGGOTA)
    assert "outside your region (3604052002): 3604052001" in english.text
    assert "wilayah" not in english.text.split("<main", 1)[1]


def test_a_bad_date_is_said_beside_its_field_with_what_was_typed(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = _upload(client, csrf, OWN_K, OWN_A, source="desa-a", as_of="30-11-2026x")
    assert r.status_code == 422
    assert 'id="as_of-error"' in r.text and 'value="30-11-2026x"' in r.text
    assert 'value="desa-a"' in r.text
    assert "Tanggal data &#39;30-11-2026x&#39; tidak bisa dibaca" in r.text
    client.cookies.set("terpadu_lang", "en")
    future = _upload(client, csrf, OWN_K, OWN_A, as_of="2999-01-01")
    assert (
        future.status_code == 422
        and "The data date &#39;2999-01-01&#39; lies in the future" in future.text
    )


def test_job_page_says_its_steps_and_counts_in_words(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = _upload(client, csrf, REPAIRED_K, REPAIRED_A, source="desa-a-perbaikan")
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    body = page.text
    assert "selesai done" not in body and "families_new" not in body and "persons_new" not in body
    assert "Keluarga baru" in body and "Baris diperbaiki" in body and "Langkah 7 dari 7" in body
    assert 'http-equiv="refresh"' not in body  # finished: nothing to refresh
    english = client.get(r.headers["location"], params={"lang": "en"})
    assert "New families" in english.text and "finished" in english.text
    assert "selesai" not in english.text and "Keluarga baru" not in english.text


def test_a_running_job_refreshes_itself_without_javascript(web: WebEnv) -> None:
    client, _ = web.page("op_a")
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO web_import_job (id, username, region, source, status, stage, step, "
                "steps, folder, created_at) VALUES (900, 'op_a', :r, 'x', 'running', "
                "'memuat 1200 anggota', 5, 7, '/nonexistent', :t)"
            ),
            {"r": DESA_A, "t": dt.datetime.now(dt.UTC)},
        )
    page = client.get("/impor/900")
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page.text
    assert 'hx-get="/impor/900"' in page.text
    assert 'value="5"' in page.text and "memuat anggota" in page.text
    assert "Langkah 5 dari 7" in page.text
    english = client.get("/impor/900", params={"lang": "en"})
    assert "loading the members" in english.text and "Step 5 of 7" in english.text
    partial = client.get("/impor/900", headers={"hx-request": "true"})
    assert partial.text.lstrip().startswith('<div id="job"')
    assert "<html" not in partial.text


def test_problem_file_lists_repairs_with_a_frozen_filtered_header(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    r = _upload(client, csrf, REPAIRED_K, REPAIRED_A, source="desa-a-perbaikan")
    job = r.headers["location"]
    xlsx = client.get(f"{job}/masalah.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["masalah"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:5] == ["FILE", "ROW", "COLUMN", "VALUE", "REPAIRED_VALUE"]
    found = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    repaired = {
        (f["FILE"], f["COLUMN"], f["VALUE"], f["REPAIRED_VALUE"])
        for f in found
        if f["SEVERITY"] == "repaired"
    }
    assert repaired == {
        ("keluarga.csv", "NO_KK", "3604 0515 0787 0009", "3604051507870009"),
        ("anggota.csv", "NIK", "'3604051507870009", "3604051507870009"),
    }
    assert any(f["CODE"] == "number_digits_lost" for f in found)
    # The same files sent again: a problem file all the same, the first import's problems.
    again = _upload(client, csrf, REPAIRED_K, REPAIRED_A, source="desa-a-perbaikan")
    assert again.headers["location"] != job
    page = client.get(again.headers["location"])
    assert "sudah pernah diimpor" in page.text
    second = load_workbook(
        io.BytesIO(client.get(f"{again.headers['location']}/masalah.xlsx").content)
    )
    codes = [row[6] for row in second["masalah"].iter_rows(min_row=2, values_only=True)]
    assert "number_digits_lost" in codes


def test_masked_roles_get_repaired_values_masked(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    job = _upload(client, csrf, REPAIRED_K, REPAIRED_A, source="desa-a-perbaikan").headers[
        "location"
    ]
    auditor, _ = web.page("aud")
    xlsx = auditor.get(f"{job}/masalah.xlsx")
    cells = [
        str(v)
        for row in load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True)
        for v in row
    ]
    assert not any("3604051507870009" in c for c in cells)


def test_dashboard_names_problems_and_areas_and_explains_a_flat_desil(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    _upload(client, csrf, REPAIRED_K, REPAIRED_A, source="desa-a-perbaikan")
    rank(web, {"K1": 1, "K2": 2})  # one family each in desil 1 and 2; the rest are empty
    DASHBOARD_CACHE.clear()
    ver, _ = web.page("ver")
    page = ver.get("/")
    assert page.status_code == 200
    assert "Nomor KK tidak 16 digit" in page.text
    assert "<td>kk_length</td>" not in page.text
    assert "Kramatwatu" in page.text  # the kecamatan by name, in the chart and the table
    assert "Cakupan program per desil" in page.text
    assert "menurut definisinya" not in page.text  # not flat: no explanation needed
    english = ver.get("/", params={"lang": "en"})
    assert "KK number not 16 digits" in english.text and "Programme coverage" in english.text


def test_a_flat_desil_chart_says_why(web: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    flat = Dashboard(
        "3604",
        "Kabupaten Serang",
        {},
        {},
        [DesilCount(d, 1000, 900 - 80 * d) for d in range(1, 11)],
        [],
        [],
    )
    assert flat.desil_flat
    uneven = replace(flat, desil=[DesilCount(d, d, 0) for d in range(1, 11)])
    assert not uneven.desil_flat
    monkeypatch.setattr("terpadu.web.pages.reports.dashboard", lambda engine, user: flat)
    ver, _ = web.page("ver")
    page = ver.get("/")
    assert "Setiap desil berisi 10 % keluarga menurut definisinya" in page.text
    # What varies is shown instead: the coverage per desil, as the language writes it.
    assert "82,0 %" in page.text and "1.000" in page.text
    english = ver.get("/", params={"lang": "en"})
    assert "Each decile holds 10% of the families by definition" in english.text
    assert "82.0%" in english.text and "1,000" in english.text


def test_refused_members_count_in_their_familys_region(web: WebEnv) -> None:
    # A's members refused before landing: one of a family already in the registry (K1), one
    # of a family refused in this batch (K7, whose row gives its desa).
    keluarga = "ID_KELUARGA,NO_KK,KODE_WILAYAH\nK7,12345,3604052001\n"
    anggota = (
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
        "A81,K1,3.60405E+15,Rina,2,1987-07-01,4\n"
        "A82,K7,3604051507870082,Rudi,1,1987-07-15,1\n"
    )
    client, csrf = web.page("op_a")
    r = _upload(client, csrf, keluarga, anggota, source="desa-kramatwatu")
    assert r.status_code == 303, r.text
    DASHBOARD_CACHE.clear()
    ver, _ = web.page("ver")
    page = ver.get("/").text
    # K7's KK, and both refused members (Excel-damaged NIK; family refused), in Kramatwatu.
    row = re.search(
        r'<td class="mono">360405</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', page
    )
    assert row is not None and row.groups() == ("3", "0")
    assert "tanpa wilayah" not in page
    for name in ("Nomor KK tidak 16 digit", "Nomor rusak oleh Excel", "Keluarganya ditolak"):
        assert name in page
