"""The model checks and fallback: degenerate models are repaired or replaced, never used."""

from __future__ import annotations

import copy
import math
from typing import Any

import polars as pl
import pytest

from terpadu.linkage import fallback as F
from terpadu.linkage.blocking import MAX_BLOCK, bound
from terpadu.linkage.model import base_settings
from terpadu.linkage.training import fit


def _base() -> dict[str, Any]:
    settings: dict[str, Any] = base_settings().get_settings("duckdb").as_dict()
    return settings


def _level(settings: dict[str, Any], name: str, label: str) -> dict[str, Any]:
    for comparison in settings["comparisons"]:
        if comparison["output_column_name"] == name:
            for level in comparison["comparison_levels"]:
                if level.get("label_for_charts") == label:
                    return level
    raise KeyError((name, label))


def _trained() -> dict[str, Any]:
    return F.default_settings(_base(), 10_000)


def test_the_default_model_covers_every_level_and_passes_its_checks() -> None:
    settings = _trained()
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            name, label = comparison["output_column_name"], level["label_for_charts"]
            assert label in F.DEFAULT["levels"][name], (name, label)
    assert F.problems(settings) == []
    low, high = F.prior_band(10_000)
    assert low <= settings["probability_two_random_records_match"] <= high


def test_tiny_and_unset_probabilities_are_bounded() -> None:
    settings = _trained()
    _level(settings, "nik", "NIK beda satu digit")["m_probability"] = 5.09e-312
    _level(settings, "sex", "All other comparisons")["m_probability"] = 0.0
    _level(settings, "name", "nama sama")["u_probability"] = None
    settings["probability_two_random_records_match"] = 0.0
    fixed, notes = F.repair(settings, 10_000)
    assert {n.code for n in notes} == {"clamped", "level_unset", "prior_implausible"}
    assert _level(fixed, "nik", "NIK beda satu digit")["m_probability"] == F.M_FLOOR
    assert _level(fixed, "sex", "All other comparisons")["m_probability"] == F.M_FLOOR
    assert _level(fixed, "name", "nama sama")["u_probability"] == pytest.approx(0.00027)
    assert 0 < fixed["probability_two_random_records_match"] < 1
    for _name, level in F._levels(fixed):
        for key in ("m_probability", "u_probability"):
            assert F.U_FLOOR <= level[key] <= F.CEILING
            assert math.isfinite(level[key])
    assert all(n.message() for n in notes)


def test_a_key_comparison_with_implausible_m_takes_the_defaults_m() -> None:
    """EM that took namesakes for the matches: agreeing birth dates rare among "matches"."""
    settings = _trained()
    _level(settings, "dob", "tanggal lahir sama")["m_probability"] = 0.034
    _level(settings, "dob", "All other comparisons")["m_probability"] = 0.88
    u_before = _level(settings, "dob", "tanggal lahir sama")["u_probability"]
    fixed, notes = F.repair(settings, 10_000)
    assert [n.code for n in notes] == ["m_implausible"]
    assert _level(fixed, "dob", "tanggal lahir sama")["m_probability"] == 0.71
    assert _level(fixed, "dob", "All other comparisons")["m_probability"] == 0.002
    assert _level(fixed, "dob", "tanggal lahir sama")["u_probability"] == u_before


def test_an_inverted_model_falls_back_on_the_previous_then_the_default() -> None:
    bad = _trained()
    # agreeing on the NIK weighs nothing (as common among non-matches as among matches)
    _level(bad, "nik", "NIK sama persis").update(m_probability=0.86, u_probability=0.99)
    assert {n.code for n in F.problems(bad)} == {"weight_nonpositive"}
    previous = _trained()
    _level(previous, "name", "nama sama")["m_probability"] = 0.6
    chosen = F.choose(
        bad, source="trained", notes=[], previous=previous, base=_base(), records=10_000
    )
    assert chosen.source == "previous"
    assert _level(chosen.settings, "name", "nama sama")["m_probability"] == 0.6
    assert "weight_nonpositive" in {n.code for n in chosen.notes}
    chosen = F.choose(
        bad, source="trained", notes=[], previous=copy.deepcopy(bad), base=_base(), records=10
    )
    assert chosen.source == "default"
    assert "previous_rejected" in {n.code for n in chosen.notes}
    chosen = F.choose(None, source="trained", notes=[], previous=None, base=_base(), records=10)
    assert chosen.source == "default" and F.problems(chosen.settings) == []


class _FailingTraining:
    """A Splink training namespace whose every step raises, as on a degenerate registry."""

    def estimate_probability_two_random_records_match(self, *a: Any, **k: Any) -> None:
        raise ValueError("math domain error")

    def estimate_u_using_random_sampling(self, *a: Any, **k: Any) -> None:
        raise ValueError("u_probability value 0 is below the minimum")

    def estimate_parameters_using_expectation_maximisation(self, *a: Any, **k: Any) -> None:
        raise ValueError("m_probability value 5.09e-312 is below the minimum allowed value")


