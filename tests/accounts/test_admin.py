"""User administration: scope of each admin, every change audited, sessions ended."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from terpadu.access import Actor, PermissionDenied
from terpadu.accounts import LoginFailed, authenticate
from terpadu.accounts.admin import (
    bootstrap_admin,
    bootstrap_open,
    create_account,
    disable_account,
    enable_account,
    list_accounts,
    new_service_key,
    reset_password,
    set_role,
    unlock_account,
)
from terpadu.accounts.cli_tokens import TokenInvalid, issue_login_token, resolve_token
from terpadu.accounts.users import AccountError

SISTEM = Actor("root", "admin_sistem")
BANTEN = Actor("prov36", "admin_provinsi", "36")


def _events(engine: Engine, action: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor, role FROM audit_event WHERE action = :a ORDER BY id"),
            {"a": action},
        ).all()
    return [(r[0], r[1]) for r in rows]


def _setup(engine: Engine) -> None:
    bootstrap_admin(engine, "root", "rahasia-root", role="admin_sistem", region=None)
    create_account(
        engine, SISTEM, "prov36", role="admin_provinsi", region="36", password="rahasia-prov"
    )


def test_bootstrap_only_while_no_admin(engine: Engine) -> None:
    assert bootstrap_open(engine)
    with pytest.raises(AccountError, match="harus admin"):
        bootstrap_admin(engine, "op", "rahasia-op1", role="operator_desa", region="3604052001")
    bootstrap_admin(engine, "root", "rahasia-root", role="admin_sistem", region=None)
    assert not bootstrap_open(engine)
    with pytest.raises(PermissionDenied, match="Sudah ada admin"):
        bootstrap_admin(engine, "root2", "rahasia-root", role="admin_sistem", region=None)
    assert _events(engine, "user.create") == [("bootstrap", None)]


def test_province_admin_manages_only_its_province(engine: Engine) -> None:
    _setup(engine)
    create_account(
        engine, BANTEN, "op1", role="operator_desa", region="3604052001", password="rahasia-op1"
    )
    create_account(
        engine, SISTEM, "op32", role="operator_desa", region="3201011001", password="rahasia-op2"
    )
    create_account(engine, SISTEM, "bpk", role="auditor", region=None, password="rahasia-bpk")
    for role, region in (("operator_desa", "3201011001"), ("analis_pusat", None)):
        with pytest.raises(PermissionDenied, match="di luar wilayah"):
            create_account(engine, BANTEN, "x", role=role, region=region, password="rahasia-x1")
    assert [a.username for a in list_accounts(engine, BANTEN)] == ["op1", "prov36"]
    assert len(list_accounts(engine, SISTEM)) == 5
    for act in (disable_account, enable_account):
        with pytest.raises(PermissionDenied):
            act(engine, BANTEN, "op32")
    with pytest.raises(PermissionDenied, match="di luar wilayah"):
        set_role(engine, BANTEN, "op1", region="3201011001")
    with pytest.raises(PermissionDenied, match="sendiri"):
        disable_account(engine, BANTEN, "prov36")
    with pytest.raises(PermissionDenied, match="tidak boleh mengelola"):
        list_accounts(engine, Actor("op1", "operator_desa", "3604052001"))
    assert _events(engine, "user.create")[-3:] == [
        ("prov36", "admin_provinsi"),
        ("root", "admin_sistem"),
        ("root", "admin_sistem"),
    ]


def test_disable_reset_and_role_change_end_tokens(engine: Engine) -> None:
    _setup(engine)
    new = create_account(
        engine, BANTEN, "op1", role="operator_desa", region="3604052001", password="rahasia-op1"
    )
    token = issue_login_token(engine, new.user, max_age_s=600)
    assert resolve_token(engine, token).username == "op1"
    disable_account(engine, BANTEN, "op1")
    with pytest.raises(TokenInvalid):
        resolve_token(engine, token)
    with pytest.raises(LoginFailed):
        authenticate(engine, "op1", "rahasia-op1", ip="1.2.3.4")
    assert enable_account(engine, BANTEN, "op1").active
    user = authenticate(engine, "op1", "rahasia-op1", ip="1.2.3.4")
    token = issue_login_token(engine, user, max_age_s=600)
    reset_password(engine, BANTEN, "op1", "baru-rahasia")
    with pytest.raises(TokenInvalid):
        resolve_token(engine, token)
    assert authenticate(engine, "op1", "baru-rahasia", ip="1.2.3.4").username == "op1"
    changed = set_role(engine, BANTEN, "op1", role="verifikator_kab", region="3604")
    assert (changed.role, changed.region) == ("verifikator_kab", "3604")
    assert _events(engine, "user.disable") == [("prov36", "admin_provinsi")]
    assert _events(engine, "user.password_reset") == [("prov36", "admin_provinsi")]
    assert _events(engine, "user.role_change") == [("prov36", "admin_provinsi")]


def test_unlock_forgets_failures(engine: Engine) -> None:
    _setup(engine)
    create_account(
        engine, BANTEN, "op1", role="operator_desa", region="3604052001", password="rahasia-op1"
    )
    for _ in range(3):
        with pytest.raises(LoginFailed):
            authenticate(engine, "op1", "salah-salah", ip="9.9.9.9")
    assert unlock_account(engine, BANTEN, "op1") == 3
    assert _events(engine, "user.unlock") == [("prov36", "admin_provinsi")]


def test_service_account_has_a_key_and_no_password_login(engine: Engine) -> None:
    _setup(engine)
    made = create_account(
        engine, BANTEN, "jadwal", role="verifikator_kab", region="3604", service=True
    )
    assert made.api_key is not None and made.api_key.startswith("tpd_")
    assert resolve_token(engine, made.api_key).kind == "service"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM cli_token")).scalars().all()
    assert made.api_key not in stored and len(stored) == 1
    with pytest.raises(AccountError, match="akun layanan"):
        reset_password(engine, BANTEN, "jadwal", "rahasia-baru")
    fresh = new_service_key(engine, BANTEN, "jadwal")
    with pytest.raises(TokenInvalid):
        resolve_token(engine, made.api_key)
    assert resolve_token(engine, fresh).username == "jadwal"
