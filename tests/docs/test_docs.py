"""The docs name every setting and every command (datasette's habit)."""

from pathlib import Path

import typer.main

from terpadu.cli import app
from terpadu.settings import Settings

DOCS = Path(__file__).parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    for name in Settings.model_fields:
        assert f"TERPADU_{name.upper()}" in text, name


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    command = typer.main.get_command(app)
    for name in command.commands:  # type: ignore[attr-defined]
        assert f"`terpadu {name}" in text, name
