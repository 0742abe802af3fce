"""``terpadu demo`` keeps to its own data and names the command as it was run."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from terpadu.cli import app
from terpadu.settings import get_settings
from terpadu.store import make_engine

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    monkeypatch.delenv("TERPADU_LANGUAGE", raising=False)
    get_settings.cache_clear()
    cli_account("petugas", "admin_provinsi", "36")
    yield
    get_settings.cache_clear()


def test_demo_leaves_other_imports_model_and_ranking_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "desa"
    assert (
        runner.invoke(app, ["synth", str(out), "--households", "40", "--seed", "3"]).exit_code == 0
    )
    done = runner.invoke(
        app, ["import", str(out / "keluarga.csv"), str(out / "anggota.csv"), "--source", "desa-x"]
    )
    assert done.exit_code == 0, done.output
    monkeypatch.setattr(sys, "argv", [".venv/bin/terpadu", "demo"])
    result = runner.invoke(
        app, ["demo", "--households", "30", "--survey-households", "0", "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    assert "keluarga dari kiriman lain" in result.output
    assert "Model terpilih" not in result.output
    # nothing was fitted or ranked: the other families keep their (absent) ranking
    settings = get_settings()
    assert not list(settings.pmt_models_dir.glob("*.json"))
    engine = make_engine(settings.resolved_database_url())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM welfare_run")).scalar_one() == 0
        sources = conn.execute(text("SELECT name FROM source ORDER BY name")).scalars().all()
        services = [
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("institution", "social_worker", "complaint")
        ]
        cases = conn.execute(
            text("SELECT state, complaint_id, person_id, review_due FROM ppks_case ORDER BY id")
        ).all()
        accounts = dict(
            conn.execute(
                text("SELECT username, role FROM web_user WHERE username IN ('peksos', 'slrt')")
            ).all()
        )
    engine.dispose()
    # the kabupaten's services lists went through the importers, every row kept
    for name in ("lembaga.csv", "sdm.csv", "pengaduan.csv"):
        assert re.search(
            rf"{name}: [\d.]+ baris dibaca, [\d.]+ dimuat .*, 0 ditolak", result.output
        )
    assert all(services), services
    assert f"{services[0]} lembaga dengan" in result.output
    assert f"{services[2]} pengaduan (" in result.output
    assert sources == ["demo-2026", "desa-x"]  # the demo's data did land
    # the PPKS cases: opened by the front office account for the caseworker account, in
    # several states, one from a complaint, one for a person not in the registry
    assert accounts == {"peksos": "pekerja_sosial", "slrt": "petugas_slrt"}
    states = [c.state for c in cases]
    assert states == ["assessed", "planned", "in_service", "closed", "opened"], states
    assert cases[0].complaint_id is not None and cases[-1].person_id is None
    assert f"{len(cases)} kasus PPKS (1 terlambat dievaluasi)" in " ".join(result.output.split())
    # a second run opens no more cases
    again = runner.invoke(
        app, ["demo", "--households", "30", "--survey-households", "0", "--no-serve"]
    )
    assert again.exit_code == 0, again.output
    assert f"{len(cases)} kasus PPKS" in " ".join(again.output.split())
    # the hints name the command the way it was started
    assert ".venv/bin/terpadu login demo" in result.output
    assert ".venv/bin/terpadu pmt fit" in result.output
