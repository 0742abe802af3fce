"""CLI tokens: stored hashed, expire, revocable, tied to the account's state."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from terpadu.accounts import create_user, set_password
from terpadu.accounts.cli_tokens import (
    TokenInvalid,
    digest,
    issue_login_token,
    resolve_token,
    revoke_token,
)


def test_a_token_lives_until_it_expires_is_revoked_or_the_password_changes(
    engine: Engine,
) -> None:
    user = create_user(engine, "ani", "rahasia-ani", role="verifikator_kab", region="3604")
    token = issue_login_token(engine, user, max_age_s=600)
    assert len(token) > 40 and resolve_token(engine, token).actor.region == "3604"
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash, expires_at FROM cli_token")).one()
    assert stored[0] == digest(token) and token not in stored[0]

    expired = issue_login_token(engine, user, max_age_s=-1)
    with pytest.raises(TokenInvalid):
        resolve_token(engine, expired)
    with pytest.raises(TokenInvalid):
        resolve_token(engine, "tpd_tebakan")

    assert revoke_token(engine, token) and not revoke_token(engine, token)
    with pytest.raises(TokenInvalid):
        resolve_token(engine, token)

    other = issue_login_token(engine, user, max_age_s=600)
    set_password(engine, "ani", "rahasia-baru")
    with pytest.raises(TokenInvalid):
        resolve_token(engine, other)
