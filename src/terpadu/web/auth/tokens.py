"""Signed, expiring tokens: the session cookie and the API's bearer tokens.

Both are itsdangerous signatures over ``{"uid", "tv"}`` (user id and token
version; the session also carries its CSRF token). Changing a user's password
or disabling them bumps ``token_version`` and invalidates every token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "terpadu_session"
LANG_COOKIE = "terpadu_lang"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    token_version: int
    csrf: str | None = None


class TokenSigner:
    """Signs and checks session cookies and bearer tokens with one key (different salts)."""

    def __init__(self, secret_key: str, *, session_max_age_s: int, token_max_age_s: int) -> None:
        self._session = URLSafeTimedSerializer(secret_key, salt="terpadu.session")
        self._token = URLSafeTimedSerializer(secret_key, salt="terpadu.api-token")
        self.session_max_age_s = session_max_age_s
        self.token_max_age_s = token_max_age_s

    def session_cookie(self, user_id: int, token_version: int) -> tuple[str, str]:
        """A new session cookie value and its CSRF token."""
        csrf = secrets.token_urlsafe(24)
        value = self._session.dumps({"uid": user_id, "tv": token_version, "csrf": csrf})
        return value, csrf

    def bearer_token(self, user_id: int, token_version: int) -> str:
        return self._token.dumps({"uid": user_id, "tv": token_version})

    @staticmethod
    def _claims(data: Any) -> TokenClaims | None:
        if not isinstance(data, dict):
            return None
        uid, tv, csrf = data.get("uid"), data.get("tv"), data.get("csrf")
        if not isinstance(uid, int) or not isinstance(tv, int):
            return None
        return TokenClaims(uid, tv, csrf if isinstance(csrf, str) else None)

    def read_session(self, value: str) -> TokenClaims | None:
        try:
            data = self._session.loads(value, max_age=self.session_max_age_s)
        except BadSignature:
            return None
        return self._claims(data)

    def read_bearer(self, value: str) -> TokenClaims | None:
        try:
            data = self._token.loads(value, max_age=self.token_max_age_s)
        except BadSignature:
            return None
        return self._claims(data)
