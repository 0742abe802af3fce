"""A day's commands speak the interface language (``TERPADU_LANGUAGE``) from start to end.

One realistic sequence (synth, import, link, PMT fit, rank, publish, target, explain,
report, editions) runs under ``en`` and must print no Bahasa Indonesia, and under ``id``
no English-only phrase. Domain words (NIK, KK, desil, verval, usulan, BNBA) are the same in
both languages; values from the data (names, addresses, file names) are the operator's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from login_helpers import cli_token
from terpadu.cli import app
from terpadu.settings import get_settings
from terpadu.targeting.catalogue import load_catalogue

runner = CliRunner()

#: Bahasa Indonesia words that never appear in English output.
INDONESIAN = (
    "keluarga", "anggota", "ditulis", "berhasil", "tidak", "dengan", "untuk", "sudah",
    "belum", "orang", "wilayah", "dan", "atau", "dari", "yang", "baris", "berkas", "dimuat",
    "ditolak", "diperbaiki", "jalankan", "terisi", "layak", "peringkat", "kuota", "periode",
    "lainnya", "dibuat", "selesai", "masalah", "terbit", "pasangan", "bukan", "kosong",
    "perbaikan", "penerima", "laporan", "jumlah", "aktif", "model terpilih", "edisi",
)  # fmt: skip
#: English phrases that never appear in Bahasa Indonesia output.
ENGLISH = (
    "written to", "families", "members", "rows", "imported", "not eligible", "enrolled",
    "edition", "the family", "next", "run ", "problems", "rank ", "quota", "period",
    "published", "changes", "warning", "without", "matched",
)  # fmt: skip


def setup_day(out: Path) -> list[list[str]]:
    """The commands that build the registry, in the README's order, on a small kabupaten."""
    return [
        ["synth", str(out), "--households", "60", "--kab", "3604", "--seed", "7",
         "--survey-households", "150"],
        ["import", str(out / "keluarga.csv"), str(out / "anggota.csv"), "--source", "desa-x",
         "--errors", "masalah.xlsx"],
        ["link"],
        ["pmt", "fit", str(out / "survey_keluarga.csv"), str(out / "survey_anggota.csv")],
    ]  # fmt: skip


def working_day(out: Path, period: str, earlier: str) -> list[list[str]]:
    """What an office does on a ranked registry: rank, publish, target, explain, report."""
    return [
        ["rank"],
        ["edition", "publish", "--period", period],
        ["target", "--program", "pkh", "--quota", str(out / "kuota.csv"), "--period", period,
         "--out", f"bnba-{period}.xlsx"],
        ["explain", "KLG0000000001"],
        ["report", "poverty", "--region", "3604", "--out", f"profil-{period}.xlsx"],
        ["program", "list"],
        ["edition", "list"],
        ["edition", "verify", period],
        ["edition", "diff", earlier, period],
        ["whoami"],
        ["users", "list"],
        ["audit", "verify"],
        ["verval", "indicator", "--period", period[:4]],
    ]  # fmt: skip


def run(commands: list[list[str]]) -> str:
    said = []
    for args in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"{args}: {result.output}"
        said.append(f"$ terpadu {' '.join(args)}\n{result.output}")
    return "\n".join(said)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The day's output in English (the registry built, then worked), and a second working
    day on it in Bahasa Indonesia (a re-import and re-link, then the same work)."""
    work = tmp_path_factory.mktemp("day")
    out = work / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TERPADU_DATA_DIR", str(work / "var"))
        patch.delenv("TERPADU_DATABASE_URL", raising=False)
        patch.chdir(work)
        get_settings.cache_clear()
        token = cli_token(get_settings().resolved_database_url(), "petugas", "admin_provinsi", "36")
        patch.setenv("TERPADU_TOKEN", token)
        said = {}
        for language, commands in (
            ("en", [*setup_day(out), *working_day(out, "2026-11", "2026-11")]),
            ("id", [*setup_day(out)[1:3], *working_day(out, "2026-12", "2026-11")]),
        ):
            patch.setenv("TERPADU_LANGUAGE", language)
            get_settings.cache_clear()
            said[language] = run(commands)
        yield said | {"folder": str(work)}
    get_settings.cache_clear()


def _office_words() -> list[str]:
    """The programme files' own words (names, condition labels): the office writes them."""
    words = []
    for program in load_catalogue():
        words.append(program.name)
        words.extend(c.label for c in program.conditions)
    return sorted(words, key=len, reverse=True)


def _found(words: tuple[str, ...], output: str, folder: str) -> list[str]:
    # the operator's own values (paths, source names) and the programme files' words are
    # not the interface's words
    cleaned = output.replace(folder, "")
    for own in _office_words():
        cleaned = cleaned.replace(own, "")
    cleaned = cleaned.lower()
    return [
        line.strip()
        for line in cleaned.splitlines()
        if not line.startswith("$ ")
        and any(re.search(rf"(?<![\w/.-]){re.escape(w)}(?![\w/.-])", line) for w in words)
    ]


def test_a_day_in_english_prints_no_bahasa(outputs: dict[str, str]) -> None:
    output = outputs["en"]
    assert "written to" in output.lower() and "families enrolled" in output
    found = _found(INDONESIAN, output, outputs["folder"])
    assert not found, "\n".join(found)


def test_a_day_in_bahasa_prints_no_english(outputs: dict[str, str]) -> None:
    output = outputs["id"]
    assert "ditulis ke" in output.lower() and "sudah pernah dimuat" in output
    found = _found(ENGLISH, output, outputs["folder"])
    assert not found, "\n".join(found)
