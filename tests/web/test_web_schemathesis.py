"""Schemathesis against the app's own OpenAPI document: no 5xx, responses match their schemas."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import response_schema_conformance
from webdata import WebEnv

CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


def test_api_conforms_to_its_schema(web_sqlite: WebEnv) -> None:
    token = web_sqlite.token("ver")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web_sqlite.app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            # Logging out ends the token it is sent with: it gets a token of its own.
            own = web_sqlite.client_token("ver") if case.path.endswith("/logout") else token
            headers = {"Authorization": f"Bearer {own}"}
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # FailureGroup: every distinct failure of this operation
            failures.append(f"{operation.label}: {str(exc)[:2000]}")
    assert not failures, "\n".join(dict.fromkeys(failures))
