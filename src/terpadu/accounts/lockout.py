"""Login throttling with exponential backoff, and an admin's unlock.

Failed attempts are kept in ``login_attempts`` and counted three ways within a window:
one username from one address (the strictest: one person mistyping), one username from
any address (guessing one account from many machines), one address for any username
(guessing many accounts; high, so a whole office behind one NAT address is not stopped
by one person). Past its threshold a count does not lock: each further failure doubles
the wait before the next attempt, from ``first_wait_s`` up to ``max_wait_s``. Attempts
refused while waiting are not recorded, so hammering does not lengthen the wait.

A success ends the run of failures of that username (from that address and overall); an
admin's :func:`unlock` forgets the failures of a username and/or an address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, Table, and_, delete, func, insert, select

from terpadu.settings import Settings
from terpadu.store.models.web import LoginAttempt

ATTEMPTS: Table = LoginAttempt.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """Thresholds (failures before waits begin) and the backoff's first and longest wait."""

    per_user_and_address: int = 5
    per_user: int = 20
    per_address: int = 100
    first_wait_s: int = 30
    max_wait_s: int = 15 * 60
    window_s: int = 60 * 60

    def wait_after(self, failures: int, threshold: int) -> int:
        """Seconds to wait after the latest of ``failures`` failures (0 below the threshold)."""
        if failures < threshold:
            return 0
        doublings = min(failures - threshold, 30)  # 2**30 s is past any cap
        return int(min(self.max_wait_s, self.first_wait_s * 2**doublings))

    @classmethod
    def from_settings(cls, settings: Settings) -> LockoutPolicy:
        return cls(
            per_user_and_address=settings.lockout_user_address_failures,
            per_user=settings.lockout_user_failures,
            per_address=settings.lockout_address_failures,
            first_wait_s=settings.lockout_first_wait_s,
            max_wait_s=settings.lockout_max_wait_s,
            window_s=settings.failure_window_s,
        )


DEFAULT_POLICY = LockoutPolicy()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _failures(
    conn: Connection, where: ColumnElement[bool], since: dt.datetime, *, reset_on_success: bool
) -> tuple[int, dt.datetime | None]:
    """Failures matching ``where`` after ``since`` (and after the last success, if it resets
    the run), and the time of the latest."""
    start = since
    if reset_on_success:
        success = conn.execute(
            select(func.max(ATTEMPTS.c.at)).where(where, ATTEMPTS.c.success == 1)
        ).scalar()
        if success is not None:
            start = max(start, _as_utc(success))
    count, latest = conn.execute(
        select(func.count(), func.max(ATTEMPTS.c.at)).where(
            where, ATTEMPTS.c.success == 0, ATTEMPTS.c.at > start
        )
    ).one()
    return int(count), _as_utc(latest) if latest is not None else None


def retry_after(
    engine: Engine,
    username: str,
    ip: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Seconds to wait before another attempt for ``username`` from ``ip`` (0: go ahead)."""
    now = now or _now()
    since = now - dt.timedelta(seconds=policy.window_s)
    by_user = ATTEMPTS.c.username == username
    by_ip = ATTEMPTS.c.ip == ip
    counts = (
        (and_(by_user, by_ip), policy.per_user_and_address, True),
        (by_user, policy.per_user, True),
        # An address's run is not reset by a success: anyone there could log in to reset it.
        (by_ip, policy.per_address, False),
    )
    wait = 0
    with engine.connect() as conn:
        for where, threshold, resets in counts:
            count, latest = _failures(conn, where, since, reset_on_success=resets)
            step = policy.wait_after(count, threshold)
            if step and latest is not None:
                left = (latest + dt.timedelta(seconds=step) - now).total_seconds()
                wait = max(wait, int(-(-left // 1)))  # whole seconds, rounded up
    return wait


def record_attempt(
    engine: Engine | Connection,
    username: str,
    ip: str,
    *,
    success: bool,
    now: dt.datetime | None = None,
) -> None:
    """Keep one attempt (inside the caller's transaction when given a connection)."""
    values = {"username": username, "ip": ip, "success": int(success), "at": now or _now()}
    if isinstance(engine, Connection):
        engine.execute(insert(ATTEMPTS).values(**values))
        return
    with engine.begin() as conn:
        conn.execute(insert(ATTEMPTS).values(**values))


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


__all__ = [
    "ATTEMPTS",
    "DEFAULT_POLICY",
    "LockoutPolicy",
    "record_attempt",
    "retry_after",
    "unlock",
]
