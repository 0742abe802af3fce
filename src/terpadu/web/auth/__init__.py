"""Accounts, password hashing, sessions and tokens, throttling, roles, scope and NIK masking."""

from terpadu.web.auth.passwords import hash_password, verify_password
from terpadu.web.auth.scope import WebUser, mask_nik, show_nik
from terpadu.web.auth.tokens import TokenSigner
from terpadu.web.auth.users import (
    AccountError,
    LoginFailed,
    LoginThrottled,
    UserCache,
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
    "mask_nik",
    "set_password",
    "show_nik",
    "verify_password",
]