class _Linker:
    def __init__(self) -> None:
        from types import SimpleNamespace

        self.training = _FailingTraining()
        self._settings_obj = SimpleNamespace(
            _probability_two_random_records_match=0.0,
            training_settings=SimpleNamespace(max_iterations=25),
        )
        self.misc = SimpleNamespace(save_model_to_json=lambda out_path=None: _base())


def test_training_that_raises_at_every_step_is_noted_not_raised() -> None:
    training = fit(_Linker(), records=1000)
    codes = [n.code for n in training.notes]
    assert codes.count("prior_failed") == 2 and "prior_implausible" in codes
    assert "u_failed" in codes and "em_failed" in codes and "em_skipped" in codes
    assert training.settings is not None
    chosen = F.choose(
        training.settings,
        source="trained",
        notes=training.notes,
        previous=None,
        base=_base(),
        records=1000,
    )
    # every level was unset: filled from the default model, so it passes as "trained" with
    # the notes saying so
    assert F.problems(chosen.settings) == []
    assert "level_unset" in {n.code for n in chosen.notes}


def test_blocks_over_the_cap_are_left_out_of_their_rule() -> None:
    n = 3 * MAX_BLOCK
    frame = pl.DataFrame(
        {
            "unique_id": range(n),
            "name_key": ["A"] * (2 * MAX_BLOCK) + [f"R{i}" for i in range(MAX_BLOCK)],
            "desa": ["1"] * n,
        }
    )
    blocks = bound([frame], [("name_key", "desa"), ("desa",)])
    # both rules have a block over the cap; the rare names keep their (one-record) blocks
    assert set(blocks.capped) == {("name_key", "desa"), ("desa",)}
    flag = blocks.flags[("name_key", "desa")]
    out = blocks.frames[0]
    assert out.filter(pl.col("name_key") == "A")[flag].null_count() == 2 * MAX_BLOCK
    assert out.filter(pl.col("name_key") != "A")[flag].to_list() == [1] * MAX_BLOCK
    assert blocks.pairs[("desa",)] == 0
    assert "blk_" in blocks.sql(("desa",))


def test_a_broad_training_block_does_not_lower_the_prediction_cap() -> None:
    n = 6 * 900  # six training blocks of 900: 2.4 M pairs, over the budget's 2 M
    frame = pl.DataFrame(
        {
            "unique_id": range(n),
            "name_key": [f"R{i % (n // 10)}" for i in range(n)],
            "kab": [str(i // 900) for i in range(n)],
        }
    )
    blocks = bound([frame], [("name_key",)], [("kab",)])
    assert blocks.cap == MAX_BLOCK and ("name_key",) not in blocks.capped
    assert blocks.capped == {("kab",): n}  # the training block alone is bounded
    shared = bound([frame], [("name_key",), ("kab",)])
    assert shared.cap < MAX_BLOCK


def test_clerks_same_decisions_inform_m(tmp_path: Any) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from adversarial import Shape, write

    from terpadu.linkage.predict import score
    from terpadu.linkage.prepare import prepare_records
    from terpadu.linkage.training import MIN_SAME

    folder = write(tmp_path, Shape(people=300, duplicates=0.2))
    members = pl.read_csv(folder / "anggota.csv", infer_schema=False).with_row_index("unique_id")
    families = pl.read_csv(folder / "keluarga.csv", infer_schema=False)
    truth = pl.read_csv(folder / "truth.csv", infer_schema=False)
    records = members.join(families, on="ID_KELUARGA").select(
        pl.col("unique_id").cast(pl.Int64),
        pl.col("NIK").alias("nik"),
        pl.col("NAMA").alias("nama"),
        pl.col("JENIS_KELAMIN").alias("jenis_kelamin"),
        pl.col("TGL_LAHIR").alias("tgl_lahir"),
        pl.col("NAMA_IBU_KANDUNG").alias("nama_ibu_kandung"),
        pl.col("KODE_WILAYAH").alias("desa"),
        pl.col("NO_KK").alias("no_kk"),
    )
    ids = members.join(truth, on="ID_ANGGOTA").group_by("PERSON").agg(pl.col("unique_id").sort())
    same = [(int(g[0]), int(g[1])) for g in ids["unique_id"].to_list() if len(g) == 2]
    assert len(same) >= MIN_SAME
    scored = score(prepare_records(records), same=same[:MIN_SAME])
    assert "from_decisions" in {n.code for n in scored.model.notes}
    assert scored.model.source == "trained"
