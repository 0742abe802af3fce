"""Operator accounts: create, authenticate (throttled by :mod:`.lockout`, audited), look up.

What an account's role may do and see is :mod:`terpadu.access`'s to say.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from terpadu.access import (
    ADMIN_SISTEM,
    NATIONAL_ROLES,
    ROLE_LABELS,
    ROLES,
    Actor,
    allows,
    covers,
)
from terpadu.accounts.lockout import DEFAULT_POLICY, LockoutPolicy, record_attempt, retry_after
from terpadu.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from terpadu.accounts.sessions import revoke_user_sessions
from terpadu.audit import record_event
from terpadu.regions import RegionCodeError, normalize_code, region_exists
from terpadu.store.models.web import WebUser as UserRow

USERS: Table = UserRow.__table__  # type: ignore[assignment]


class AccountError(ValueError):
    """A user cannot be created as asked (message in Bahasa Indonesia)."""


class LoginFailed(Exception):
    """Wrong username or password."""

    code = "invalid_credentials"


class LoginThrottled(LoginFailed):
    """Too many recent failures for this username or address; ``retry_after_s`` to wait."""

    code = "too_many_attempts"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after_s // 60))


@dataclass(frozen=True, slots=True)
class WebUser:
    """The logged-in user as the web layer sees it (no password hash)."""

    id: int
    username: str
    role: str
    region: str | None
    token_version: int = 1
    kind: str = "person"  # or "service": a scheduled job's account, API key only

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.region)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def region_prefix(self) -> str:
        """The SQL prefix of ``kode_wilayah`` in scope ('' for the whole country)."""
        return self.region or ""

    def covers(self, code: str | None) -> bool:
        return covers(self.region, code)

    @property
    def sees_full_nik(self) -> bool:
        return allows(self.role, "see_full_nik")

    @property
    def can_import(self) -> bool:
        return allows(self.role, "import")

    @property
    def can_propose(self) -> bool:
        return allows(self.role, "propose")

    @property
    def read_only(self) -> bool:
        return allows(self.role, "read_only")

    @property
    def can_manage_users(self) -> bool:
        return allows(self.role, "manage_users")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def checked_role_region(role: str, region: str | None) -> str | None:
    """The region code an account of ``role`` gets; refuses unknown roles and regions."""
    if role not in ROLES:
        raise AccountError(f"Peran '{role}' tidak dikenal; pilih salah satu: {', '.join(ROLES)}.")
    if region in (None, "", "nasional"):
        if role not in NATIONAL_ROLES:
            raise AccountError(f"Peran {ROLE_LABELS[role]} harus punya kode wilayah (--region).")
        return None
    if role == ADMIN_SISTEM:
        raise AccountError(f"Peran {ROLE_LABELS[role]} bersifat nasional, tanpa kode wilayah.")
    try:
        code = normalize_code(str(region))
    except RegionCodeError as exc:
        raise AccountError(str(exc)) from exc
    if not region_exists(code):
        raise AccountError(f"Kode wilayah {region} tidak ada dalam daftar Kemendagri.")
    return code


def create_user(
    engine: Engine,
    username: str,
    password: str,
    *,
    role: str,
    region: str | None,
    kind: str = "person",
    actor: str | Actor = "system",
    conn: Connection | None = None,
) -> WebUser:
    """Add an account; refuses unknown roles, unknown regions and short passwords.

    ``actor`` is who creates it (the audit event's); with ``conn`` the account is
    added inside the caller's transaction.
    """
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise AccountError("Nama pengguna harus diisi, tanpa spasi, paling panjang 100 huruf.")
    code = checked_role_region(role, region)
    if kind not in ("person", "service"):
        raise AccountError(f"Jenis akun '{kind}' tidak dikenal (person atau service).")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    hashed = hash_password(password)
    now = _now()

    def add(conn: Connection) -> int:
        found = conn.execute(select(USERS.c.id).where(USERS.c.username == username)).first()
        if found is not None:
            raise AccountError(f"Pengguna '{username}' sudah ada.")
        user_id = conn.execute(
            insert(USERS).values(
                username=username,
                password_hash=hashed,
                role=role,
                region=code,
                kind=kind,
                active=1,
                token_version=1,
                created_at=now,
            )
        ).inserted_primary_key
        assert user_id is not None
        record_event(
            conn,
            actor=actor,
            action="user.create",
            entity="user",
            entity_id=int(user_id[0]),
            region=code,
            before=None,
            after={"username": username, "role": role, "region": code, "kind": kind},
            at=now,
        )
        return int(user_id[0])

    try:
        if conn is not None:
            new_id = add(conn)
        else:
            with engine.begin() as own:
                new_id = add(own)
    except IntegrityError as exc:
        raise AccountError(f"Pengguna '{username}' sudah ada.") from exc
    return WebUser(new_id, username, role, code, 1, kind)


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    *,
    ip: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: dt.datetime | None = None,
) -> WebUser:
    """The user for these credentials; records the attempt and, on success, an audit event.

    Raises :class:`LoginThrottled` (without checking the password) while the username or
    the address must wait after recent failures (:mod:`.lockout`), else
    :class:`LoginFailed` for a wrong username or password or a disabled account.
    """
    username = username.strip()[:100]
    ip = ip[:45]
    wait = retry_after(engine, username, ip, policy, now=now)
    if wait:
        raise LoginThrottled(wait)
    with engine.connect() as conn:
        row = conn.execute(select(USERS).where(USERS.c.username == username)).first()
    ok = verify_password(row.password_hash if row is not None else None, password)
    # A service account has no password login: only its API key (TERPADU_TOKEN).
    ok = ok and row is not None and bool(row.active) and row.kind != "service"
    now = now or _now()
    with engine.begin() as conn:
        record_attempt(conn, username, ip, success=ok, now=now)
        if ok and row is not None:
            conn.execute(update(USERS).where(USERS.c.id == row.id).values(last_login_at=now))
            record_event(
                conn,
                actor=row.username,
                role=row.role,
                action="auth.login",
                entity="user",
                entity_id=row.id,
                region=row.region,
                before=None,
                after={"username": row.username, "ip": ip},
                at=now,
            )
    if not ok or row is None:
        raise LoginFailed()
    return user_from_row(row)


def user_from_row(row: Any) -> WebUser:
    """The :class:`WebUser` of a ``web_user`` row."""
    return WebUser(row.id, row.username, row.role, row.region, row.token_version, row.kind)


def find_user(engine: Engine, username: str) -> WebUser | None:
    """The active account of this name, if any."""
    with engine.connect() as conn:
        row = conn.execute(
            select(USERS).where(USERS.c.username == username.strip(), USERS.c.active == 1)
        ).first()
    return None if row is None else user_from_row(row)


class UserCache:
    """Active users by id, kept a few seconds so a request does not always query the account."""

    def __init__(self, engine: Engine, ttl_s: float = 10.0) -> None:
        self._engine = engine
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._items: dict[int, tuple[float, WebUser | None]] = {}

    def get(self, user_id: int) -> WebUser | None:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(user_id)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        with self._engine.connect() as conn:
            row = conn.execute(
                select(USERS).where(USERS.c.id == user_id, USERS.c.active == 1)
            ).first()
        user = None if row is None else user_from_row(row)
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[user_id] = (now, user)
        return user

    def forget(self, user_id: int) -> None:
        with self._lock:
            self._items.pop(user_id, None)


def set_password(engine: Engine, username: str, password: str) -> None:
    """Change a password; every existing session and token of the user stops working."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    hashed = hash_password(password)
    with engine.begin() as conn:
        user_id = conn.execute(select(USERS.c.id).where(USERS.c.username == username)).scalar()
        if user_id is None:
            raise AccountError(f"Pengguna '{username}' tidak ada.")
        conn.execute(
            update(USERS)
            .where(USERS.c.id == user_id)
            .values(password_hash=hashed, token_version=USERS.c.token_version + 1)
        )
        revoke_user_sessions(conn, user_id)


__all__ = [
    "AccountError",
    "LoginFailed",
    "LoginThrottled",
    "UserCache",
    "WebUser",
    "authenticate",
    "checked_role_region",
    "create_user",
    "find_user",
    "set_password",
    "user_from_row",
]
