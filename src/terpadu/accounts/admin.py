"""User administration: list, create, disable/enable, unlock, reset, change role or region.

Every function takes the acting :class:`~terpadu.access.Actor` and records an audit
event in its name. Who may manage whom: a role holding ``manage_users``; an
``admin_provinsi`` only accounts whose region lies in its province (and it cannot
give a national role), ``admin_sistem`` every account. Nobody disables, demotes
or moves their own account, so an office cannot lock its last admin out by mistake.

Bootstrap: while no active account may manage users, :func:`bootstrap_admin`
creates the first admin without an acting account.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, select, update

from terpadu.access import (
    ROLE_LABELS,
    Actor,
    PermissionDenied,
    allows,
    covers,
)
from terpadu.accounts.cli_tokens import SERVICE, issue_service_key, revoke_user_tokens
from terpadu.accounts.lockout import unlock
from terpadu.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from terpadu.accounts.users import (
    USERS,
    AccountError,
    WebUser,
    checked_role_region,
    create_user,
    user_from_row,
)
from terpadu.audit import record_event

MANAGER_ROLES = frozenset(r for r in ROLE_LABELS if allows(r, "manage_users"))


@dataclass(frozen=True, slots=True)
class Account:
    """An account as an administrator sees it (no password hash)."""

    id: int
    username: str
    role: str
    region: str | None
    kind: str
    active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A created account; ``api_key`` is a service account's key, shown this once."""

    user: WebUser
    api_key: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _account(row: Row[Any]) -> Account:
    return Account(
        row.id,
        row.username,
        row.role,
        row.region,
        row.kind,
        bool(row.active),
        row.created_at,
        row.last_login_at,
    )


def require_manager(actor: Actor) -> None:
    """Refuse an actor whose role may not manage accounts."""
    actor.require("manage_users", doing="manage_accounts")


def _require_scope(actor: Actor, role: str, region: str | None, username: str) -> None:
    """Refuse an account (its role and region) outside what ``actor`` manages."""
    require_manager(actor)
    if actor.region is None:
        return
    # A regional admin manages regional accounts within its region, never national roles.
    if region is None or not covers(actor.region, region):
        raise PermissionDenied(
            f"Akun {username} ({ROLE_LABELS.get(role, role)}, wilayah {region or 'nasional'}) "
            f"di luar wilayah kerja {actor.username} ({actor.region})."
        )


def _load(conn: Connection, username: str) -> Row[Any]:
    row = conn.execute(select(USERS).where(USERS.c.username == username.strip())).first()
    if row is None:
        raise AccountError(f"Pengguna '{username}' tidak ada.")
    return row


def _target(conn: Connection, actor: Actor, username: str, *, not_self: str | None) -> Row[Any]:
    """The account ``actor`` acts on, locked for the change, after the scope checks."""
    row = conn.execute(
        select(USERS).where(USERS.c.username == username.strip()).with_for_update()
    ).first()
    if row is None:
        raise AccountError(f"Pengguna '{username}' tidak ada.")
    _require_scope(actor, row.role, row.region, row.username)
    if not_self and row.username == actor.username:
        raise PermissionDenied(f"Anda tidak boleh {not_self} akun Anda sendiri.")
    return row


def _audit(
    conn: Connection, actor: Actor, action: str, row: Row[Any], before: Any, after: Any
) -> None:
    record_event(
        conn,
        actor=actor,
        action=action,
        entity="user",
        entity_id=row.id,
        region=row.region,
        before=before,
        after=after,
    )


def list_accounts(engine: Engine, actor: Actor, *, include_disabled: bool = True) -> list[Account]:
    """The accounts ``actor`` manages, by username."""
    require_manager(actor)
    query = select(USERS).order_by(USERS.c.username)
    if not include_disabled:
        query = query.where(USERS.c.active == 1)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        _account(r)
        for r in rows
        if actor.region is None or (r.region is not None and covers(actor.region, r.region))
    ]


def get_account(engine: Engine, actor: Actor, username: str) -> Account:
    """One account ``actor`` manages."""
    with engine.connect() as conn:
        row = _load(conn, username)
    _require_scope(actor, row.role, row.region, row.username)
    return _account(row)


def create_account(
    engine: Engine,
    actor: Actor,
    username: str,
    *,
    role: str,
    region: str | None,
    password: str | None = None,
    service: bool = False,
) -> NewAccount:
    """Add a person (with ``password``) or a service account (its API key returned once)."""
    code = checked_role_region(role, region)
    _require_scope(actor, role, code, username)
    if service:
        # A service account never logs in with a password: give it one nobody knows.
        password = secrets.token_urlsafe(32)
    elif password is None:
        raise AccountError("Akun perorangan perlu kata sandi.")
    with engine.begin() as conn:
        user = create_user(
            engine,
            username,
            password,
            role=role,
            region=code,
            kind=SERVICE if service else "person",
            actor=actor,
            conn=conn,
        )
        key = issue_service_key(conn, user) if service else None
    return NewAccount(user, key)


def _set_active(engine: Engine, actor: Actor, username: str, active: bool) -> Account:
    with engine.begin() as conn:
        row = _target(conn, actor, username, not_self="menonaktifkan" if not active else None)
        values: dict[str, Any] = {"active": int(active)}
        if not active:
            # Sessions, API tokens and CLI tokens of a disabled account end now.
            values["token_version"] = USERS.c.token_version + 1
            revoke_user_tokens(conn, row.id)
        conn.execute(update(USERS).where(USERS.c.id == row.id).values(**values))
        _audit(
            conn,
            actor,
            "user.enable" if active else "user.disable",
            row,
            {"active": bool(row.active)},
            {"active": active},
        )
        return _account(_load(conn, row.username))


