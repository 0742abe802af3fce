"""The list uploads of /lembaga, /sdm and /pengaduan: the importer runs in the request and
the page shows what was kept and every refused row with its reason; the problem file
downloads as CSV and XLSX for the uploader only."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import text
from webdata import WebEnv

from terpadu.web.pages.listupload import KEEP_DAYS, remove_old_uploads, upload_name
from terpadu.web.upload_limit import takes_upload

INSTITUTIONS = (
    "NO_REGISTRASI,NAMA_LEMBAGA,BENTUK,JENIS,PEMILIK,AKREDITASI,TGL_AKREDITASI,"
    "AKREDITASI_BERLAKU_SAMPAI,DAYA_TAMPUNG,JUMLAH_PEGAWAI,KODE_WILAYAH\n"
    "LKS-101,Panti Asuhan Harapan,panti,anak,masyarakat,A,2022-03-01,2027-03-01,40,8,3604052001\n"
    "LKS-102,PSTW Kramatwatu,panti,lansia,pemda,,,,100,20,3604052002\n"
    "LKS-103,Salah Pemilik,panti,anak,entah,,,,10,1,3604052001\n"
    "LKS-104,Panti Bogor,panti,anak,masyarakat,,,,10,1,3671011001\n"
)
COMPLAINTS = (
    "NO_PENGADUAN,TGL_PENGADUAN,KATEGORI,SALURAN,STATUS,TGL_STATUS,KODE_WILAYAH,NAMA_PELAPOR,"
    "URAIAN\n"
    "SLRT-901,2026-12-01,miskin belum terdaftar,datang langsung,diterima,,3604052001,Warsih,"
    "Belum terdaftar\n"
    "SLRT-902,2026-12-01,permohonan bantuan,desa,diterima,,3604052002,Karta,Minta bantuan\n"
)


def _count(web: WebEnv, sql: str) -> int:
    with web.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


def test_institutions_list_kept_refused_rows_shown_and_problem_file_downloads(
    web: WebEnv,
) -> None:
    client, csrf = web.page("ver")
    page = client.get("/lembaga")
    assert 'action="/lembaga/impor"' in page.text
    r = client.post(
        "/lembaga/impor",
        files={"daftar": ("daftar lembaga.csv", INSTITUTIONS.encode())},
        data={"csrf_token": csrf},
    )
    assert r.status_code == 200, r.text[:500]
    assert "Baris dibaca 4; dimuat 2 (baru 2, berubah 0); ditolak 2." in r.text
    assert "daftar_lembaga.csv" in r.text
    # Each refused row is in the table with its column, value and reason in words.
    assert "PEMILIK" in r.text and "entah" in r.text
    assert "3671011001" in r.text and "di luar wilayah kerja Anda" in r.text
    names = _count(web, "SELECT count(*) FROM institution WHERE registration_no LIKE 'LKS-10%'")
    assert names == 2
    assert _count(web, "SELECT count(*) FROM audit_event WHERE action = 'institution.import'") == 2

    found = re.search(r'href="(/impor-daftar/[0-9a-f]{16}/masalah)\.csv"', r.text)
    assert found, r.text
    csv = client.get(found.group(1) + ".csv")
    assert csv.status_code == 200
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.text.splitlines()
    assert lines[0].startswith("FILE,ROW,COLUMN,VALUE")
    assert any("entah" in line and "PEMILIK" in line for line in lines[1:])
    assert any("3671011001" in line for line in lines[1:])
    xlsx = client.get(found.group(1) + ".xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row]
    assert "entah" in cells
    # Another account's download of it is not found.
    other, _ = web.page("adm")
    assert other.get(found.group(1) + ".csv").status_code == 404


def test_residents_uploaded_with_the_institutions_they_live_in(web: WebEnv) -> None:
    residents = (
        "NO_REGISTRASI,NIK,TGL_MASUK,ALASAN_MASUK,TGL_KELUAR,ALASAN_KELUAR\n"
        "LKS-101,3604051507870001,2026-01-10,Rujukan SLRT,,\n"
        "LKS-999,3604054107870002,2026-01-10,,,\n"
    )
    client, csrf = web.page("ver")
    r = client.post(
        "/lembaga/impor",
        files={
            "daftar": ("lembaga.csv", INSTITUTIONS.encode()),
            "penghuni": ("penghuni.csv", residents.encode()),
        },
        data={"csrf_token": csrf},
    )
    assert r.status_code == 200, r.text[:500]
    assert "Baris dibaca 2; dimuat 1 (baru 1, berubah 0); ditolak 1." in r.text
    assert "LKS-999" in r.text and "impor dulu lembaganya" in r.text
    stays = _count(
        web,
        "SELECT count(*) FROM institution_resident r JOIN institution i"
        " ON i.id = r.institution_id WHERE i.registration_no = 'LKS-101'",
    )
    assert stays == 1


def test_the_same_list_again_changes_nothing_and_an_edit_is_counted_changed(
    web: WebEnv,
) -> None:
    client, csrf = web.page("ver")

    def send(body: str) -> str:
        r = client.post("/lembaga/impor", files={"daftar": ("l.csv", body.encode())},
                        data={"csrf_token": csrf})  # fmt: skip
        assert r.status_code == 200, r.text[:500]
        return r.text

    send(INSTITUTIONS)
    assert "dimuat 2 (baru 0, berubah 0)" in send(INSTITUTIONS)
    edited = INSTITUTIONS.replace(
        "PSTW Kramatwatu,panti,lansia,pemda,,,,100", "PSTW Kramatwatu,panti,lansia,pemda,,,,120"
    )
    assert "dimuat 2 (baru 0, berubah 1)" in send(edited)


def test_desa_operator_is_refused_the_lists_their_role_does_not_import(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    for url in ("/lembaga/impor", "/sdm/impor"):
        r = client.post(url, files={"daftar": ("l.csv", INSTITUTIONS.encode())},
                        data={"csrf_token": csrf})  # fmt: skip
        assert r.status_code == 403, url
    assert _count(web, "SELECT count(*) FROM institution") == 0
    assert not (web.data_dir / "list-uploads").exists() or not any(
        (web.data_dir / "list-uploads").iterdir()
    )


def test_desa_operator_imports_complaints_of_their_own_desa_only(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    assert 'action="/pengaduan/impor"' in client.get("/pengaduan").text
    r = client.post(
        "/pengaduan/impor",
        files={"daftar": ("pengaduan.csv", COMPLAINTS.encode())},
        data={"csrf_token": csrf},
    )
    assert r.status_code == 200, r.text[:500]
    assert "Baris dibaca 2; dimuat 1 (baru 1, berubah 0); ditolak 1." in r.text
    assert "3604052002" in r.text and "di luar wilayah kerja Anda" in r.text
    assert _count(web, "SELECT count(*) FROM complaint WHERE tracking = 'SLRT-901'") == 1
    assert _count(web, "SELECT count(*) FROM complaint WHERE tracking = 'SLRT-902'") == 0


def test_upload_needs_the_form_token_and_a_file(web_sqlite: WebEnv) -> None:
    client, csrf = web_sqlite.page("ver")
    files = {"daftar": ("l.csv", INSTITUTIONS.encode())}
    assert client.post("/lembaga/impor", files=files).status_code == 403
    assert _count(web_sqlite, "SELECT count(*) FROM institution") == 0
    assert client.post("/sdm/impor", data={"csrf_token": csrf}).status_code == 400


def test_a_file_that_cannot_be_read_is_said_by_its_name(web_sqlite: WebEnv) -> None:
    client, csrf = web_sqlite.page("ver")
    r = client.post("/sdm/impor", files={"daftar": ("sdm.xlsx", b"bukan xlsx")},
                    data={"csrf_token": csrf})  # fmt: skip
    assert r.status_code == 422
    assert "sdm.xlsx" in r.text
    assert str(web_sqlite.data_dir) not in r.text  # the server's folder is not shown
    assert not any((web_sqlite.data_dir / "list-uploads").iterdir())


def test_problem_files_older_than_a_week_are_removed(tmp_path: Path) -> None:
    old, new, other = (tmp_path / n for n in ("0123456789abcdef", "fedcba9876543210", "x"))
    for folder in (old, new, other):
        folder.mkdir()
    week_ago = time.time() - (KEEP_DAYS * 86_400 + 60)
    os.utime(old, (week_ago, week_ago))
    os.utime(other, (week_ago, week_ago))
    remove_old_uploads(tmp_path)
    assert not old.exists()
    assert new.exists() and other.exists()  # a folder that is no upload's is left alone


def test_list_uploads_are_held_to_the_upload_limit_and_keep_a_safe_name() -> None:
    assert all(takes_upload(p) for p in ("/lembaga/impor", "/sdm/impor", "/pengaduan/impor"))
    assert upload_name("../../etc/daftar lembaga 2026.xlsx", "institutions") == (
        "daftar_lembaga_2026.xlsx"
    )
    assert upload_name("x.exe", "workers") == "x.csv"
    assert upload_name(None, "workers") == "workers.csv"
