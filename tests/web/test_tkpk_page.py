"""/laporan with the TKPK profile: the trail and drill-down links, the profile's sections,
the roll-up of a province, the downloads (PDF, XLSX, each table), region scope, the map."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pypdfium2
from ranked import rank
from webdata import DESA_A, DESA_B, WebEnv

from terpadu.web.dashboard import DASHBOARD_CACHE


def test_the_page_drills_down_and_offers_the_reports(web_sqlite: WebEnv) -> None:
    rank(web_sqlite)
    client, _ = web_sqlite.page("adm")  # admin_provinsi of Banten (36)
    page = client.get("/laporan", params={"wilayah": "36"})
    assert page.status_code == 200, page.text
    body = page.text
    assert "Profil untuk rapat TKPK" in body
    for link in ("/laporan/profil.pdf?wilayah=36", "/laporan/rekap.xlsx?wilayah=36"):
        assert link in body
    assert "Rekap kab/kota" in body and "Program bantuan" in body and "Mutu data" in body
    assert "/laporan/tabel/mutu_data.csv?wilayah=36" in body
    # No boundaries file: no map, and a sentence saying how to add one.
    assert "TERPADU_BOUNDARIES_FILE" in body and "<path" not in body
    kec = client.get("/laporan", params={"wilayah": "360405"}).text
    trail = re.search(r'<nav aria-label="Jejak wilayah".*?</nav>', kec, re.S)
    assert trail is not None
    assert '/laporan?wilayah=36"' in trail.group(0) and '/laporan?wilayah=3604"' in trail.group(0)
    assert 'aria-current="page">Kramatwatu' in trail.group(0)
    assert f'/laporan?wilayah={DESA_A}"' in kec  # down to the desa
    assert "/laporan/rekap.pdf" not in kec  # the roll-up is a province's


def test_downloads_open_and_hold_the_counts(web_sqlite: WebEnv) -> None:
    rank(web_sqlite)
    client, _ = web_sqlite.page("ver")  # verifikator of Kab. Serang (3604)
    pdf = client.get("/laporan/profil.pdf", params={"wilayah": "3604", "lang": "en"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(pdf.content)
    assert "Poverty profile of Kabupaten Serang" in document[0].get_textpage().get_text_range()
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/laporan/profil.xlsx", params={"wilayah": "3604"}).content)
    )
    desil = {r[0]: r[1] for r in book["desil"].iter_rows(min_row=2, values_only=True)}
    assert desil[2] == 1 and desil[7] == 1 and sum(desil.values()) == 2
    table = client.get("/laporan/tabel/subwilayah.csv", params={"wilayah": "3604"})
    assert table.status_code == 200 and "360405" in table.text
    assert client.get("/laporan/tabel/tidak-ada.csv", params={"wilayah": "3604"}).status_code == 404
    assert client.get("/laporan/profil.doc", params={"wilayah": "3604"}).status_code == 404
    # A kab/kota has no province roll-up: refused in words.
    refused = client.get("/laporan/rekap.pdf", params={"wilayah": "3604"})
    assert refused.status_code == 422 and "bukan kode provinsi" in refused.text


def test_no_report_outside_the_readers_region(web: WebEnv) -> None:
    rank(web)
    client, _ = web.page("op_b")  # operator of desa B
    for url, wilayah in (
        ("/laporan/profil.pdf", DESA_A),
        ("/laporan/profil.xlsx", "3604"),
        ("/laporan/rekap.xlsx", "36"),
        ("/laporan/tabel/program.csv", DESA_A),
    ):
        assert client.get(url, params={"wilayah": wilayah}).status_code == 404, url
    own = client.get("/laporan/profil.xlsx", params={"wilayah": DESA_B})
    assert own.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(own.content))["laporan"]
    assert sheet["B3"].value == DESA_B and sheet["B3"].data_type == "s"


def test_the_map_draws_the_boundaries_given(web_sqlite: WebEnv, tmp_path: Path) -> None:
    rank(web_sqlite)

    def square(code: str, west: float) -> dict[str, object]:
        ring = [[west, -6.0], [west + 0.1, -6.0], [west + 0.1, -5.9], [west, -5.9], [west, -6.0]]
        return {
            "type": "Feature",
            "properties": {"kode": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    # Two made-up squares for the two desa (a test file, not real boundaries).
    path = tmp_path / "batas.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [square(DESA_A, 106.0), square(DESA_B, 106.1)],
            }
        )
    )
    web_sqlite.app.state.terpadu.settings.boundaries_file = path
    client, _ = web_sqlite.page("ver")
    body = client.get("/laporan", params={"wilayah": "360405"}).text
    svg = re.search(r'<svg[^>]*class="chart map".*?</svg>', body, re.S)
    assert svg is not None
    assert len(re.findall(r"<path ", svg.group(0))) == 2
    assert f'<a href="/laporan?wilayah={DESA_A}">' in svg.group(0)
    assert "TERPADU_BOUNDARIES_FILE" not in body
    # A level the file does not cover: no map, said in words.
    kab = client.get("/laporan", params={"wilayah": "3604"}).text
    assert 'class="chart map"' not in kab and "tidak memuat wilayah pada tingkat ini" in kab


def test_the_dashboards_problem_areas_open_their_report(web_sqlite: WebEnv) -> None:
    keluarga = "ID_KELUARGA,NO_KK,KODE_WILAYAH\nK7,12345,3604052001\n"
    anggota = "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
    client, csrf = web_sqlite.page("op_a")
    r = client.post(
        "/impor",
        files={"keluarga": ("k.csv", keluarga.encode()), "anggota": ("a.csv", anggota.encode())},
        data={"source": "desa-kramatwatu", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    DASHBOARD_CACHE.clear()
    ver, _ = web_sqlite.page("ver")
    assert '<a href="/laporan?wilayah=360405">Kramatwatu</a>' in ver.get("/").text
