"""``terpadu pengaduan`` as a Puskesos operator uses it: receive, check, visit, propose, close."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
from batches import good_batch

from terpadu.cli import app
from terpadu.settings import get_settings

runner = CliRunner()
DESA = "3604052001"


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    holidays = tmp_path / "libur.csv"
    holidays.write_text("tanggal,keterangan\n2026-12-25,Natal\n", "utf-8")
    monkeypatch.setenv("TERPADU_HOLIDAYS_FILE", str(holidays))
    monkeypatch.setenv("TERPADU_COMPLAINT_SLA", "checked=4")
    get_settings.cache_clear()
    cli_account("petugas", "admin_provinsi", "36")
    assert runner.invoke(app, ["import", *map(str, good_batch(tmp_path))]).exit_code == 0
    cli_account("op_desa", "operator_desa", DESA)
    yield
    get_settings.cache_clear()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, ["pengaduan", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_complaint_from_receipt_to_closing() -> None:
    out = _ok(
        [
            "terima",
            "--kategori",
            "wrong_data",
            "--wilayah",
            DESA,
            "--pelapor",
            "Siti Aminah",
            "--uraian",
            "Alamat salah tulis",
        ]
    )
    tracking = re.search(r"ADU-3604-[A-Z0-9]{6}", out)
    assert tracking is not None and "Kode pelacakan" in out
    code = tracking.group(0)
    listed = _ok(["daftar"])
    assert code in listed and "1 pengaduan terbuka" in listed
    # FAMILY_ID of the good batch's first family.
    _ok(["periksa", code, "--keluarga", "K1"])
    made = _ok(["usulkan", code, "--isian", "alamat=Kp. Baru Indah"])
    assert "menjadi usulan" in " ".join(made.split())
    closed = _ok(["tutup", code, "--cara", "SMS"])
    assert "Selesai" in closed
    assert "0 pengaduan terbuka" in _ok(["daftar"])


def test_a_wrong_step_and_an_unknown_code_are_said_in_words() -> None:
    out = _ok(
        [
            "terima",
            "--kategori",
            "help",
            "--wilayah",
            DESA,
            "--pelapor",
            "Budi",
            "--uraian",
            "Butuh bantuan",
            "--saluran",
            "phone",
        ]
    )
    code = re.search(r"ADU-3604-[A-Z0-9]{6}", out).group(0)  # type: ignore[union-attr]
    wrong = runner.invoke(app, ["pengaduan", "tutup", code, "--cara", "telepon"])
    assert wrong.exit_code == 1 and "tidak dapat diambil" in " ".join(wrong.output.split())
    unknown = runner.invoke(app, ["pengaduan", "kunjungi", "ADU-0000-XXXXXX", "--catatan", "x"])
    assert unknown.exit_code == 1 and "tidak ditemukan" in " ".join(unknown.output.split())
    bad = runner.invoke(
        app,
        [
            "pengaduan",
            "terima",
            "--kategori",
            "gosip",
            "--wilayah",
            DESA,
            "--pelapor",
            "A",
            "--uraian",
            "B",
        ],
    )
    assert bad.exit_code == 1 and "Jenis pengaduan 'gosip'" in " ".join(bad.output.split())


def test_the_complaints_log_imported_with_a_problem_file_and_listed(tmp_path: Path) -> None:
    log = tmp_path / "catatan.csv"
    log.write_text(
        "NO_PENGADUAN,TGL_PENGADUAN,KATEGORI,STATUS,TGL_STATUS,KODE_WILAYAH,NAMA_PELAPOR,"
        "URAIAN,NIK\n"
        "SLRT-001,2026-10-01,data salah,diperiksa,2026-10-02,3604052001,Joko,Alamat salah,"
        "3604051507870001\n"
        "SLRT-002,2026-10-01,entah,diterima,,3604052001,Ani,Kategori salah,\n"
        "SLRT-003,2026-10-01,lainnya,diterima,,3604052002,Ani,Desa lain,\n",
        "utf-8",
    )
    errors = tmp_path / "masalah.xlsx"
    out = " ".join(_ok(["impor", str(log), "--errors", str(errors)]).split())
    assert "3 baris dibaca, 1 dimuat (1 baru, 0 diubah), 2 ditolak" in out
    assert "baris 3, KATEGORI" in out and "baris 4, KODE_WILAYAH" in out
    problems = pl.read_excel(errors)
    assert problems.height == 2 and set(problems["ROW"].to_list()) == {3, 4}
    again = " ".join(_ok(["impor", str(log)]).split())
    assert "1 dimuat (0 baru, 0 diubah)" in again
    listed = " ".join(_ok(["daftar", "--terlambat"]).split())
    assert "SLRT-001" in listed


def test_synth_writes_the_services_lists_that_import_whole(
    tmp_path: Path, cli_account: Callable[..., str]
) -> None:
    out = tmp_path / "kab"
    made = runner.invoke(
        app, ["synth", str(out), "--households", "60", "--survey-households", "0", "--services"]
    )
    assert made.exit_code == 0, made.output
    assert "pengaduan.csv" in made.output
    # a kab/kota verifier imports the complaints log the synth wrote, every row
    cli_account("verif_serang", "verifikator_kab", "3604")
    done = " ".join(_ok(["impor", str(out / "pengaduan.csv")]).split())
    assert re.search(r"pengaduan\.csv: (\d+) baris dibaca, \1 dimuat", done), done