def disable_account(engine: Engine, actor: Actor, username: str) -> Account:
    """Disable an account: it cannot log in, and its sessions and tokens end."""
    return _set_active(engine, actor, username, False)


def enable_account(engine: Engine, actor: Actor, username: str) -> Account:
    """Enable a disabled account again (its old sessions and tokens stay ended)."""
    return _set_active(engine, actor, username, True)


def unlock_account(engine: Engine, actor: Actor, username: str) -> int:
    """Forget the failed logins that hold an account back; how many were forgotten."""
    with engine.begin() as conn:
        row = _target(conn, actor, username, not_self=None)
    removed = unlock(engine, username=row.username)
    with engine.begin() as conn:
        _audit(conn, actor, "user.unlock", row, None, {"failures_forgotten": removed})
    return removed


def unlock_address(engine: Engine, actor: Actor, address: str) -> int:
    """Forget the failed logins from one address (an office behind one NAT); national admins."""
    require_manager(actor)
    if actor.region is not None:
        raise PermissionDenied("Hanya admin nasional yang boleh membuka kunci sebuah alamat.")
    removed = unlock(engine, address=address)
    with engine.begin() as conn:
        record_event(
            conn,
            actor=actor,
            action="user.unlock_address",
            entity="address",
            entity_id=address[:45],
            region=None,
            before=None,
            after={"failures_forgotten": removed},
        )
    return removed


def reset_password(engine: Engine, actor: Actor, username: str, password: str) -> None:
    """Give a person account a new password; its sessions and tokens end."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    hashed = hash_password(password)
    with engine.begin() as conn:
        row = _target(conn, actor, username, not_self=None)
        if row.kind == SERVICE:
            raise AccountError(
                f"{row.username} adalah akun layanan: buat kunci API baru, bukan kata sandi."
            )
        conn.execute(
            update(USERS)
            .where(USERS.c.id == row.id)
            .values(password_hash=hashed, token_version=USERS.c.token_version + 1)
        )
        revoke_user_tokens(conn, row.id)
        _audit(conn, actor, "user.password_reset", row, None, {"sessions_ended": True})


def new_service_key(engine: Engine, actor: Actor, username: str) -> str:
    """A new API key for a service account (shown once); the old key stops working."""
    with engine.begin() as conn:
        row = _target(conn, actor, username, not_self=None)
        if row.kind != SERVICE:
            raise AccountError(f"{row.username} bukan akun layanan.")
        key = issue_service_key(conn, user_from_row(row))
        _audit(conn, actor, "user.key_reset", row, None, {"old_keys_revoked": True})
    return key


def set_role(
    engine: Engine,
    actor: Actor,
    username: str,
    *,
    role: str | None = None,
    region: str | None = None,
) -> Account:
    """Change an account's role and/or region (``region='nasional'`` for the whole country).

    Its sessions and tokens end: they carried the old role.
    """
    with engine.begin() as conn:
        row = _target(conn, actor, username, not_self="mengubah peran atau wilayah")
        new_role = role or row.role
        new_region = checked_role_region(new_role, row.region if region is None else region)
        _require_scope(actor, new_role, new_region, row.username)
        if (new_role, new_region) == (row.role, row.region):
            return _account(row)
        conn.execute(
            update(USERS)
            .where(USERS.c.id == row.id)
            .values(role=new_role, region=new_region, token_version=USERS.c.token_version + 1)
        )
        revoke_user_tokens(conn, row.id)
        _audit(
            conn,
            actor,
            "user.role_change",
            row,
            {"role": row.role, "region": row.region},
            {"role": new_role, "region": new_region},
        )
        return _account(_load(conn, row.username))


def bootstrap_open(engine: Engine) -> bool:
    """True while no active account may manage users (the first admin may be created)."""
    with engine.connect() as conn:
        found = conn.execute(
            select(USERS.c.id)
            .where(USERS.c.active == 1, USERS.c.role.in_(sorted(MANAGER_ROLES)))
            .limit(1)
        ).first()
    return found is None


def bootstrap_admin(
    engine: Engine, username: str, password: str, *, role: str, region: str | None
) -> WebUser:
    """Create the first admin, with no acting account; refused once an admin exists."""
    if role not in MANAGER_ROLES:
        allowed = ", ".join(sorted(MANAGER_ROLES))
        raise AccountError(f"Akun pertama harus admin ({allowed}); masuk dulu untuk peran lain.")
    if not bootstrap_open(engine):
        raise PermissionDenied(
            "Sudah ada admin; akun baru dibuat oleh admin yang masuk (terpadu login)."
        )
    return create_user(engine, username, password, role=role, region=region, actor="bootstrap")


__all__ = [
    "MANAGER_ROLES",
    "Account",
    "NewAccount",
    "bootstrap_admin",
    "bootstrap_open",
    "create_account",
    "disable_account",
    "enable_account",
    "get_account",
    "list_accounts",
    "new_service_key",
    "require_manager",
    "reset_password",
    "set_role",
    "unlock_account",
    "unlock_address",
]
