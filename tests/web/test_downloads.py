"""Every download comes as XLSX beside its CSV (NIK and KK as text), every chart as PNG."""

from __future__ import annotations

import io

import polars as pl
from openpyxl import load_workbook
from ranked import rank
from sqlalchemy import text
from test_web_programs import _enrol
from webdata import WebEnv

from terpadu.files.xlsx_out import XLSX_MEDIA_TYPE


def _sheet(content: bytes, name: str | None = None):  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(content))
    return book[name] if name else book.worksheets[0]


def test_bnba_xlsx_keeps_nik_as_text_and_is_audited(web: WebEnv) -> None:
    _enrol(web)
    client, _ = web.page("op_a")
    params = {"program": "pkh", "periode": "2026-11"}
    page = client.get("/program")
    assert 'href="/program/bnba.xlsx?program=PKH&amp;periode=2026-11"' in page.text
    r = client.get("/program/bnba.xlsx", params=params)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_MEDIA_TYPE
    assert 'filename="bnba-pkh-2026-11.xlsx"' in r.headers["content-disposition"]
    ws = _sheet(r.content, "BNBA")
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(2)]
    # Desa B's family is not in desa A's operator's BNBA; the NIK keeps its 16 digits as text.
    assert [row["FAMILY_ID"] for row in rows] == [web.family("K1")]
    nik_column = next(h for h in header if "NIK" in h)
    assert rows[0][nik_column] == "3604051507870001"
    cell = ws.cell(2, header.index(nik_column) + 1)
    assert cell.data_type == "s" and cell.number_format == "@"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    csv = pl.read_csv(client.get("/program/bnba.csv", params=params).content, infer_schema=False)
    assert csv[nik_column].to_list() == [rows[0][nik_column]]
    with web.engine.connect() as conn:
        places = conn.execute(
            text("SELECT after FROM audit_event WHERE action = 'export.bnba' ORDER BY id")
        ).scalars()
        destinations = [str(a) for a in places]
    assert "web:bnba-pkh-2026-11.xlsx" in destinations[0]
    assert "web:bnba-pkh-2026-11.csv" in destinations[1]
    assert client.get("/program/bnba.pdf", params=params).status_code == 404


def test_masked_roles_get_a_masked_bnba_xlsx(web: WebEnv) -> None:
    _enrol(web)
    client, _ = web.page("aud")
    r = client.get("/program/bnba.xlsx", params={"program": "pkh"})
    assert r.status_code == 200
    cells = [str(v) for row in _sheet(r.content).iter_rows(values_only=True) for v in row]
    assert "3604051507870001" not in cells and "3604051507870002" not in cells


def test_programme_table_has_headers_and_no_none_quota(web: WebEnv) -> None:
    _enrol(web)
    with web.engine.begin() as conn:
        conn.execute(text("DELETE FROM targeting_quota"))
    for lang, header, no_quota in (("id", "Kuota", "tanpa kuota"), ("en", "Quota", "no quota")):
        client, _ = web.page("ver")
        page = client.get("/program", params={"lang": lang})
        assert f'<th class="num">{header}</th>' in page.text
        assert "None" not in page.text and no_quota in page.text


def test_report_offers_xlsx_and_png_beside_its_tables(web: WebEnv) -> None:
    rank(web)
    client, _ = web.page("ver")
    page = client.get("/laporan", params={"wilayah": "3604"})
    assert page.status_code == 200
    for link in (
        "/laporan/laporan.xlsx?wilayah=3604",
        "/laporan/grafik-desil.png?wilayah=3604",
        "/laporan/grafik-dimensi.png?wilayah=3604",
        "/laporan/desil.xlsx?wilayah=3604",
        "/laporan/desil.csv?wilayah=3604",
    ):
        assert f'href="{link}"' in page.text, link
        r = client.get(link)
        assert r.status_code == 200, (link, r.text[:200])
    assert page.text.count("<thead>") >= 3
    book = load_workbook(io.BytesIO(client.get("/laporan/laporan.xlsx?wilayah=3604").content))
    assert book.sheetnames == ["Ringkasan", "Desil", "Dimensi", "Indikator", "Subwilayah"]
    assert book["Desil"].freeze_panes == "A2"
    desil = {row[0]: row[1] for row in book["Desil"].iter_rows(min_row=2, values_only=True)}
    assert desil[2] == 1 and desil[7] == 1 and desil[1] == 0
    png = client.get("/laporan/grafik-desil.png?wilayah=3604")
    assert png.headers["content-type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # Percentages and decimals as each language writes them.
    assert "50,0 %" in page.text
    english = client.get("/laporan", params={"wilayah": "3604", "lang": "en"})
    assert "50.0%" in english.text and "Families per decile" in english.text
    assert "Keluarga" not in english.text


def test_report_downloads_stay_in_the_region(web: WebEnv) -> None:
    rank(web)
    client, _ = web.page("op_b")
    for link in ("/laporan/laporan.xlsx", "/laporan/grafik-desil.png", "/laporan/desil.csv"):
        assert client.get(link, params={"wilayah": "3604052001"}).status_code == 404
        own = client.get(link, params={"wilayah": "3604052002"})
        assert own.status_code == 200, link


def test_a_bad_region_is_said_beside_the_field(web: WebEnv) -> None:
    client, _ = web.page("ver")
    page = client.get("/laporan", params={"wilayah": "36x"})
    assert page.status_code == 200
    assert 'aria-invalid="true"' in page.text and 'value="36x"' in page.text
