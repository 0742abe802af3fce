"""A refusal by role speaks the interface language (``TERPADU_LANGUAGE``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terpadu.cli import app
from terpadu.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    cli_account("op_desa", "operator_desa", "3604052001")
    yield
    get_settings.cache_clear()


def _refused(args: list[str], language: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TERPADU_LANGUAGE", language)
    get_settings.cache_clear()
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    return " ".join(result.output.split())


def test_a_refused_job_is_worded_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _refused(["link"], "en", monkeypatch)
    assert "The role village operator may not run 'link'; only province administrator" in out
    assert "Peran" not in out and "tidak boleh" not in out


def test_a_refused_purge_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    english = _refused(["data", "purge", "--dry-run"], "en", monkeypatch)
    assert "may not remove kept data; only province administrator." in english
    bahasa = _refused(["data", "purge", "--dry-run"], "id", monkeypatch)
    assert (
        "Peran operator desa/kelurahan tidak boleh menghapus data simpanan; "
        "hanya admin provinsi." in bahasa
    )
