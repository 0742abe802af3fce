"""``terpadu report profil`` and ``terpadu report rollup`` write the TKPK reports."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
from tkpk_registry import build_registry

from terpadu.cli import app
from terpadu.settings import get_settings
from terpadu.store import make_engine, upgrade

runner = CliRunner()


@pytest.fixture(autouse=True)
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    build_registry(engine, tmp_path)
    engine.dispose()
    yield
    get_settings.cache_clear()


def test_profile_as_pdf_and_rollup_as_xlsx(tmp_path: Path) -> None:
    pdf = tmp_path / "out" / "profil.pdf"
    result = runner.invoke(app, ["report", "profil", "--region", "36.04", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "Profil kemiskinan Kabupaten Serang" in result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "rekap.xlsx"
    result = runner.invoke(app, ["report", "rollup", "--province", "36", "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(xlsx)["rekap_kabkota"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["3601", "3604"]


def test_refusals_say_why(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "profil", "--region", "36", "--out", "x.docx"])
    assert result.exit_code == 1 and ".pdf atau .xlsx" in result.output
    result = runner.invoke(
        app, ["report", "rollup", "--province", "3604", "--out", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == 1 and "bukan kode provinsi" in result.output
    result = runner.invoke(
        app,
        ["report", "profil", "--region", "36", "--edition", "2026-11", "--out", "x.pdf"],
    )
    assert result.exit_code == 1 and "2026-11" in result.output
