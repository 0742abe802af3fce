"""The steps the domain tells the CLI's progress bars, in the order and number the bars expect."""

from __future__ import annotations

from pathlib import Path

from terpadu.cli.progress import step_words
from terpadu.synth import SynthConfig, generate
from terpadu.synth.generate import PROGRESS_STEPS as SYNTH_STEPS
from terpadu.welfare.model import FIT_STEPS, fit_pmt


def test_synth_and_pmt_fit_tell_each_step(tmp_path: Path) -> None:
    told: list[str] = []
    generate(
        SynthConfig(households=20, survey_households=200, seed=4), tmp_path, progress=told.append
    )
    assert told == list(SYNTH_STEPS)
    told.clear()
    fit_pmt(
        tmp_path / "survey_keluarga.csv",
        tmp_path / "survey_anggota.csv",
        folds=3,
        models_dir=tmp_path / "models",
        progress=told.append,
    )
    assert told == ["pmt_read", "pmt_cv", "pmt_cv", "pmt_cv", "pmt_fit", "pmt_save"]
    assert len(told) == 3 + 3  # the bar's total in ``terpadu pmt fit``: folds + 3
    # every step has its words in both languages
    for key in {*SYNTH_STEPS, *FIT_STEPS}:
        assert step_words(key) != key
