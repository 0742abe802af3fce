"""The linkage commands through typer: link, review --list / decide, unmerge, dukcapil."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from linkage_helpers import load, resolved

from terpadu.cli.common import open_engine
from terpadu.cli.linkage import dukcapil, link, review_app, unmerge
from terpadu.linkage import extract_from_synth
from terpadu.linkage.model import model_dir
from terpadu.settings import get_settings
from terpadu.store.ids import person_code

runner = CliRunner()
app = typer.Typer()
app.command("link")(link)
app.command("unmerge")(unmerge)
app.add_typer(review_app, name="review")
app.command("dukcapil")(dukcapil)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Iterator[Path]:
    var = tmp_path / "var"
    shutil.copytree(model_dir(data_dir), model_dir(var))
    monkeypatch.setenv("TERPADU_DATA_DIR", str(var))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield var
    get_settings.cache_clear()


def test_cli_link_review_unmerge_dukcapil(
    workspace: Path, small_batch: Path, tmp_path: Path, cli_account: Callable[..., str]
) -> None:
    engine = open_engine()
    load(engine, small_batch)
    refused = runner.invoke(app, ["link"])
    assert refused.exit_code == 1 and "terpadu login" in refused.output
    cli_account("bpk", "auditor")
    refused = runner.invoke(app, ["link"])
    assert refused.exit_code == 1 and "tidak boleh" in refused.output
    cli_account("clerk", "admin_provinsi", "36")
    result = runner.invoke(app, ["link", "--threshold", "0.999999"])
    assert result.exit_code == 0, result.output
    assert "PERSON_ID" in result.output and "versi model" in result.output
    # which model and why, and each stage as it finished
    assert "stored: model tersimpan" in result.output
    stages = ("snapshot", "persiapan", "nilai", "kelompok")  # each stage's time, in words
    assert all(stage in result.output for stage in stages)

    listed = runner.invoke(app, ["review", "--list", "--limit", "5"])
    assert listed.exit_code == 0, listed.output
    assert "Antrean review" in listed.output
    from terpadu.linkage import list_review

    pair = list_review(engine, limit=1)[0]
    # The pair's state and decision in words, in the interface language.
    with pytest.MonkeyPatch.context() as english:
        english.setenv("TERPADU_LANGUAGE", "en")
        get_settings.cache_clear()
        skipped = runner.invoke(app, ["review", "decide", str(pair.id), "skip"])
    get_settings.cache_clear()
    assert skipped.exit_code == 0, skipped.output
    assert f"pair {pair.id}: skipped (no decision)" in skipped.output
    decided = runner.invoke(app, ["review", "decide", str(pair.id), "different"])
    assert decided.exit_code == 0, decided.output
    assert f"pasangan {pair.id}: diputuskan (orang berbeda)" in decided.output
    from sqlalchemy import text

    with engine.connect() as conn:
        who = conn.execute(text("SELECT decided_by FROM review_pair WHERE id = :i"), {"i": pair.id})
        assert who.scalar() == "clerk"
    again = runner.invoke(app, ["review", "decide", str(pair.id), "same"])
    assert again.exit_code == 1 and "sudah diputuskan" in again.output

    got = resolved(engine)
    rid = int(got.group_by("rid").len().filter(pl.col("len") > 1)["rid"][0])
    split = runner.invoke(app, ["unmerge", person_code(rid), "--note", "salah tautan"])
    assert split.exit_code == 0, split.output
    assert "dipisah" in split.output
    missing = runner.invoke(app, ["unmerge", "ORG9999999999"])
    assert missing.exit_code == 1

    extract_from_synth(small_batch, tmp_path / "dukcapil.csv")
    checked = runner.invoke(
        app, ["dukcapil", str(tmp_path / "dukcapil.csv"), "--out", str(tmp_path / "lap")]
    )
    assert checked.exit_code == 0, checked.output
    assert "orang diperiksa" in checked.output
    assert any((tmp_path / "lap").glob("dukcapil_*.csv"))


def test_review_pairs_show_a_masked_role_masked_values() -> None:
    from terpadu.access import Actor, show_nik
    from terpadu.cli.linkage import _shown

    auditor, kab = Actor("bpk", "auditor"), Actor("v", "verifikator_kab", "3604")
    masked = _shown(auditor, "nik", "3604051507870001")
    assert masked == show_nik(auditor, "3604051507870001") and masked != "3604051507870001"
    assert _shown(auditor, "dob", "1987-07-15") == "1987"
    assert _shown(kab, "nik", "3604051507870001") == "3604051507870001"
    assert _shown(kab, "dob", "1987-07-15") == "1987-07-15"
