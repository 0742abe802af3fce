import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from verval_helpers import load_registry

from terpadu.cli.audit import audit_app
from terpadu.cli.edition import edition_app
from terpadu.cli.indicator import verval_app
from terpadu.cli.usulan import usulan_app
from terpadu.settings import get_settings
from terpadu.store import make_engine, upgrade

app = typer.Typer()
app.add_typer(usulan_app, name="usulan")
app.add_typer(edition_app, name="edition")
app.add_typer(audit_app, name="audit")
app.add_typer(verval_app, name="verval")
runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TERPADU_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'terpadu.db'}")
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    load_registry(engine, tmp_path)
    engine.dispose()
    yield tmp_path
    get_settings.cache_clear()


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


OP = {"TERPADU_ACTOR": "op1", "TERPADU_ROLE": "operator_desa", "TERPADU_REGION": "3604052001"}
KAB = ["--as", "verif", "--role", "verifikator_kab", "--region", "36.04"]
PROV = ["--as", "prov", "--role", "admin_provinsi", "--region", "36"]


def test_operator_to_province_and_the_audit(workspace: Path) -> None:
    out = _run(
        "usulan",
        "create",
        "koreksi",
        "--family",
        "KLG0000000001",
        "--set",
        "alamat=Kp. Cerah",
        "--submit",
        env=OP,
    )
    assert "USL0000000001" in out and "diajukan" in out
    evidence = workspace / "ba.pdf"
    evidence.write_bytes(b"berita acara")
    _run("usulan", "attach", "1", str(evidence), "--description", "berita acara", env=OP)
    _run("usulan", "comment", "1", "cek lapangan selesai", *KAB)
    assert "USL0000000001" in _run("usulan", "list", "--mine", *KAB)
    _run("usulan", "verify", "1", *KAB)
    assert "disetujui" in _run("usulan", "approve", "USL0000000001", *PROV)
    shown = _run("usulan", "show", "1", "--as", "bpk", "--role", "auditor")
    assert "ba.pdf" in shown and "cek lapangan" in shown
    assert "utuh" in _run("audit", "verify")
    out_file = workspace / "audit.xlsx"
    _run(
        "audit",
        "export",
        "--region",
        "3604",
        "--from",
        "2020-01-01",
        "--to",
        "2099-12-31",
        "--out",
        str(out_file),
    )
    assert "family.update" in pl.read_excel(out_file, engine="openpyxl")["AKSI"].to_list()

    engine = make_engine(get_settings().resolved_database_url())
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("UPDATE audit_event SET actor = 'siapa' WHERE id = 2"))
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "#2" in result.output


def test_show_masks_a_correction_for_masked_roles(workspace: Path) -> None:
    _run(
        "usulan",
        "create",
        "koreksi",
        "--family",
        "KLG0000000001",
        "--set",
        "no_kk=3604052001109999",
        "--note",
        "KK baru 3604052001109999",
        "--submit",
        env=OP,
    )
    masked = _run("usulan", "show", "1", "--as", "bpk", "--role", "auditor")
    assert "3604052001109999" not in masked and "3604********9999" in masked
    assert "Wilayah: 3604 " in masked
    full = _run("usulan", "show", "1", *KAB)
    assert "3604052001109999" in full and "Wilayah: 3604052001 " in full


def test_refusals_are_explained(workspace: Path) -> None:
    result = runner.invoke(
        app, ["usulan", "create", "nonaktifkan", "--family", "1", "--reason", "bosan"], env=OP
    )
    assert result.exit_code == 1 and "Alasan 'bosan' tidak dikenal" in result.output
    result = runner.invoke(app, ["usulan", "list", "--as", "x", "--role", "operator_desa"])
    assert result.exit_code == 1 and "kode wilayah" in result.output


def test_editions_and_indicator(workspace: Path) -> None:
    _run("edition", "publish", "--period", "2026-10", "--as", "pusdatin")
    refused = runner.invoke(app, ["edition", "publish", "--period", "2026-10"])
    assert refused.exit_code == 1 and "sudah diterbitkan" in refused.output
    _run(
        "usulan",
        "create",
        "nonaktifkan",
        "--family",
        "1",
        "--reason",
        "meninggal",
        "--submit",
        env=OP,
    )
    _run("usulan", "bulk", "verify", *KAB)
    _run("usulan", "bulk", "approve", "1", *PROV)
    _run("edition", "publish", "--period", "2026-11")
    diff_file = workspace / "diff.csv"
    out = _run("edition", "diff", "2026-10", "2026-11", "--out", str(diff_file))
    assert "dihapus" in out
    assert pl.read_csv(diff_file)["PERUBAHAN"].to_list() == ["dihapus"]
    assert "2026-11" in _run("edition", "list")
    assert "utuh" in _run("edition", "verify", "2026-11")
    xlsx = workspace / "indikator.xlsx"
    _run("verval", "indicator", "--period", "2026", "--province", "36", "--out", str(xlsx))
    assert pl.read_excel(xlsx, engine="openpyxl")["KODE_PROVINSI"].cast(pl.Utf8).to_list() == ["36"]
