"""The account a benchmark's commands run as: a province admin, logged in by token.

Commands that change the registry run as an account (``terpadu login`` or a service
key in ``TERPADU_TOKEN``); a benchmark makes its own on the fresh database, as an
office's first admin would, and passes its token to every child command.
"""

from __future__ import annotations

import csv
from pathlib import Path

from terpadu.accounts import create_user
from terpadu.accounts.cli_tokens import issue_login_token
from terpadu.accounts.users import find_user
from terpadu.regions import normalize_code
from terpadu.store import make_engine, upgrade


def province_of(keluarga: Path) -> str:
    """The province code of the first family of a keluarga CSV (its KODE_WILAYAH)."""
    with keluarga.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            code = row.get("KODE_WILAYAH") or row.get("kode_wilayah")
            if code:
                return normalize_code(code)[:2]
    raise SystemExit(f"{keluarga}: no KODE_WILAYAH to take the province from")


def admin_token(url: str, province: str, username: str = "bench-admin") -> str:
    """A day-long login token of a province admin in the database at ``url``."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        user = find_user(engine, username) or create_user(
            engine, username, f"rahasia-{username}", role="admin_provinsi", region=province
        )
        return issue_login_token(engine, user, max_age_s=86_400)
    finally:
        engine.dispose()
