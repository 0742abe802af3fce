"""Reconciliation pages: a Dukcapil answer file and a disbursement file uploaded, checked by
the CLI's functions, shown within the reader's region in words, masked for its role."""

from __future__ import annotations

import io
import re

import openpyxl
import polars as pl
from sqlalchemy import text
from test_web_programs import _enrol
from webdata import WebEnv

DUKCAPIL = (
    "NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,STATUS,TGL_MENINGGAL\n"
    "3604051507870001,AHMAD BIN SALIM,1987-07-15,L,HIDUP,\n"
    "3604054107870002,SITI AMINAH,1987-07-01,P,MENINGGAL,2025-03-01\n"
    "3604050203900003,BAMBANG WIBOWO,1990-03-02,L,HIDUP,\n"
)


def _check(web: WebEnv) -> str:
    """The check's result page, reached from its job page once the job is done."""
    client, csrf = web.page("ver")
    r = client.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("dukcapil.csv", DUKCAPIL.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    job = client.get(r.headers["location"] + "?lang=id")
    assert job.status_code == 200 and "selesai" in job.text
    found = re.search(r'href="(/rekonsiliasi/dukcapil/\d+)"', job.text)
    assert found is not None, job.text
    return found.group(1)


def test_dukcapil_findings_in_words_and_in_region(web: WebEnv) -> None:
    op, csrf = web.page("op_a")
    refused = op.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("d.csv", DUKCAPIL.encode(), "text/csv")},
    )
    assert refused.status_code == 403
    where = _check(web)

    ver, _ = web.page("ver")
    page = ver.get(where + "?lang=id")
    assert page.status_code == 200
    assert "meninggal menurut Dukcapil" in page.text and "nama berbeda" in page.text
    assert "NIK kosong di registri" in page.text  # Budi has no NIK
    assert "BAMBANG WIBOWO" in page.text
    assert "nonaktifkan" in page.text  # the draft deactivation raised for Siti
    listed = ver.get("/rekonsiliasi/dukcapil?lang=id")
    assert "dukcapil.csv" in listed.text

    own, _ = web.page("op_a")  # desa A: Joko's (desa B) finding is not shown
    mine = own.get(where + "?lang=en")
    assert "BAMBANG WIBOWO" not in mine.text and "dead according to Dukcapil" in mine.text

    aud, _ = web.page("aud")
    masked = aud.get(where + "/temuan.csv")
    frame = pl.read_csv(masked.content, infer_schema=False)
    assert "3604054107870002" not in masked.text
    assert set(frame["NIK_DUKCAPIL"].drop_nulls().to_list()) <= {
        "3604********0002", "3604********0003", "3604********0001",
    }  # fmt: skip
    assert set(frame["KODE_WILAYAH"].to_list()) == {"3604"}
    xlsx = ver.get(where + "/temuan.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    niks = [r[header.index("NIK_DUKCAPIL")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "3604054107870002" in niks  # a text cell: all 16 digits kept


PENYALURAN = (
    "PROGRAM,PERIODE,NIK,NO_KK,NOMINAL,STATUS,TANGGAL\n"
    "pkh,2026-11,3604051507870001,,900000,BERHASIL,2026-11-20\n"
    "pkh,2026-11,3604054107870002,,900000,BERHASIL,2026-11-20\n"
    "pkh,2026-11,3604050203900003,,900000,SALDO_NOL,2026-11-20\n"
)


def test_payments_reconciled_in_rupiah_and_audited(web: WebEnv) -> None:
    _enrol(web)
    op, _ = web.page("op_a")
    assert op.get("/rekonsiliasi/pembayaran").status_code == 403

    client, csrf = web.page("ver")
    missing = client.post("/rekonsiliasi/pembayaran", data={"csrf_token": csrf})
    assert missing.status_code in (400, 422)
    r = client.post(
        "/rekonsiliasi/pembayaran",
        data={"csrf_token": csrf},
        files={"penyaluran": ("bank-nov.csv", PENYALURAN.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"] + "?lang=id")
    assert page.status_code == 200
    assert "Rp 1.800.000" in page.text  # two rows paid, in Rupiah as Indonesian writes it
    assert "saldo nol" in page.text
    english = client.get(r.headers["location"] + "?lang=en")
    assert "Rp 1,800,000" in english.text and "zero balance" in english.text
    with web.engine.connect() as conn:
        audited = conn.execute(
            text("SELECT actor FROM audit_event WHERE action = 'export.payments'")
        ).scalar_one()
    assert audited == "ver"
    rows = client.get(r.headers["location"] + "/rincian.csv")
    assert rows.status_code == 200 and "saldo_nol" in rows.text

    # The province's admin sees the kab/kota's run, and not the other way round.
    province, province_csrf = web.page("adm")
    assert province.get(r.headers["location"]).status_code == 200
    theirs = province.post(
        "/rekonsiliasi/pembayaran",
        data={"csrf_token": province_csrf},
        files={"penyaluran": ("prov.csv", PENYALURAN.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert theirs.status_code == 303
    assert client.get(theirs.headers["location"]).status_code == 404
    listed = client.get("/rekonsiliasi/pembayaran?lang=id").text
    assert "bank-nov.csv" in listed and "prov.csv" not in listed
