"""The web's view of server-side sessions: a short cache in front of the session table.

A request checks its session in the table at most every ``ttl_s`` seconds per worker;
logout in this worker forgets it at once, and another worker (or the CLI ending a
user's sessions) is heard within ``ttl_s`` (the user cache has the same delay).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import Engine

from terpadu.access import Actor
from terpadu.accounts.sessions import LiveSession, check_session, digest, revoke_session


class SessionCache:
    """Valid sessions by digest of their id, each kept ``ttl_s`` seconds."""

    def __init__(self, engine: Engine, ttl_s: float = 5.0) -> None:
        self._engine = engine
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._items: dict[str, tuple[float, LiveSession | None]] = {}

    def get(self, session_id: str, *, idle_s: int | None) -> LiveSession | None:
        key = digest(session_id)
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            live = hit[1]
        else:
            live = check_session(self._engine, session_id, idle_s=idle_s)
            with self._lock:
                if len(self._items) > 10_000:
                    self._items.clear()
                self._items[key] = (now, live)
        if live is not None and dt.datetime.now(dt.UTC) >= live.expires_at:
            return None
        return live

    def end(self, session_id: str, actor: Actor | None = None) -> None:
        """Logout: revoke the session (audited when ``actor`` is given) and forget it here."""
        revoke_session(self._engine, session_id, actor=actor)
        with self._lock:
            self._items.pop(digest(session_id), None)

    def clear(self) -> None:
        """Forget everything (after ending a user's sessions from this worker)."""
        with self._lock:
            self._items.clear()
