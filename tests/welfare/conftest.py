import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from welfare_frames import REFERENCE

from terpadu.synth import SynthConfig, generate
from terpadu.welfare import PmtModel, fit_pmt


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small Banten registry (300 families) and a survey of 1,200 families, same model."""
    out = tmp_path_factory.mktemp("synth")
    generate(SynthConfig(households=300, kab_code="36", seed=11, survey_households=1200), out)
    return out


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def pmt_model(synth_dir: Path, models_dir: Path) -> PmtModel:
    return fit_pmt(
        synth_dir / "survey_keluarga.csv",
        synth_dir / "survey_anggota.csv",
        folds=3,
        seed=7,
        reference_date=REFERENCE,
        models_dir=models_dir,
    )
