"""Operator accounts: users, password hashing, login throttling.

What an account's role may do and see is :mod:`terpadu.access`'s to say; the web's
sessions and tokens live in :mod:`terpadu.web.auth`.
"""

from terpadu.accounts.lockout import unlock
from terpadu.accounts.passwords import hash_password, verify_password
from terpadu.accounts.users import (
    AccountError,
    LoginFailed,
    LoginThrottled,
    UserCache,
    WebUser,
    authenticate,
    create_user,
    set_password,
)

__all__ = [
    "AccountError",
    "LoginFailed",
    "LoginThrottled",
    "UserCache",
    "WebUser",
    "authenticate",
    "create_user",
    "hash_password",
    "set_password",
    "unlock",
    "verify_password",
]
