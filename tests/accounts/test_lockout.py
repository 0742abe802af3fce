"""Login throttling: backoff per username+address, per username and per address, on a fake
clock; an admin's unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from terpadu.accounts import authenticate, create_user, unlock
from terpadu.accounts.lockout import LockoutPolicy, record_attempt, retry_after
from terpadu.accounts.users import LoginFailed, LoginThrottled

PASSWORD = "kata-sandi-uji-1"
T0 = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)
POLICY = LockoutPolicy(
    per_user_and_address=3,
    per_user=6,
    per_address=10,
    first_wait_s=30,
    max_wait_s=240,
    window_s=3600,
)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def tick(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


def _fail(engine: Engine, clock: Clock, user: str, ip: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(LoginFailed) as caught:
            authenticate(engine, user, "salah-salah", ip=ip, policy=POLICY, now=clock.tick(1))
        assert not isinstance(caught.value, LoginThrottled)


def test_policy_doubles_the_wait_up_to_the_cap() -> None:
    waits = [POLICY.wait_after(n, 3) for n in range(0, 10)]
    assert waits == [0, 0, 0, 30, 60, 120, 240, 240, 240, 240]


def test_each_failure_past_the_threshold_doubles_the_wait(engine: Engine) -> None:
    create_user(engine, "siti", PASSWORD, role="auditor", region=None)
    clock = Clock()
    _fail(engine, clock, "siti", "10.0.0.1", times=3)
    # Third failure reached the threshold: 30 s to wait, counted from that failure.
    assert retry_after(engine, "siti", "10.0.0.1", POLICY, now=clock.now) == 30
    with pytest.raises(LoginThrottled) as caught:
        authenticate(engine, "siti", PASSWORD, ip="10.0.0.1", policy=POLICY, now=clock.tick(10))
    assert caught.value.retry_after_s == 20
    # Refused attempts are not recorded: hammering does not lengthen the wait.
    assert retry_after(engine, "siti", "10.0.0.1", POLICY, now=clock.now) == 20
    clock.tick(20)
    _fail(engine, clock, "siti", "10.0.0.1")
    assert retry_after(engine, "siti", "10.0.0.1", POLICY, now=clock.now) == 60
    clock.tick(60)
    _fail(engine, clock, "siti", "10.0.0.1")
    assert retry_after(engine, "siti", "10.0.0.1", POLICY, now=clock.now) == 120
    for _ in range(3):
        clock.tick(240)
        _fail(engine, clock, "siti", "10.0.0.1")
    assert retry_after(engine, "siti", "10.0.0.1", POLICY, now=clock.now) == 240  # the cap
    # Once the wait is over, the right password works and ends the run of failures.
    clock.tick(240)
    user = authenticate(engine, "siti", PASSWORD, ip="10.0.0.1", policy=POLICY, now=clock.now)
    assert user.username == "siti"
    assert retry_after(engine, "siti", "10.0.0.1", POLICY, now=clock.tick(1)) == 0


def test_one_person_does_not_lock_out_the_office(engine: Engine) -> None:
    """Behind one NAT address, one person's failures make only their own username wait."""
    for name in ("budi", "dina"):
        create_user(engine, name, PASSWORD, role="auditor", region=None)
    clock = Clock()
    _fail(engine, clock, "budi", "203.0.113.9", times=3)
    assert retry_after(engine, "budi", "203.0.113.9", POLICY, now=clock.now) > 0
    assert retry_after(engine, "dina", "203.0.113.9", POLICY, now=clock.now) == 0
    dina = authenticate(engine, "dina", PASSWORD, ip="203.0.113.9", policy=POLICY, now=clock.now)
    assert dina.username == "dina"
    # From another address budi's own count is still low (the username's limit is higher).
    assert retry_after(engine, "budi", "198.51.100.7", POLICY, now=clock.now) == 0


def test_a_username_guessed_from_many_addresses_waits(engine: Engine) -> None:
    create_user(engine, "adm", PASSWORD, role="auditor", region=None)
    clock = Clock()
    for i in range(6):  # two failures each from three addresses: under the pair's threshold
        _fail(engine, clock, "adm", f"192.0.2.{i // 2}")
    assert retry_after(engine, "adm", "192.0.2.200", POLICY, now=clock.now) == 30


def test_an_address_guessing_many_usernames_waits(engine: Engine) -> None:
    clock = Clock()
    for i in range(10):
        _fail(engine, clock, f"tebak{i}", "198.51.100.1")
    assert retry_after(engine, "lain", "198.51.100.1", POLICY, now=clock.now) == 30
    assert retry_after(engine, "lain", "198.51.100.2", POLICY, now=clock.now) == 0


def test_failures_outside_the_window_do_not_count(engine: Engine) -> None:
    clock = Clock()
    for _ in range(3):
        record_attempt(engine, "eko", "10.0.0.2", success=False, now=clock.tick(1))
    assert retry_after(engine, "eko", "10.0.0.2", POLICY, now=clock.now) == 30
    assert retry_after(engine, "eko", "10.0.0.2", POLICY, now=clock.tick(3601)) == 0


def test_admin_unlock_ends_the_wait(engine: Engine) -> None:
    clock = Clock()
    for _ in range(12):
        record_attempt(engine, "fitri", "10.0.0.3", success=False, now=clock.tick(1))
    assert retry_after(engine, "fitri", "10.0.0.3", POLICY, now=clock.now) > 0
    assert unlock(engine, username="fitri") == 12
    assert retry_after(engine, "fitri", "10.0.0.4", POLICY, now=clock.now) == 0
    for _ in range(10):
        record_attempt(engine, "x", "10.0.0.5", success=False, now=clock.tick(1))
    assert retry_after(engine, "y", "10.0.0.5", POLICY, now=clock.now) > 0
    assert unlock(engine, address="10.0.0.5") == 10
    assert retry_after(engine, "y", "10.0.0.5", POLICY, now=clock.now) == 0
    with pytest.raises(ValueError):
        unlock(engine)
