"""``--help`` speaks the interface language: every command and option has its words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer.main
from typer.testing import CliRunner

from terpadu.cli import app
from terpadu.cli import help as cli_help
from terpadu.locale import has_text, text
from terpadu.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("TERPADU_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _written_help() -> dict[str, str]:
    """Every help text as the commands are written (English), by catalogue key."""
    original = cli_help.localize
    cli_help.localize = lambda root, lang: None  # type: ignore[assignment]
    try:
        root = typer.main.get_command(app)
    finally:
        cli_help.localize = original
    out: dict[str, str] = {}
    for path, command in cli_help.walk(root):
        for key, param in cli_help.help_keys(command, path):
            words = command.help if param is None else param.help
            if words is not None:
                out[key] = " ".join(words.split())
    return out


def test_every_command_and_option_has_words_in_both_languages() -> None:
    written = _written_help()
    assert len(written) > 200
    missing = [key for key in written if not has_text(key)]
    assert not missing, f"add to locale/messages/cli.yaml under help: {missing}"
    # the English entry is the command's own text: the two never drift apart
    differ = [key for key, words in written.items() if text(key, "en") != words]
    assert not differ, differ
    untranslated = [key for key in written if text(key, "id") == text(key, "en")]
    assert not untranslated, untranslated


def test_help_is_indonesian_by_default() -> None:
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Opsi" in result.output
    assert "Jumlah keluarga registri" in result.output
    assert "Tampilkan bantuan ini lalu keluar." in result.output
    assert "Number of registry families" not in result.output
    top = runner.invoke(app, ["--help"])
    assert "Perintah" in top.output
    assert "Impor kiriman: periksa setiap baris" in top.output


def test_help_is_english_with_terpadu_language_en(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERPADU_LANGUAGE", "en")
    get_settings.cache_clear()
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Options" in result.output
    assert "Number of registry families" in result.output
    assert "Show this message and exit." in result.output
    assert "Jumlah keluarga" not in result.output


def test_a_command_list_shows_the_first_sentence() -> None:
    assert cli_help.first_sentence("Impor kiriman. Berjalan sebagai akun.") == "Impor kiriman."
    assert cli_help.first_sentence("Satu kalimat saja") == "Satu kalimat saja"
