"""The web application's configuration, derived from :class:`terpadu.settings.Settings`.

Every limit is a :class:`~terpadu.settings.Settings` field (``TERPADU_*``), so
it can be set from the environment. The signing key for session cookies and
bearer tokens is read from ``<data_dir>/web_secret.key``; it is created (random, mode 0600) the first time
the app starts, so several server workers sharing the data folder agree on it
and restarting the server does not log everyone out.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from terpadu.accounts.lockout import LockoutPolicy
from terpadu.settings import Settings


def load_secret(path: Path) -> str:
    """The signing key kept at ``path``, created atomically if missing."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
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
    """Limits and lifetimes of the web layer, taken from :class:`Settings` (docs/web.md)."""

    secret_key: str
    settings: Settings
    language: str = "id"

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def session_max_age_s(self) -> int:
        return self.settings.session_max_age_s

    @property
    def session_idle_s(self) -> int:
        return self.settings.session_idle_s

    @property
    def token_max_age_s(self) -> int:
        return self.settings.token_max_age_s

    @property
    def lockout(self) -> LockoutPolicy:
        return LockoutPolicy.from_settings(self.settings)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.secure_cookies

    @property
    def upload_max_bytes(self) -> int:
        return self.settings.upload_max_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> WebConfig:
        return cls(
            secret_key=load_secret(settings.web_secret_path),
            settings=settings,
            language=settings.language if settings.language in ("id", "en") else "id",
        )
