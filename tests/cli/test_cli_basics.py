"""What every command shares: --version, the console's width, progress bars, hints, numbers."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.progress import Progress
from typer.testing import CliRunner

import terpadu
from terpadu.cli import app, common, progress
from terpadu.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TERPADU_LANGUAGE", raising=False)
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield
    common.set_quiet(False)
    get_settings.cache_clear()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"Terpadu versi {terpadu.__version__}"


def test_output_to_a_file_is_wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert common.console_width(io.StringIO()) == common.WIDE
    monkeypatch.setenv("COLUMNS", "132")
    assert common.console_width(io.StringIO()) is None  # rich reads COLUMNS


def test_numbers_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    assert common.num(2031) == "2.031"
    assert common.money(313_616_725) == "Rp 313.616.725"
    assert common.dec(0.95, 2) == "0,95"
    monkeypatch.setenv("TERPADU_LANGUAGE", "en")
    get_settings.cache_clear()
    assert common.num(2031) == "2,031"
    assert common.money(313_616_725) == "Rp 313,616,725"
    assert common.pct(0.873) == "87.3%"


def test_synth_summary_in_indonesian_then_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["synth", str(tmp_path / "out"), "--households", "400", "--survey-households", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Registri sintetis" in result.output
    assert "baris anggota" in result.output and "1.4" in result.output  # 1.4xx rows, id grouping
    assert "kuota.csv" in result.output
    monkeypatch.setenv("TERPADU_LANGUAGE", "en")
    get_settings.cache_clear()
    result = runner.invoke(app, args)
    assert "Synthetic registry" in result.output and "rows of anggota.csv" in result.output
    assert "1,4" in result.output


def test_progress_bar_off_in_pipes_and_with_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress.shown()
    common.set_quiet(True)
    assert not progress.shown()
    common.set_quiet(False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not progress.shown()


def test_progress_bar_moves_on_each_step_and_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert progress.step_words("rank_score") == "menilai dan memeringkat keluarga…"
    assert progress.step_words("snapshot", prefix="link_") == "membaca registri (snapshot)…"
    assert progress.step_words("membaca keluarga.csv") == "membaca keluarga.csv"  # free text
    bars: list[Progress] = []

    class Recorded(Progress):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(progress, "Progress", Recorded)
    seen: list[float] = []
    with progress.progress_bar("rank", 3, force=True) as step:
        for key in ("rank_snapshot", "rank_score", "rank_store"):
            step(key)
            task = bars[0].tasks[0]
            seen.append(task.completed)
            assert task.description == progress.step_words(key)
        assert bars[0].live.transient  # the bar leaves nothing behind
    assert seen == [0, 1, 2]
    assert bars[0].tasks[0].completed == 3


def test_quiet_option_is_taken() -> None:
    result = runner.invoke(app, ["--quiet", "--version"])
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("argv0", "on_path", "expected"),
    [
        (".venv/bin/terpadu", None, ".venv/bin/terpadu"),
        ("python", None, "terpadu"),
    ],
)
def test_hints_name_the_command_as_it_was_run(
    argv0: str, on_path: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", [argv0])
    monkeypatch.setattr(common.shutil, "which", lambda _name: on_path)
    assert common.command_name() == expected


def test_hint_is_the_bare_name_when_it_is_on_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "bin" / "terpadu"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(script)])
    monkeypatch.setattr(common.shutil, "which", lambda _name: str(script))
    assert common.command_name() == "terpadu"
    monkeypatch.setattr(common.shutil, "which", lambda _name: None)
    monkeypatch.chdir(tmp_path)
    assert common.command_name() == "bin/terpadu"


def test_the_importers_steps_are_shown_in_the_interface_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from terpadu.intake.importer import BUSY_WAITING

    assert progress.step_words("memuat 1234 keluarga") == "memuat 1234 keluarga"
    monkeypatch.setenv("TERPADU_LANGUAGE", "en")
    get_settings.cache_clear()
    assert progress.step_words("memuat 1234 keluarga") == "loading 1234 families"
    assert progress.step_words("membaca desa x.csv") == "reading desa x.csv"
    assert progress.step_words("memeriksa anggota") == "checking members"
    assert progress.step_words(BUSY_WAITING).startswith("this batch is being imported")
    assert progress.step_words("kata lain") == "kata lain"  # unknown words shown as they are
