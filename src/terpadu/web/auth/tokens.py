"""Signed values the web hands out: the session cookie, bearer tokens, the login form's token.

The session cookie and a bearer token are itsdangerous signatures over ``{"sid"}``, the
id of a server-side session (:mod:`terpadu.accounts.sessions`): the signature turns away
forged values without a database look-up, the session row decides whether it is still
valid. A session's CSRF token is derived from its id (HMAC), so it needs no storage.

Before anyone is logged in, the login form carries its own CSRF token: a random nonce in
a cookie and the same nonce, signed, in the form (the signed double-submit pattern).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "terpadu_session"
LANG_COOKIE = "terpadu_lang"
LOGIN_CSRF_COOKIE = "terpadu_login"
#: Seconds a login form stays usable (then the page is loaded again).
LOGIN_FORM_MAX_AGE_S = 2 * 3600


@dataclass(frozen=True, slots=True)
class SessionClaims:
    session_id: str
    csrf: str


class TokenSigner:
    """Signs and checks session cookies, bearer tokens and login-form tokens with one key
    (a different salt each)."""

    def __init__(self, secret_key: str, *, session_max_age_s: int, token_max_age_s: int) -> None:
        self._session = URLSafeTimedSerializer(secret_key, salt="terpadu.session")
        self._token = URLSafeTimedSerializer(secret_key, salt="terpadu.api-token")
        self._login = URLSafeTimedSerializer(secret_key, salt="terpadu.login-form")
        self._csrf_key = hashlib.sha256(b"terpadu.csrf:" + secret_key.encode()).digest()
        self.session_max_age_s = session_max_age_s
        self.token_max_age_s = token_max_age_s

    # -- sessions and tokens ------------------------------------------------------------
    def csrf_for(self, session_id: str) -> str:
        """The CSRF token bound to a session."""
        return hmac.new(self._csrf_key, session_id.encode(), hashlib.sha256).hexdigest()

    def session_cookie(self, session_id: str) -> str:
        return self._session.dumps({"sid": session_id})

    def bearer_token(self, session_id: str) -> str:
        return self._token.dumps({"sid": session_id})

    @staticmethod
    def _session_id(data: Any) -> str | None:
        sid = data.get("sid") if isinstance(data, dict) else None
        return sid if isinstance(sid, str) and 0 < len(sid) <= 100 else None

    def read_session(self, value: str) -> SessionClaims | None:
        try:
            sid = self._session_id(self._session.loads(value, max_age=self.session_max_age_s))
        except BadSignature:
            return None
        return SessionClaims(sid, self.csrf_for(sid)) if sid else None

    def read_bearer(self, value: str) -> str | None:
        """The session id of a bearer token, or None."""
        try:
            return self._session_id(self._token.loads(value, max_age=self.token_max_age_s))
        except BadSignature:
            return None

    # -- the login form -------------------------------------------------------------------
    def login_form(self, nonce: str | None = None) -> tuple[str, str]:
        """The login form's (cookie nonce, form token); a fresh nonce unless one is given."""
        nonce = nonce or secrets.token_urlsafe(24)
        return nonce, str(self._login.dumps(nonce))

    def login_form_ok(self, cookie: str | None, token: str | None) -> bool:
        """Whether a submitted login form's token matches the nonce in its cookie."""
        if not cookie or not token:
            return False
        try:
            signed = self._login.loads(token, max_age=LOGIN_FORM_MAX_AGE_S)
        except BadSignature:
            return False
        return isinstance(signed, str) and hmac.compare_digest(signed, cookie)
