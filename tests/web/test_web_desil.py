"""The family page shows the national DTSEN desil beside the registry-relative one, each
named for what it is."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from webdata import WebEnv


def test_family_page_names_both_desil(web: WebEnv) -> None:
    family = web.families["K1"]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with web.engine.begin() as conn:
        conn.execute(
            text("UPDATE family SET desil_nasional = 4, persentil_nasional = 33.5 WHERE id = :f"),
            {"f": family},
        )
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
                "miskin_multidimensi) VALUES (1, 1, :f, 1, 'm', :t, '36', '3604', 12.5, 15, 2, "
                "1, 1, 1, 0.2, '{}', 0)"
            ),
            {"f": family, "t": now},
        )
    client, _ = web.page("op_a")
    page = client.get(f"/keluarga/{web.family('K1')}")
    assert page.status_code == 200
    assert "Desil relatif (registri: Kabupaten Serang)" in page.text
    assert "Desil nasional DTSEN" in page.text and "33,5" in page.text  # the decimal comma
    english = client.get(f"/keluarga/{web.family('K1')}?lang=en")
    assert "Registry-relative decile (registry: Kabupaten Serang)" in english.text
    assert "33.5" in english.text
