"""Login throttling: failed attempts by username and by address, and an admin's unlock.

Attempts are kept in ``login_attempts``; a success, or an admin's unlock, ends the
run of failures that counts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, Table, delete, func, select

from terpadu.store.models.web import LoginAttempt

ATTEMPTS: Table = LoginAttempt.__table__  # type: ignore[assignment]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def retry_after(
    engine: Engine, username: str, ip: str, *, max_user: int, max_ip: int, window_s: int
) -> int:
    """Seconds to wait before another attempt is allowed (0: go ahead)."""
    now = _now()
    since = now - dt.timedelta(seconds=window_s)
    waits = [0]
    with engine.connect() as conn:
        for column, value, limit in (
            (ATTEMPTS.c.username, username, max_user),
            (ATTEMPTS.c.ip, ip, max_ip),
        ):
            last_success = conn.execute(
                select(func.max(ATTEMPTS.c.at)).where(column == value, ATTEMPTS.c.success == 1)
            ).scalar()
            start = max(since, _as_utc(last_success)) if last_success else since
            failures = conn.execute(
                select(ATTEMPTS.c.at)
                .where(column == value, ATTEMPTS.c.success == 0, ATTEMPTS.c.at > start)
                .order_by(ATTEMPTS.c.at.desc())
                .limit(limit)
            ).scalars()
            recent = [_as_utc(a) for a in failures]
            if len(recent) >= limit:
                # Locked until the oldest of the last ``limit`` failures leaves the window.
                unlock = recent[-1] + dt.timedelta(seconds=window_s)
                waits.append(max(1, int((unlock - now).total_seconds()) + 1))
    return max(waits)


def unlock(engine: Engine, *, username: str | None = None, address: str | None = None) -> int:
    """Forget the failed attempts of a username and/or an address; the number removed."""
    if username is None and address is None:
        raise ValueError("unlock needs a username or an address")
    removed = 0
    with engine.begin() as conn:
        for column, value in ((ATTEMPTS.c.username, username), (ATTEMPTS.c.ip, address)):
            if value is not None:
                removed += conn.execute(
                    delete(ATTEMPTS).where(column == value, ATTEMPTS.c.success == 0)
                ).rowcount
    return removed


__all__ = ["ATTEMPTS", "retry_after", "unlock"]
