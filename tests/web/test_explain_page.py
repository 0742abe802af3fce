"""The explanation page of a family: PMT score, desil and ranks, deprivation in words, and
every programme's decision with its reasons, within the reader's region."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from webdata import WebEnv


def _ranked(web: WebEnv) -> None:
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO welfare_run (id, model_version, model_kind, model_sha256, engine, "
                "snapshot_sha256, reference_date, deprivation_config, deprivation_sha256, "
                "families_ranked, families_skipped, actor, started_at) VALUES (1, 'm1', 'ols', "
                "'x', 'duckdb', 'x', :d, 'x', 'x', 1, 0, 'test', :t)"
            ),
            {"d": now.date(), "t": now},
        )
        conn.execute(
            text(
                "INSERT INTO family_welfare (id, run_id, family_id, is_current, model_version, "
                "ranked_at, kode_provinsi, kode_kabkota, pmt_score, persentil, desil, "
                "rank_nasional, rank_provinsi, rank_kabkota, skor_deprivasi, skor_dimensi, "
                "dimensi_deprivasi, indikator_deprivasi, miskin_multidimensi) VALUES "
                "(1, 1, :f, 1, 'm1', :t, '36', '3604', 13.686, 15, 2, 1613, 1, 1, 0.35, "
                "'{\"housing\": 0.5, \"economic\": 0.25}', 'housing', "
                "'lantai_tanah_bambu;tanpa_listrik', 1)"
            ),
            {"f": web.families["K1"], "t": now},
        )


def test_explanation_in_words_and_in_region(web: WebEnv) -> None:
    _ranked(web)
    k1 = web.family("K1")
    client, _ = web.page("op_a")
    page = client.get(f"/keluarga/{k1}/penjelasan?lang=id")
    assert page.status_code == 200, page.text
    assert "13,686" in page.text and "1.613" in page.text  # decimal comma, thousands point
    assert "Perumahan" in page.text and "Lantai tanah atau bambu" in page.text
    assert "housing" not in page.text.replace('"housing"', "")
    assert "PKH" in page.text and "<thead>" in page.text
    assert "miskin multidimensi" in page.text

    english = client.get(f"/keluarga/{k1}/penjelasan?lang=en")
    assert "13.686" in english.text and "1,613" in english.text
    assert "Housing" in english.text and "Earth or bamboo floor" in english.text
    assert "Perumahan" not in english.text and "TIDAK LAYAK" not in english.text

    other, _ = web.page("op_b")  # desa B's operator: K1 is not in its region
    assert other.get(f"/keluarga/{k1}/penjelasan").status_code == 404

    # A family not ranked yet says so rather than failing.
    unranked = web.page("ver")[0].get(f"/keluarga/{web.family('K2')}/penjelasan?lang=id")
    assert unranked.status_code == 200 and "belum diperingkat" in unranked.text


def test_a_masked_reader_sees_no_nik_in_the_rules(web: WebEnv) -> None:
    _ranked(web)
    client, _ = web.page("ana")
    page = client.get(f"/keluarga/{web.family('K1')}/penjelasan")
    assert page.status_code == 200
    assert "3604051507870001" not in page.text and "3604********0001" in page.text
    assert "3604052001" not in page.text  # the region down to kab/kota only


def test_pmt_score_in_parts(web: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OLS model's score split by input: each effect is coefficient × the family's value
    worked out by the ranking's own SQL, and the parts add up to the total shown."""
    from terpadu.web.pages._pmt import pmt_breakdown
    from terpadu.welfare import model as model_module
    from terpadu.welfare.ols import OlsModel

    _ranked(web)
    ols = OlsModel(
        intercept=12.0,
        coefficients={"log_jumlah_anggota": -0.5, "lantai_8": -0.2, "aset_mobil": 0.9},
        kab_effects={"3604": 0.1},
    )
    fake = SimpleNamespace(selected="ols", ols=ols)
    monkeypatch.setattr(model_module, "load_model", lambda version, folder: fake)
    parts = pmt_breakdown(web.engine, web.data_dir, web.families["K1"], "m1", 13.686, "id")
    assert parts is not None and parts.kind == "ols"
    labels = {c.label: c for c in parts.items}
    # K1 has three active members and an earth floor (JENIS_LANTAI 8), no car.
    assert labels["Jumlah anggota (log)"].value == pytest.approx(math.log(3))
    assert labels["Jenis lantai: Tanah"].effect == pytest.approx(-0.2)
    assert not any("mobil" in label for label in labels)
    assert parts.total == pytest.approx(12.0 + 0.1 - 0.5 * math.log(3) - 0.2)
    assert not parts.matches  # the stored score came from another model: the page says so

    client, _ = web.page("op_a")
    page = client.get(f"/keluarga/{web.family('K1')}/penjelasan?lang=en")
    assert "Floor: Earth" in page.text and "What makes up the PMT score" in page.text

    monkeypatch.setattr(model_module, "load_model", lambda version, folder: SimpleNamespace(
        selected="boosted", ols=ols))  # fmt: skip
    boosted = client.get(f"/keluarga/{web.family('K1')}/penjelasan?lang=en")
    assert "cannot be split by input" in boosted.text
