import sys
from collections.abc import Callable, Iterator
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
def workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[Path]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TERPADU_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'terpadu.db'}")
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url())
    upgrade(engine)
    load_registry(engine, tmp_path)
    engine.dispose()
    # The accounts the tests act as: each command runs as the token passed in its env.
    for name, role, region in (
        ("op1", "operator_desa", "3604052001"),
        ("verif", "verifikator_kab", "3604"),
        ("prov", "admin_provinsi", "36"),
        ("bpk", "auditor", None),
        ("pusdatin", "admin_provinsi", "36"),
    ):
        TOKENS[name] = cli_account(name, role, region, use=False)
    yield tmp_path
    get_settings.cache_clear()


TOKENS: dict[str, str] = {}


def _as(name: str) -> dict[str, str]:
    return {"TERPADU_TOKEN": TOKENS[name]}


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


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
        env=_as("op1"),
    )
    assert "USL0000000001" in out and "diajukan" in out
    evidence = workspace / "ba.pdf"
    evidence.write_bytes(b"berita acara")
    _run("usulan", "attach", "1", str(evidence), "--description", "berita acara", env=_as("op1"))
    _run("usulan", "comment", "1", "cek lapangan selesai", env=_as("verif"))
    assert "USL0000000001" in _run("usulan", "list", "--mine", env=_as("verif"))
    _run("usulan", "verify", "1", env=_as("verif"))
    assert "disetujui" in _run("usulan", "approve", "USL0000000001", env=_as("prov"))
    shown = _run("usulan", "show", "1", env=_as("bpk"))
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
        "--purpose",
        "pemeriksaan BPK 2026",
        env=_as("bpk"),
    )
    assert "family.update" in pl.read_excel(out_file, engine="openpyxl")["AKSI"].to_list()
    # Within the account's region only; a file needs a purpose and is audited itself.
    outside = runner.invoke(app, ["audit", "export", "--region", "36"], env=_as("op1"))
    assert outside.exit_code == 1 and "di luar wilayah" in outside.output
    no_purpose = runner.invoke(app, ["audit", "export", "--out", str(out_file)], env=_as("bpk"))
    assert no_purpose.exit_code == 1 and "--purpose" in no_purpose.output
    assert "export.audit" in _run("audit", "export", env=_as("bpk"))

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
        env=_as("op1"),
    )
    masked = _run("usulan", "show", "1", env=_as("bpk"))
    assert "3604052001109999" not in masked and "3604********9999" in masked
    assert "Wilayah: 3604 " in masked
    full = _run("usulan", "show", "1", env=_as("verif"))
    assert "3604052001109999" in full and "Wilayah: 3604052001 " in full
    # The audit's before/after values carry the new KK too: masked in an auditor's export.
    _run("usulan", "verify", "1", env=_as("verif"))
    _run("usulan", "approve", "1", env=_as("prov"))
    for name, masked_view in (("bpk", True), ("verif", False)):
        out = workspace / f"audit-{name}.csv"
        _run(
            "audit", "export", "--out", str(out), "--purpose", "pemeriksaan BPK 2026", env=_as(name)
        )
        exported = out.read_text(encoding="utf-8")
        assert ("3604052001109999" in exported) is not masked_view
        assert ("3604********9999" in exported) is masked_view


def test_refusals_are_explained(workspace: Path) -> None:
    result = runner.invoke(
        app,
        ["usulan", "create", "nonaktifkan", "--family", "1", "--reason", "bosan"],
        env=_as("op1"),
    )
    assert result.exit_code == 1 and "Alasan 'bosan' tidak dikenal" in result.output
    result = runner.invoke(app, ["usulan", "approve", "1"], env={"TERPADU_TOKEN": ""})
    assert result.exit_code == 1
    assert "'usulan approve'" in result.output and "terpadu login" in result.output
    result = runner.invoke(app, ["usulan", "list", "--as", "x", "--role", "operator_desa"])
    assert result.exit_code == 2  # the flags are gone: role and region come from the account


def test_editions_and_indicator(workspace: Path) -> None:
    _run("edition", "publish", "--period", "2026-10", env=_as("pusdatin"))
    refused = runner.invoke(app, ["edition", "publish", "--period", "2026-10"], env=_as("prov"))
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
        env=_as("op1"),
    )
    _run("usulan", "bulk", "verify", env=_as("verif"))
    _run("usulan", "bulk", "approve", "1", env=_as("prov"))
    _run("edition", "publish", "--period", "2026-11", env=_as("prov"))
    diff_file = workspace / "diff.csv"
    out = _run("edition", "diff", "2026-10", "2026-11", "--out", str(diff_file), env=_as("prov"))
    assert "dihapus" in out
    assert pl.read_csv(diff_file)["PERUBAHAN"].to_list() == ["dihapus"]
    # An auditor sees the region only down to kabupaten/kota.
    _run("edition", "diff", "2026-10", "2026-11", "--out", str(diff_file), env=_as("bpk"))
    seen = pl.read_csv(diff_file, infer_schema_length=0)
    assert seen["KODE_WILAYAH"].to_list() == ["3604"]
    assert "2026-11" in _run("edition", "list")
    assert "utuh" in _run("edition", "verify", "2026-11")
    xlsx = workspace / "indikator.xlsx"
    _run("verval", "indicator", "--period", "2026", "--province", "36", "--out", str(xlsx))
    assert pl.read_excel(xlsx, engine="openpyxl")["KODE_PROVINSI"].cast(pl.Utf8).to_list() == ["36"]


def test_a_masked_role_reads_a_nik_correction_masked(workspace: Path) -> None:
    out = _run(
        "usulan", "create", "koreksi", "--family", "1", "--person", "1", "--set", "nik=3604051507870009",
        "--set", "tgl_lahir=1987-07-16", env=_as("op1"),
    )  # fmt: skip
    assert "USL0000000001" in out
    full = _run("usulan", "show", "1", env=_as("verif"))
    assert "3604051507870009" in full
    shown = _run("usulan", "show", "1", env=_as("bpk"))
    assert "3604051507870009" not in shown and "3604051507870001" not in shown
    from terpadu.access import Actor, show_nik

    assert "1987-07-16" not in shown
    assert str(show_nik(Actor("bpk", "auditor"), "3604051507870009")) in shown
