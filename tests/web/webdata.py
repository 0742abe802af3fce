"""A small registry for the web tests: two desa of Kramatwatu (Serang), one user per role.

Desa A (36.04.05.2001) holds family K1 (Ahmad bin Salim, Siti Aminah, Budi);
desa B (36.04.05.2002) holds family K2 (Joko Susilo).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from unittest.mock import patch

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from terpadu.accounts import passwords
from terpadu.intake import import_batch
from terpadu.settings import Settings
from terpadu.store.ids import family_code
from terpadu.web import create_app
from terpadu.web.auth import create_user
from terpadu.web.dashboard import DASHBOARD_CACHE

DESA_A = "3604052001"
DESA_B = "3604052002"
PASSWORD = "kata-sandi-uji-1"
KELUARGA = (
    "ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT,RT,RW,STATUS_BANGUNAN,LUAS_LANTAI,JENIS_LANTAI\n"
    "K1,3604051507870001,3604052001,Kp. Baru,001,002,1,36.5,8\n"
    "K2,3604052001100002,36.04.05.2002,Kp. Lama,003,001,2,20,6\n"
)
ANGGOTA = (
    "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
    "A1,K1,3604051507870001,Ahmad bin Salim,1,1987-07-15,1\n"
    "A2,K1,3604054107870002,Siti Aminah,2,1987-07-01,2\n"
    "A3,K1,,Budi,1,2010-01-01,3\n"
    "A4,K2,3604050203900003,Joko Susilo,1,1990-03-02,1\n"
)
USERS = {
    "op_a": ("operator_desa", DESA_A),
    "op_b": ("operator_desa", DESA_B),
    "ver": ("verifikator_kab", "3604"),
    "adm": ("admin_provinsi", "36"),
    "aud": ("auditor", None),
    "ana": ("analis_pusat", None),
    "slrt": ("petugas_slrt", "3604"),
    "peksos": ("pekerja_sosial", "3604"),
}


def write_batch(
    folder: Path, keluarga: str = KELUARGA, anggota: str = ANGGOTA
) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    k, a = folder / "keluarga.csv", folder / "anggota.csv"
    k.write_text(keluarga)
    a.write_text(anggota)
    return k, a


def login_token(client: TestClient) -> str:
    """The login form's CSRF token (loading the form also sets its cookie on ``client``)."""
    page = client.get("/masuk")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form as a browser does: load it, then post it with its token."""
    data = {"username": username, "password": password, "csrf_token": login_token(client)}
    return client.post("/masuk", data=data, follow_redirects=False)


def sync_runner(work: Any) -> None:
    work()


@dataclass
class WebEnv:
    engine: Engine
    app: FastAPI
    data_dir: Path
    families: dict[str, int] = field(default_factory=dict)
    _tokens: dict[str, str] = field(default_factory=dict)

    def family(self, key: str) -> str:
        return family_code(self.families[key])

    def client(self) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False)

    def token(self, username: str) -> str:
        if username not in self._tokens:
            r = self.client().post(
                "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return self._tokens[username]

    def client_token(self, username: str) -> str:
        """A new bearer token (not the cached one)."""
        r = self.client().post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def api(self, username: str) -> TestClient:
        client = self.client()
        client.headers["Authorization"] = f"Bearer {self.token(username)}"
        return client

    def page(self, username: str) -> tuple[TestClient, str]:
        """A client logged in through the login form, and its CSRF token."""
        client = self.client()
        r = login(client, username)
        assert r.status_code == 303, r.text
        state = self.app.state.terpadu
        claims = state.signer.read_session(client.cookies["terpadu_session"])
        assert claims is not None and claims.csrf
        return client, claims.csrf


@cache
def _argon2_hash(password: str) -> str:
    return passwords.hash_password(password)


@contextmanager
def _each_password_hashed_once() -> Iterator[None]:
    """The fixture's accounts share one password: its argon2 hash (0.2 s of CPU, six
    accounts for each of the web tests) is made once per session and given to each.
    Logins still verify against a real argon2id hash."""
    with patch("terpadu.accounts.users.hash_password", _argon2_hash):
        yield


def build_env(engine: Engine, tmp_path: Path, users: dict[str, Any] | None = None) -> WebEnv:
    DASHBOARD_CACHE.clear()
    data_dir = tmp_path / "data"
    k, a = write_batch(tmp_path / "batch")
    import_batch(engine, k, a, source="desa-kramatwatu")
    with _each_password_hashed_once():
        for name, (role, region) in (users or USERS).items():
            create_user(engine, name, PASSWORD, role=role, region=region)
    settings = Settings(data_dir=data_dir, database_url=str(engine.url))
    app = create_app(engine, settings, import_runner=sync_runner)
    env = WebEnv(engine, app, data_dir)
    with engine.connect() as conn:
        for key in ("K1", "K2"):
            env.families[key] = int(
                conn.execute(
                    text("SELECT id FROM family WHERE source_key = :k"), {"k": key}
                ).scalar_one()
            )
    return env
