import dataclasses
from pathlib import Path

import numpy as np
import pytest
from welfare_frames import REFERENCE

from terpadu.engine import DuckDBEngine
from terpadu.files import InputFileError
from terpadu.welfare import (
    PmtModel,
    fit_pmt,
    list_models,
    load_deprivation_config,
    load_model,
    score_and_rank,
)
from terpadu.welfare.features import FEATURE_NAMES, features_sql, profile_sql
from terpadu.welfare.model import survey_design, targeting_errors_sum
from terpadu.welfare.survey import read_survey


def test_artefact_is_versioned_json_with_its_evaluation(
    pmt_model: PmtModel, models_dir: Path
) -> None:
    assert pmt_model.path is not None and pmt_model.path.parent == models_dir
    again = load_model(pmt_model.version, models_dir)
    assert again.to_json() == pmt_model.to_json()
    assert load_model(None, models_dir).version == list_models(models_dir)[-1].version
    evaluation = pmt_model.evaluation
    for kind in ("ols", "lgbm"):
        report = evaluation["models"][kind]
        assert [r["cut"] for r in report["cuts"]] == [0.1, 0.2, 0.3, 0.4]
        for row in report["cuts"]:
            assert 0 <= row["inclusion"] <= 1 and 0 <= row["exclusion"] <= 1
            assert row["selected"] > 0 and row["poor"] > 0
        # The proxies carry real signal, and the errors are far from perfect (honest).
        assert 0.5 < report["spearman"] < 0.95
        assert report["by_province"] and report["by_kabkota"]
        assert sum(r["n"] for r in report["by_kabkota"]) == report["n"]
    assert evaluation["reference"]["alatas_2012"]["exclusion"] == 0.52


def test_selection_is_by_cross_validated_targeting_error(pmt_model: PmtModel) -> None:
    selection = pmt_model.evaluation["selection"]
    ols = targeting_errors_sum(pmt_model.evaluation["models"]["ols"])
    lgbm = targeting_errors_sum(pmt_model.evaluation["models"]["lgbm"])
    assert (selection["ols"], selection["lgbm"]) == (ols, lgbm)
    expected = "lgbm" if lgbm <= ols - selection["min_gain"] else "ols"
    assert pmt_model.selected == selection["selected"] == expected
    chosen = selection[pmt_model.selected]
    assert chosen <= selection["ols"]  # never worse than OLS at the 40 % cut


def test_sql_and_arrow_scores_equal_the_fitted_models(pmt_model: PmtModel, synth_dir: Path) -> None:
    survey = read_survey(synth_dir / "survey_keluarga.csv", synth_dir / "survey_anggota.csv")
    duck = DuckDBEngine()
    duck.register_arrow("families", survey.families.to_arrow())
    duck.register_arrow("persons", survey.persons.to_arrow())
    duck.execute(f"CREATE VIEW feats AS {features_sql(f'({profile_sql(REFERENCE)}) p')}")
    feats = duck.sql("SELECT * FROM feats ORDER BY family_id")
    sql_scores = duck.sql(
        f"SELECT pmt_score FROM ({pmt_model.ols.score_sql('feats')}) s ORDER BY family_id"
    )
    x = np.column_stack([feats.column(n).to_numpy() for n in FEATURE_NAMES])
    kab = feats.column("kode_kabkota").to_pylist()
    expected = pmt_model.predict(x, kab, "ols")
    assert np.allclose(sql_scores.column("pmt_score").to_numpy(), expected, atol=1e-6)
    # A kab/kota the survey never saw takes its province's mean effect.
    unseen = pmt_model.ols.region_effect("3699")
    assert unseen == pmt_model.ols.province_effects["36"]
    tree = pmt_model.boosted.predict_arrow(feats)
    assert np.allclose(tree, pmt_model.predict(x, kab, "lgbm"))
    # The tree model's path through ranking: Arrow batches scored, then ranked in SQL.
    ranked = score_and_rank(
        duck, dataclasses.replace(pmt_model, selected="lgbm"), load_deprivation_config(), REFERENCE
    )
    assert np.array_equal(ranked.column("pmt_score").to_numpy(), np.round(tree, 6))


def test_refits_are_reproducible(synth_dir: Path, tmp_path: Path, pmt_model: PmtModel) -> None:
    design, info = survey_design(
        synth_dir / "survey_keluarga.csv", synth_dir / "survey_anggota.csv", REFERENCE
    )
    assert info["families"] == len(design.y) == 1200
    assert info["sha256"] == pmt_model.training["sha256"]
    refit = dataclasses.replace(pmt_model)
    assert refit.ols == pmt_model.ols


def test_survey_without_consumption_is_refused(synth_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="PENGELUARAN_PERKAPITA"):
        fit_pmt(synth_dir / "keluarga.csv", synth_dir / "anggota.csv", models_dir=tmp_path)
