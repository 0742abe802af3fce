"""``terpadu lembaga`` and ``terpadu sdm`` as a Dinas Sosial's kab/kota staff use them."""

from __future__ import annotations

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
LEMBAGA = (
    "NO_REGISTRASI,NAMA_LEMBAGA,JENIS,PEMILIK,AKREDITASI,TGL_AKREDITASI,"
    "AKREDITASI_BERLAKU_SAMPAI,DAYA_TAMPUNG,KODE_WILAYAH\n"
    "LKS-001,Panti Asuhan Al Ikhlas,anak,masyarakat,A,2022-03-01,2099-03-01,40,3604052001\n"
    "LKS-002,PSTW Serang,lansia,pemda,B,2020-01-10,2025-01-10,100,3604052002\n"
    "LKS-003,LKS Bina Difabel,disabilitas,masyarakat,,,,20,3604052001\n"
    "LKS-004,Salah,anak,entah,,,,10,3604052001\n"
)
SDM = (
    "NIK,NAMA,PERAN,SERTIFIKASI,WILAYAH_TUGAS,NAMA_AKUN\n"
    "3604051507870001,Ahmad Fauzi,TKSK,ya,360405,tksk_kramatwatu\n"
    "3604054107900002,Siti Rahma,pendamping pkh,tidak,3604052001;3604052002,\n"
    "3604051203850004,Luar Wilayah,psm,,3201011001,\n"
)


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    monkeypatch.delenv("TERPADU_LANGUAGE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    cli_account("verif_serang", "verifikator_kab", "3604")
    yield
    get_settings.cache_clear()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_institutions_imported_with_a_problem_file_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "lembaga.csv"
    path.write_text(LEMBAGA, encoding="utf-8")
    errors = tmp_path / "masalah.csv"
    out = _ok(["lembaga", "impor", str(path), "--errors", str(errors)])
    assert "4 baris dibaca, 3 dimuat (3 baru, 0 diubah), 1 ditolak" in out
    assert "baris 5, PEMILIK" in out and "'entah' tidak dikenal" in out
    problems = pl.read_csv(errors)
    assert problems.columns[:4] == ["FILE", "ROW", "COLUMN", "VALUE"]
    assert problems.row(0, named=True)["ROW"] == 5
    again = _ok(["lembaga", "impor", str(path)])
    assert "3 dimuat (0 baru, 0 diubah)" in again
    listed = _ok(["lembaga", "daftar"])
    assert "3 lembaga" in listed and "PSTW Serang" in listed and "Lanjut usia" in listed
    by_region = _ok(["lembaga", "daftar", "--per-wilayah"])
    assert "Keterisian per wilayah" in by_region and "3604" in by_region
    pipeline = _ok(["lembaga", "daftar", "--akreditasi", "--hari", "30"])
    assert "Akreditasi habis (1)" in pipeline
    assert "Belum pernah diakreditasi (1)" in pipeline and "LKS Bina Difabel" in pipeline


def test_an_unknown_kind_is_said_in_words() -> None:
    result = runner.invoke(app, ["lembaga", "daftar", "--jenis", "anak-anak"])
    assert result.exit_code == 1
    assert "Jenis lembaga 'anak-anak' tidak dikenal" in " ".join(result.output.split())


def test_workforce_imported_listed_and_caseloads(tmp_path: Path) -> None:
    path = tmp_path / "sdm.csv"
    path.write_text(SDM, encoding="utf-8")
    out = _ok(["sdm", "impor", str(path)])
    assert "3 baris dibaca, 2 dimuat (2 baru, 0 diubah), 1 ditolak" in out
    assert "di luar wilayah kerja Anda" in out
    listed = _ok(["sdm", "daftar"])
    assert "2 petugas" in listed and "Ahmad Fauzi" in listed and "Pendamping PKH" in listed
    assert "Siti Rahma" not in _ok(["sdm", "daftar", "--peran", "tksk"])
    short = _ok(["sdm", "beban", "--peran", "tksk", "--kurang"])
    assert "Wilayah kekurangan TKSK" in short and "360406" in short and "360405" not in short
    loads = _ok(["sdm", "beban", "--peran", "pendamping_pkh", "--norma", "pendamping_pkh=100"])
    assert "norma 100" in loads


def test_english_words_with_terpadu_language_en(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERPADU_LANGUAGE", "en")
    get_settings.cache_clear()
    path = tmp_path / "sdm.csv"
    path.write_text(SDM, encoding="utf-8")
    out = _ok(["sdm", "impor", str(path)])
    assert "3 rows read, 2 landed (2 new, 0 changed), 1 rejected" in out
    listed = _ok(["sdm", "daftar"])
    assert "2 workers" in listed and "PKH facilitator" in listed and "Petugas" not in listed


def test_a_bad_norm_and_a_role_without_one_are_refused() -> None:
    bad = runner.invoke(app, ["sdm", "beban", "--norma", "pendamping_pkh=nol"])
    assert bad.exit_code == 1 and "tidak sah" in bad.output
    other = runner.invoke(app, ["sdm", "beban", "--peran", "psm"])
    assert other.exit_code == 1 and "Peran 'psm' tidak dikenal" in " ".join(other.output.split())


def test_an_operator_cannot_import_the_lists(
    tmp_path: Path, cli_account: Callable[..., str]
) -> None:
    cli_account("op_desa", "operator_desa", "3604052001")
    path = tmp_path / "sdm.csv"
    path.write_text(SDM, encoding="utf-8")
    result = runner.invoke(app, ["sdm", "impor", str(path)])
    assert result.exit_code == 1
    assert "tidak boleh mengimpor daftar SDM" in " ".join(result.output.split())


def test_a_resident_admitted_listed_and_discharged_by_nik(
    tmp_path: Path, cli_account: Callable[..., str]
) -> None:
    cli_account("admin_banten", "admin_provinsi", "36")
    assert runner.invoke(app, ["import", *map(str, good_batch(tmp_path))]).exit_code == 0
    path = tmp_path / "lembaga.csv"
    path.write_text(LEMBAGA, encoding="utf-8")
    _ok(["lembaga", "impor", str(path)])
    nik = "3604050203900003"  # Joko Susilo of the good batch
    admitted = _ok(
        [
            "lembaga",
            "terima",
            "LKS-002",
            "--nik",
            nik,
            "--alasan",
            "Rujukan SLRT",
            "--tanggal",
            "2026-11-02",
        ]
    )
    assert "Penghuni dicatat masuk ke lembaga LKS-002" in admitted
    listed = _ok(["lembaga", "penghuni", "LKS-002"])
    assert "Penghuni lembaga LKS-002: 1" in listed and "Joko Susilo" in listed
    again = runner.invoke(app, ["lembaga", "terima", "LKS-001", "--nik", nik, "--alasan", "lagi"])
    assert again.exit_code == 1 and "masih tercatat sebagai penghuni" in again.output
    bad_day = runner.invoke(
        app,
        ["lembaga", "pulangkan", "LKS-002", "--nik", nik, "--alasan", "x", "--tanggal", "kemarin"],
    )
    assert bad_day.exit_code == 1 and "Tanggal 'kemarin' tidak sah" in bad_day.output
    _ok(["lembaga", "pulangkan", "LKS-002", "--nik", nik, "--alasan", "Kembali ke keluarga"])
    assert "Penghuni lembaga LKS-002: 0" in _ok(["lembaga", "penghuni", "LKS-002"])
    history = _ok(["lembaga", "penghuni", "LKS-002", "--semua"])
    assert "Kembali ke keluarga" in history
    unknown = runner.invoke(
        app, ["lembaga", "terima", "LKS-002", "--nik", "3604051111110001", "--alasan", "x"]
    )
    assert unknown.exit_code == 1 and "tidak ada di registri" in unknown.output


def test_institutions_and_their_residents_list_in_one_import(
    tmp_path: Path, cli_account: Callable[..., str]
) -> None:
    cli_account("admin_banten", "admin_provinsi", "36")
    assert runner.invoke(app, ["import", *map(str, good_batch(tmp_path))]).exit_code == 0
    homes = tmp_path / "lembaga.csv"
    homes.write_text(LEMBAGA, encoding="utf-8")
    residents = tmp_path / "penghuni.csv"
    residents.write_text(
        "NO_REGISTRASI,NIK,TGL_MASUK,ALASAN_MASUK\n"
        "LKS-002,3604050203900003,2026-11-02,Rujukan SLRT\n"
        "LKS-004,3604051507870001,2026-11-02,Lembaga ditolak\n",
        encoding="utf-8",
    )
    errors = tmp_path / "masalah.csv"
    out = _ok(
        ["lembaga", "impor", str(homes), "--penghuni", str(residents), "--errors", str(errors)]
    )
    assert "lembaga.csv: 4 baris dibaca, 3 dimuat" in out
    assert "penghuni.csv: 2 baris dibaca, 1 dimuat (1 baru, 0 diubah), 1 ditolak" in out
    problems = pl.read_csv(errors)
    assert problems["FILE"].to_list() == ["lembaga.csv", "penghuni.csv"]
    assert "Joko Susilo" in _ok(["lembaga", "penghuni", "LKS-002"])
