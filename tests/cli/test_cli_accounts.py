"""The CLI behind accounts: bootstrap, login/logout/whoami, service keys, ``terpadu users``."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from terpadu.cli import app
from terpadu.cli.account import token_path
from terpadu.settings import get_settings
from terpadu.store import make_engine

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _ok(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), input=input, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), input=input, env=env)
    assert result.exit_code != 0, result.output
    return result.output


def _audit(action: str) -> list[tuple[str, str | None]]:
    engine = make_engine(get_settings().resolved_database_url())
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, role FROM audit_event WHERE action = :a ORDER BY id"), {"a": action}
        ).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def test_bootstrap_login_manage_logout(workspace: Path) -> None:
    # Bootstrap: the first admin needs no login, and must be an admin.
    out = _refused(
        "users",
        "add",
        "op",
        "--role",
        "operator_desa",
        "--region",
        "3604052001",
        input="rahasia-op1\n",
    )
    assert "Akun pertama harus admin" in out
    _ok("users", "add", "root", "--role", "admin_sistem", input="rahasia-root\nrahasia-root\n")
    # Once an admin exists, adding an account runs as a logged-in admin.
    out = _refused(
        "users",
        "add",
        "dina",
        "--role",
        "operator_desa",
        "--region",
        "3604052001",
        input="rahasia-dina\n",
    )
    assert "'users add'" in out and "terpadu login" in out

    assert "salah" in _refused("login", "root", input="salah-sekali\n")
    assert "Masuk sebagai root" in _ok("login", "root", input="rahasia-root\n")
    path = token_path(get_settings())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "root · admin sistem · wilayah nasional" in _ok("whoami")

    _ok(
        "users", "add", "prov", "--role", "admin_provinsi", "--region", "36", input="rahasia-prov\n"
    )
    _ok(
        "users",
        "add",
        "dina",
        "--role",
        "operator_desa",
        "--region",
        "3604052001",
        input="rahasia-dina\nrahasia-dina\n",
    )
    assert "tidak sama" in _refused(
        "users", "add", "eko", "--role", "auditor", input="rahasia-1\nrahasia-2\n"
    )
    assert "sudah ada" in _refused(
        "users", "add", "dina", "--role", "auditor", input="rahasia-dina\n"
    )
    listed = _ok("users", "list")
    assert "dina" in listed and "prov" in listed
    _ok("users", "disable", "dina")
    assert "Nama pengguna atau kata sandi salah" in _refused(
        "login", "dina", input="rahasia-dina\n"
    )
    _ok("users", "enable", "dina")
    assert "percobaan gagal dilupakan" in _ok("users", "unlock", "dina")
    _ok("users", "reset-password", "dina", input="baru-rahasia\n")
    assert "verifikator kabupaten/kota, wilayah 3604" in _ok(
        "users", "set-role", "dina", "--role", "verifikator_kab", "--region", "3604"
    )
    assert "sendiri" in _refused("users", "disable", "root")
    for action in (
        "user.disable",
        "user.enable",
        "user.unlock",
        "user.password_reset",
        "user.role_change",
    ):
        assert _audit(action) == [("root", "admin_sistem")], action
    assert _audit("user.create")[0] == ("bootstrap", None)

    # A province admin manages only its province.
    _ok("login", "prov", input="rahasia-prov\n")
    assert "root" not in _ok("users", "list")
    assert "di luar wilayah" in _refused("users", "disable", "root")

    stored = path.read_text().strip()
    assert "token dicabut" in _ok("logout")
    assert not path.exists()
    assert "terpadu login" in _refused("whoami")
    assert "berakhir" in _refused("whoami", env={"TERPADU_TOKEN": stored})
    assert _audit("auth.logout") == [("prov", "admin_provinsi")]


def test_service_account_key(workspace: Path) -> None:
    _ok("users", "add", "root", "--role", "admin_sistem", input="rahasia-root\n")
    _ok("login", "root", input="rahasia-root\n")
    out = _ok(
        "users", "add", "jadwal", "--role", "verifikator_kab", "--region", "3604", "--service"
    )
    key = out.strip().splitlines()[-1]
    assert key.startswith("tpd_")
    assert "akun layanan" in _ok("whoami", env={"TERPADU_TOKEN": key})
    assert "salah" in _refused("login", "jadwal", input="anything-at-all\n")
    fresh = _ok("users", "reset-password", "jadwal").strip().splitlines()[-1]
    assert fresh.startswith("tpd_") and fresh != key
    _refused("whoami", env={"TERPADU_TOKEN": key})
    _ok("whoami", env={"TERPADU_TOKEN": fresh})


def test_a_login_file_others_can_read_is_refused(workspace: Path) -> None:
    _ok("users", "add", "root", "--role", "admin_sistem", input="rahasia-root\n")
    _ok("login", "root", input="rahasia-root\n")
    path = token_path(get_settings())
    os.chmod(path, 0o644)
    assert "dapat dibaca orang lain" in _refused("whoami")
