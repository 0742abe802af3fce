"""The web's sessions and bearer tokens (accounts themselves: :mod:`terpadu.accounts`)."""

from terpadu.accounts import (
    AccountError,
    LoginFailed,
    LoginThrottled,
    UserCache,
    WebUser,
    authenticate,
    create_user,
    set_password,
)
from terpadu.web.auth.tokens import TokenSigner

__all__ = [
    "AccountError",
    "LoginFailed",
    "LoginThrottled",
    "TokenSigner",
    "UserCache",
    "WebUser",
    "authenticate",
    "create_user",
    "set_password",
]
