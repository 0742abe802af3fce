"""Accounts, password hashing, sessions and tokens, throttling (roles, scope, masking: terpadu.access)."""

from terpadu.web.auth.passwords import hash_password, verify_password
from terpadu.web.auth.tokens import TokenSigner
from terpadu.web.auth.users import (
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
    "TokenSigner",
    "UserCache",
    "WebUser",
    "authenticate",
    "create_user",
    "hash_password",
    "set_password",
    "verify_password",
]
