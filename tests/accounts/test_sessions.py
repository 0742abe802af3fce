"""Server-side sessions: absolute and idle timeouts on a fake clock, revocation, stored digests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from terpadu.accounts.sessions import (
    PAGE,
    SESSIONS,
    check_session,
    open_session,
    revoke_session,
    revoke_user_sessions,
)

T0 = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _open(engine: Engine, user_id: int = 7, lifetime_s: int = 3600) -> str:
    return open_session(
        engine, user_id=user_id, token_version=1, kind=PAGE, lifetime_s=lifetime_s, now=T0
    )


def test_only_a_digest_of_the_id_is_stored(engine: Engine) -> None:
    sid = _open(engine)
    with engine.connect() as conn:
        stored = conn.execute(select(SESSIONS.c.token_hash)).scalars().all()
    assert len(stored) == 1 and stored[0] != sid and len(stored[0]) == 64
    live = check_session(engine, sid, idle_s=None, now=_at(1))
    assert live is not None and live.user_id == 7 and live.token_version == 1
    assert check_session(engine, sid + "x", idle_s=None, now=_at(1)) is None


def test_idle_timeout_is_pushed_back_by_use(engine: Engine) -> None:
    sid = _open(engine, lifetime_s=12 * 3600)
    # Used every 25 minutes: never idle for 30, so it lives on past the first half hour.
    for minutes in (25, 50, 75, 100):
        assert check_session(engine, sid, idle_s=1800, now=_at(minutes * 60)) is not None
    assert check_session(engine, sid, idle_s=1800, now=_at(100 * 60 + 1799)) is not None
    # That look was a use too; half an hour after it the session has ended.
    assert check_session(engine, sid, idle_s=1800, now=_at(100 * 60 + 1799 + 1800)) is None
    other = _open(engine)
    assert check_session(engine, other, idle_s=1800, now=_at(1800)) is None


def test_absolute_timeout_holds_however_active(engine: Engine) -> None:
    sid = _open(engine)
    for minutes in range(10, 60, 10):
        assert check_session(engine, sid, idle_s=1800, now=_at(minutes * 60)) is not None
    assert check_session(engine, sid, idle_s=1800, now=_at(3600)) is None


def test_revoked_sessions_stay_ended(engine: Engine) -> None:
    one, two, theirs = _open(engine), _open(engine), _open(engine, user_id=8)
    assert revoke_session(engine, one, now=_at(5))
    assert not revoke_session(engine, one, now=_at(6))
    assert check_session(engine, one, idle_s=None, now=_at(7)) is None
    with engine.begin() as conn:
        assert revoke_user_sessions(conn, 7, now=_at(8)) == 1
    assert check_session(engine, two, idle_s=None, now=_at(9)) is None
    assert check_session(engine, theirs, idle_s=None, now=_at(9)) is not None
