"""The simulation page: a programme's rules on the registry with typed or no quotas, nothing
written, figures within the reader's region, fields refused beside the field."""

from __future__ import annotations

import polars as pl
from sqlalchemy import text
from test_explain_page import _ranked
from webdata import WebEnv


def _written(web: WebEnv) -> tuple[int, int]:
    with web.engine.connect() as conn:
        runs = conn.execute(text("SELECT count(*) FROM targeting_run")).scalar_one()
        enrolled = conn.execute(text("SELECT count(*) FROM enrolment")).scalar_one()
    return int(runs), int(enrolled)


def test_simulation_writes_nothing_and_shows_figures(web: WebEnv) -> None:
    _ranked(web)
    op, _ = web.page("op_a")
    assert op.get("/simulasi").status_code == 403

    client, csrf = web.page("ver")
    form = client.get("/simulasi")
    assert form.status_code == 200 and 'value="sembako"' in form.text
    before = _written(web)
    r = client.post(
        "/simulasi",
        data={"csrf_token": csrf, "program": "sembako", "period": "2026-11",
              "quota_lines": "3604 = 1"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    assert _written(web) == before  # nothing enrolled, no run stored

    result = client.get(r.headers["location"] + "?lang=id")
    assert result.status_code == 200
    assert "kuota diketik, total 1" in result.text and "<thead>" in result.text
    assert "Tidak ada yang ditulis ke registri." in result.text
    desil = client.get(r.headers["location"] + "/desil.csv")
    frame = pl.read_csv(desil.content)
    assert frame["Berperingkat"].sum() == 1 and frame["Terpilih"].sum() == 1
    # The downloads' headings are words in the reader's language, as on the page.
    assert frame.columns == ["Desil", "Berperingkat", "Layak", "Terpilih", "Biaya", "Cakupan"]
    english = client.get(r.headers["location"] + "/wilayah.xlsx?lang=en")
    sheet = pl.read_excel(english.content, sheet_name="wilayah")
    assert sheet.columns == ["District", "Ranked", "Eligible", "Selected", "Cost", "Coverage"]
    assert sheet["District"].to_list() == ["3604"]
    reasons = pl.read_csv(client.get(r.headers["location"] + "/alasan.csv?lang=en").content)
    assert reasons.columns == ["Reason code", "Families", "Reason"]
    # The province's admin sees the kab/kota's run; the national analyst's run is not
    # the province's to see.
    province, _ = web.page("adm")
    assert province.get(r.headers["location"]).status_code == 200
    national, national_csrf = web.page("ana")
    theirs = national.post(
        "/simulasi",
        data={"csrf_token": national_csrf, "program": "sembako", "period": "2026-11"},
        follow_redirects=False,
    )
    assert theirs.status_code == 303
    assert province.get(theirs.headers["location"]).status_code == 404
    assert theirs.headers["location"] not in province.get("/simulasi").text
    assert r.headers["location"] in province.get("/simulasi").text  # listed among past runs


def test_fields_refused_beside_the_field(web: WebEnv) -> None:
    _ranked(web)
    client, csrf = web.page("ver")
    base = {"csrf_token": csrf, "program": "sembako", "period": "2026-11"}
    outside = client.post("/simulasi", data=base | {"quota_lines": "3604 = 5; 3201 = 5"})
    assert outside.status_code == 400
    assert 'id="quota_lines-error"' in outside.text and "Isian ke-2" in outside.text
    assert 'value="3604 = 5; 3201 = 5"' in outside.text  # what was typed is kept

    garbled = client.post("/simulasi", data=base | {"quota_lines": "banyak"})
    assert garbled.status_code == 400 and "KODE_WILAYAH = KUOTA" in garbled.text
    bad_period = client.post("/simulasi", data=base | {"period": "bulan depan"})
    assert bad_period.status_code == 400 and 'id="period-error"' in bad_period.text
    unknown = client.post("/simulasi", data=base | {"program": "tidak-ada"})
    assert unknown.status_code == 400 and 'id="program-error"' in unknown.text


def test_quota_file_upload_and_its_problems_beside_the_field(web: WebEnv) -> None:
    _ranked(web)
    client, csrf = web.page("ver")
    base = {"csrf_token": csrf, "program": "sembako", "period": "2026-11"}
    good = "PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nsembako,3604,1,2026-11\n"
    r = client.post(
        "/simulasi",
        data=base,
        files={"quota_file": ("kuota.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "kuota dari berkas" in client.get(r.headers["location"] + "?lang=id").text

    bad = "PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nsembako,3604,banyak,2026-11\n"
    refused = client.post(
        "/simulasi", data=base, files={"quota_file": ("kuota.csv", bad.encode(), "text/csv")}
    )
    assert refused.status_code == 400
    assert 'id="quota_file-error"' in refused.text and 'value="2026-11"' in refused.text

    both = client.post(
        "/simulasi",
        data=base | {"quota_lines": "3604 = 1"},
        files={"quota_file": ("kuota.csv", good.encode(), "text/csv")},
    )
    assert both.status_code == 400 and 'id="quota_lines-error"' in both.text
