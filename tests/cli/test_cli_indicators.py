"""``terpadu indikator`` as a kab/kota planner uses it, within the account's region."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "indicators"))
from test_compute import first_edition

from terpadu.cli import app
from terpadu.cli.common import open_engine
from terpadu.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    monkeypatch.delenv("TERPADU_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    cli_account("planner", "verifikator_kab", "3604")
    yield
    get_settings.cache_clear()


def _run(args: list[str], code: int = 0) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def test_compute_read_and_score_within_the_account_region(tmp_path: Path) -> None:
    first_edition(open_engine(), tmp_path)
    assert "Indeks keberfungsian sosial anak" in _run(["indikator", "katalog"])
    out = _run(["indikator", "hitung"])
    assert "Edisi 2026-Q1" in out and "Tidak ada data untuk ifs_anak" in out
    values = tmp_path / "ats.csv"
    out = _run(
        ["indikator", "lihat", "anak_tidak_sekolah", "--tingkat", "desa", "--out", str(values)]
    )
    frame = pl.read_csv(values)
    assert frame["kode_wilayah"].cast(pl.Utf8).str.starts_with("3604").all()
    card = tmp_path / "skor.xlsx"
    out = _run(["indikator", "skor", "--out", str(card)])
    assert "Tertinggal" in out and "Tidak ada data" in out
    rows = pl.read_excel(card, engine="openpyxl")
    ats = rows.filter(pl.col("indikator") == "anak_tidak_sekolah")
    assert ats["nilai"][0] == 50 and ats["status"][0] == "behind"  # 2 of 4 children in 3604
    out = _run(["indikator", "tren", "keluarga_desil_1_4"])
    assert "2026-Q1" in out
    assert "di luar wilayah kerja" in _run(["indikator", "skor", "--wilayah", "3603"], code=1)


def test_target_import_writes_the_problem_file(tmp_path: Path) -> None:
    path = tmp_path / "target.csv"
    path.write_text(
        "INDIKATOR,TAHUN,KODE_WILAYAH,TARGET\nifs_anak,2026,3604,0.5\nsalah,2026,3604,1\n",
        encoding="utf-8",
    )
    errors = tmp_path / "masalah.csv"
    out = _run(["indikator", "target", "impor", str(path), "--errors", str(errors)])
    assert "2 baris dibaca, 1 dimuat, 1 ditolak" in out
    assert "baris 3, INDIKATOR" in out
    assert errors.exists()
