"""The web application's configuration, derived from :class:`terpadu.settings.Settings`.

The signing key for session cookies and bearer tokens is read from
``<data_dir>/web_secret.key``; it is created (random, mode 0600) the first time
the app starts, so several server workers sharing the data folder agree on it
and restarting the server does not log everyone out.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from terpadu.settings import Settings

SECRET_FILE = "web_secret.key"


def load_secret(data_dir: Path) -> str:
    """The signing key in ``data_dir``, created atomically if missing."""
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class WebConfig:
    """Limits and lifetimes of the web layer (code defaults; see docs/web.md)."""

    secret_key: str
    data_dir: Path
    language: str = "id"
    session_max_age_s: int = 12 * 3600
    token_max_age_s: int = 12 * 3600
    # Throttling: this many failures within the window lock the username (or address).
    max_failures_per_user: int = 5
    max_failures_per_ip: int = 20
    failure_window_s: int = 15 * 60
    secure_cookies: bool = False
    upload_max_bytes: int = 200 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> WebConfig:
        return cls(
            secret_key=load_secret(settings.data_dir),
            data_dir=settings.data_dir,
            language=settings.language if settings.language in ("id", "en") else "id",
        )
