from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner
from welfare_frames import REFERENCE

from terpadu.cli.report import report_app
from terpadu.cli.welfare import pmt_app, rank
from terpadu.intake import import_batch
from terpadu.settings import get_settings
from terpadu.store import make_engine, upgrade
from terpadu.synth import SynthConfig, generate


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TERPADU_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'cli.db'}")
    get_settings.cache_clear()
    main = typer.Typer()
    main.add_typer(pmt_app, name="pmt")
    main.command("rank")(rank)
    main.add_typer(report_app, name="report")
    yield main
    get_settings.cache_clear()


def test_fit_rank_and_report_from_the_command_line(
    app: typer.Typer, tmp_path: Path, cli_account: Callable[..., str]
) -> None:
    data = tmp_path / "data"
    generate(SynthConfig(households=150, kab_code="3604", seed=5, survey_households=400), data)
    runner = CliRunner()
    result = runner.invoke(app, ["rank"])
    assert result.exit_code == 1 and "terpadu login" in result.output
    cli_account("petugas", "verifikator_kab", "3604")

    result = runner.invoke(app, ["rank"])
    assert result.exit_code == 1 and "pmt fit" in result.output

    result = runner.invoke(
        app,
        [
            "pmt",
            "fit",
            str(data / "survey_keluarga.csv"),
            str(data / "survey_anggota.csv"),
            "--folds",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Model terpilih" in result.output and "Alatas" in result.output
    models = list((tmp_path / "var" / "models" / "pmt").glob("pmt-*.json"))
    assert len(models) == 1

    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    import_batch(engine, data / "keluarga.csv", data / "anggota.csv", today=REFERENCE)
    result = runner.invoke(app, ["rank", "--model", models[0].stem, "--engine", "duckdb"])
    assert result.exit_code == 0, result.output
    assert "150 keluarga aktif" in result.output and "Sebaran desil" in result.output

    out = tmp_path / "laporan" / "serang.xlsx"
    result = runner.invoke(app, ["report", "poverty", "--region", "36.04", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "M0 =" in result.output and "Kontribusi dimensi" in result.output
    assert out.exists() and out.with_suffix(".png").exists() and out.with_suffix(".svg").exists()

    result = runner.invoke(app, ["report", "poverty", "--region", "3201"])
    assert result.exit_code == 1 and "tidak ada keluarga berperingkat" in result.output
