"""Programme pages and API read the targeting tables, within the caller's region."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import text
from webdata import DESA_A, DESA_B, WebEnv


def _enrol(web: WebEnv) -> None:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO targeting_run (id, program, program_version, program_sha256, "
                "program_config, period, reference_date, engine, snapshot_sha256, "
                "enrolled_sha256, is_current, status, actor, started_at, quota_total, "
                "families_assessed, families_eligible, families_enrolled, total_nominal) "
                "VALUES (1, 'pkh', '2026.1', 'x', 'id: pkh', '2026-11', :d, 'duckdb', 'x', 'x', "
                "1, 'berlaku', 'test', :t, 2, 2, 2, 2, 1000)"
            ),
            {"d": now.date(), "t": now},
        )
        for i, (key, desa) in enumerate((("K1", DESA_A), ("K2", DESA_B)), start=1):
            conn.execute(
                text(
                    "INSERT INTO enrolment (id, run_id, program, program_version, period, "
                    "family_id, kode_wilayah, kuota_wilayah, nik_penerima, nama_penerima, desil, "
                    "peringkat, komponen, nominal, is_current, enrolled_at) VALUES (:i, 1, "
                    "'pkh', '2026.1', '2026-11', :f, :k, '3604', :nik, 'Penerima', 1, :i, "
                    "'anak_sd:1', 900000, 1, :t)"
                ),
                {"i": i, "f": web.families[key], "k": desa, "nik": f"360405150787000{i}", "t": now},
            )
        conn.execute(
            text(
                "INSERT INTO targeting_quota (id, run_id, kode_wilayah, kuota, terisi, layak, "
                "tidak_terlayani) VALUES (1, 1, '3604', 2, 2, 2, 0)"
            )
        )


def test_programme_results_and_bnba_are_region_scoped(web: WebEnv) -> None:
    _enrol(web)
    rows = web.api("ver").get("/api/v1/programs").json()["rows"]
    assert rows == [{"program": "PKH", "periode": "2026-11", "penerima": 2, "kuota": 2}]
    own = web.api("op_a").get("/api/v1/programs").json()["rows"]
    assert own[0]["penerima"] == 1

    client, _ = web.page("op_a")
    bnba = client.get("/program/bnba.csv", params={"program": "pkh", "periode": "2026-11"})
    assert bnba.status_code == 200
    frame = pl.read_csv(bnba.content, infer_schema=False)
    assert frame["FAMILY_ID"].to_list() == [web.family("K1")]  # desa B's family is not shown
    assert frame.columns[:3] == ["PROGRAM", "PERIODE", "FAMILY_ID"]
    with web.engine.connect() as conn:
        audited = conn.execute(
            text("SELECT actor, after FROM audit_event WHERE action = 'export.bnba'")
        ).all()
    assert [a for a, _ in audited] == ["op_a"] and '"rows":1' in str(audited[0][1])


def test_family_page_lists_its_programmes(web: WebEnv) -> None:
    _enrol(web)
    client, _ = web.page("op_a")
    page = client.get(f"/keluarga/{web.family('K1')}")
    assert page.status_code == 200
    assert "PKH" in page.text


def test_empty_programmes_and_report_say_what_to_do(web: WebEnv) -> None:
    client, _ = web.page("ver")
    programs = client.get("/program?lang=id")
    assert "Belum ada penetapan penerima yang berlaku di wilayah Anda" in programs.text
    assert "Simulasi" in programs.text
    report = client.get("/laporan?lang=id")
    assert "Belum ada keluarga yang diperingkat di wilayah 3604" in report.text
    assert 'role="alert"' not in report.text  # nothing was typed wrong
    english = client.get("/laporan?lang=en")
    assert "No family in region 3604 has been ranked yet" in english.text
    asked = client.get("/laporan?lang=id&wilayah=3604")
    assert 'role="alert"' in asked.text  # a region typed: said beside the field
    _enrol(web)
    assert "Belum ada penetapan" not in client.get("/program?lang=id").text
