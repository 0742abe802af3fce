"""Results of a run started from a page (a simulation, a payment reconciliation), kept for
the result page and its downloads: Parquet frames and a small JSON of facts in a private
folder per run, named by a random token and readable only by the account that ran it.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import polars as pl

from terpadu.web import imports as web_imports

_TOKEN = re.compile(r"[0-9a-f]{16}")
FACTS = "facts.json"


def save_run(root: Path, owner: str, facts: dict[str, Any], frames: dict[str, pl.DataFrame]) -> str:
    """Keep ``frames`` and ``facts`` of a run by ``owner`` under ``root``; its token."""
    token = secrets.token_hex(8)
    folder = web_imports.private_folder(root / token)
    for name, frame in frames.items():
        path = folder / f"{name}.parquet"
        frame.write_parquet(path)
        path.chmod(0o600)
    (folder / FACTS).write_text(json.dumps(facts | {"owner": owner}, ensure_ascii=False))
    (folder / FACTS).chmod(0o600)
    return token


def load_run(root: Path, token: str, owner: str) -> tuple[dict[str, Any], Path] | None:
    """The facts and folder of ``owner``'s run ``token``; None for any other token or reader."""
    if not _TOKEN.fullmatch(token):
        return None
    folder = root / token
    try:
        facts: dict[str, Any] = json.loads((folder / FACTS).read_text())
    except (OSError, ValueError):
        return None
    if facts.get("owner") != owner:
        return None
    return facts, folder


def frame(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(folder / f"{name}.parquet")


__all__ = ["frame", "load_run", "save_run"]
