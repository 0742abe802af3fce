"""``terpadu kasus`` as the front office and a caseworker use it: open, assess, plan,
serve, review, close, and the lists."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
from batches import good_batch

from terpadu.cli import app
from terpadu.settings import get_settings

runner = CliRunner()
DESA = "3604052001"


@pytest.fixture
def accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    cli_account("admin", "admin_provinsi", "36")
    assert runner.invoke(app, ["import", *map(str, good_batch(tmp_path))]).exit_code == 0
    tokens = {
        "peksos": cli_account("peksos_rina", "pekerja_sosial", "3604", use=False),
        "lain": cli_account("peksos_dedi", "pekerja_sosial", "3604", use=False),
        "slrt": cli_account("slrt_serang", "petugas_slrt", "3604"),
    }
    yield tokens
    get_settings.cache_clear()


def _as(monkeypatch: pytest.MonkeyPatch, token: str, args: list[str], code: int = 0) -> str:
    monkeypatch.setenv("TERPADU_TOKEN", token)
    result = runner.invoke(app, ["kasus", *args])
    output = " ".join(result.output.split())
    assert result.exit_code == code, output
    return output


def test_a_case_from_opening_to_closing(
    accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _as(
        monkeypatch,
        accounts["slrt"],
        ["buka", "--nik", "3604054107870002", "--kategori", "9", "--pekerja", "peksos_rina"],
    )
    found = re.search(r"KAS-3604-\d{6}", opened)
    assert found is not None and "peksos_rina" in opened
    number = found.group(0)
    peksos = accounts["peksos"]
    assert "Sudah diasesmen" in _as(
        monkeypatch, peksos, ["asesmen", number, "--kebutuhan", "Kursi roda", "--tinggal", "alone"]
    )
    _as(
        monkeypatch,
        peksos,
        [
            "rencana",
            number,
            "--tujuan",
            "Mandiri",
            "--layanan",
            "aksesibilitas:2026-01-05:2026-02-01",
            "--evaluasi",
            "2026-02-02",
        ],
    )
    _as(
        monkeypatch,
        peksos,
        ["layanan", number, "--jenis", "aksesibilitas", "--tanggal", "2026-01-06"],
    )
    # The review date has passed: the case is overdue, and listed first.
    late = _as(monkeypatch, peksos, ["terlambat"])
    assert number in late and "1 kasus terlambat dievaluasi" in late
    _as(monkeypatch, peksos, ["evaluasi", number, "--perkembangan", "Membaik"])
    assert "Tidak ada evaluasi kasus yang terlambat" in _as(monkeypatch, peksos, ["terlambat"])
    shown = _as(monkeypatch, peksos, ["lihat", number])
    assert "Siti Aminah" in shown and "Penyandang disabilitas" in shown and "Membaik" in shown
    assert "Ditutup" in _as(monkeypatch, peksos, ["tutup", number, "--alasan", "goals_met"])
    assert "0 kasus" in _as(monkeypatch, peksos, ["daftar"])
    assert number in _as(monkeypatch, peksos, ["daftar", "--semua"])
    history = _as(monkeypatch, accounts["slrt"], ["riwayat", "--nik", "3604054107870002"])
    assert number in history and "Ditutup" in history
    # Another caseworker does not see the case at all.
    other = _as(monkeypatch, accounts["lain"], ["lihat", number], code=1)
    assert "tidak ditemukan di wilayah kerja Anda" in other


def test_bad_input_is_said_in_words(
    accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unknown = _as(
        monkeypatch,
        accounts["slrt"],
        [
            "buka",
            "--nama",
            "Pak Udin",
            "--wilayah",
            DESA,
            "--kategori",
            "99",
            "--pekerja",
            "peksos_rina",
        ],
        code=1,
    )
    assert "Kategori PPKS '99' tidak dikenal" in unknown
    opened = _as(
        monkeypatch,
        accounts["slrt"],
        [
            "buka",
            "--nama",
            "Pak Udin",
            "--wilayah",
            DESA,
            "--kategori",
            "11",
            "--pekerja",
            "peksos_rina",
        ],
    )
    number = re.search(r"KAS-3604-\d{6}", opened).group(0)  # type: ignore[union-attr]
    bad_date = _as(
        monkeypatch,
        accounts["peksos"],
        ["rencana", number, "--tujuan", "x", "--layanan", "terapi:besok"],
        code=1,
    )
    assert "Tanggal mulai 'besok' bukan tanggal" in bad_date
    # The front office opens cases but leaves the assessment to the caseworker.
    refused = _as(monkeypatch, accounts["slrt"], ["asesmen", number, "--kebutuhan", "x"], code=1)
    assert "pekerja sosial kasus (peksos_rina)" in refused


def test_the_review_interval_comes_from_the_setting(
    accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from terpadu.audit.log import as_utc
    from terpadu.cli.common import open_engine
    from terpadu.services import WorkCalendar
    from terpadu.store.models.cases import PpksCase

    monkeypatch.setenv("TERPADU_CASE_REVIEW_DAYS", "3")
    get_settings.cache_clear()
    opened = _as(
        monkeypatch,
        accounts["slrt"],
        ["buka", "--nik", "3604054107870002", "--kategori", "9", "--pekerja", "peksos_rina"],
    )
    number = re.search(r"KAS-3604-\d{6}", opened).group(0)  # type: ignore[union-attr]
    _as(monkeypatch, accounts["peksos"], ["asesmen", number, "--kebutuhan", "Kursi roda"])
    _as(
        monkeypatch,
        accounts["peksos"],
        ["rencana", number, "--tujuan", "Mandiri", "--layanan", "aksesibilitas:2026-01-05"],
    )
    with Session(open_engine()) as session:
        case = session.scalars(select(PpksCase).where(PpksCase.number == number)).one()
        planned, due = as_utc(case.state_since), as_utc(case.review_due)
    # No review date named: three working days from the plan (weekends skipped), not twenty.
    assert due == WorkCalendar().deadline(planned, 3)
    assert due < WorkCalendar().deadline(planned, 20)
