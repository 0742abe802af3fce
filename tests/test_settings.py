"""The data folder's layout is written down once, on Settings."""

from __future__ import annotations

from pathlib import Path

from terpadu.settings import Settings

LAYOUT = {
    "pmt_models_dir": "models/pmt",
    "linkage_models_dir": "models/linkage",
    "editions_dir": "editions",
    "evidence_dir": "evidence",
    "programs_dir": "programs",
    "reports_dir": "reports",
    "workflow_config_path": "verval.yaml",
    "welfare_runs_dir": "welfare/runs",
    "targeting_runs_dir": "targeting/runs",
    "targeting_snapshots_dir": "targeting/snapshots",
    "spark_checkpoints_dir": "spark-checkpoints",
    "web_imports_dir": "web-imports",
    "web_secret_path": "web_secret.key",
    "demo_dir": "demo",
    "anchors_dir": "audit/anchors",
    "scratch_dir": "scratch",
}


def test_every_folder_lies_under_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    for name, relative in LAYOUT.items():
        assert getattr(settings, name) == tmp_path / "var" / relative, name


def test_every_layout_property_is_listed() -> None:
    properties = {name for name, value in vars(Settings).items() if isinstance(value, property)}
    assert properties == set(LAYOUT)


def test_linkage_models_folder_matches_linkage() -> None:
    from terpadu.linkage.model import model_dir

    settings = Settings(data_dir=Path("somewhere"))
    assert model_dir(settings.data_dir) == settings.linkage_models_dir
