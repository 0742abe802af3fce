"""NUL and other control characters sent to every write route: refused in words, never a 500.

The routes are taken from the application itself, so a route added later is
covered without touching this test: JSON routes get every string field of their
schema (and the strings inside free-form objects) filled with control characters,
form routes every form field; both databases.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal
from urllib.parse import quote

import pytest
from fastapi import params
from fastapi.routing import APIRoute
from pydantic import BaseModel
from webdata import WebEnv

HOSTILE = "a\x00b\x01c\x1bd\x7f"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def all_routes(routes: list[Any]) -> list[APIRoute]:
    """The application's routes, those of included routers too."""
    found: list[APIRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included router
        if included is not None:
            found += all_routes(included.routes)
        elif isinstance(route, APIRoute):
            found.append(route)
    return found


def write_routes(web: WebEnv) -> list[tuple[str, APIRoute]]:
    found = [
        (method, route)
        for route in all_routes(web.app.routes)
        for method in sorted(route.methods & WRITE_METHODS)
    ]
    assert len(found) >= 12  # the API's and the pages' write routes
    return found


def sample(annotation: Any, hostile: str) -> Any:
    """A value of ``annotation`` whose every string is ``hostile``."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return sample(args[0], hostile)
    if origin in (typing.Union, types.UnionType):
        return sample(next(a for a in args if a is not type(None)), hostile)
    if origin is Literal:
        return args[0]
    if origin is list:
        return [sample(args[0] if args else str, hostile)]
    if origin is dict or annotation is dict:
        return {"alamat": hostile, "nama": hostile, "catatan": [hostile]}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {
            name: sample(field.annotation, hostile)
            for name, field in annotation.model_fields.items()
        }
    if annotation is int:
        return 1
    if annotation is bool:
        return True
    if annotation is float:
        return 1.0
    return hostile  # str, Any


def path_for(route: APIRoute, web: WebEnv, proposal_id: int, hostile: str | None) -> str:
    values = {}
    for param in route.dependant.path_params:
        if param.field_info.annotation is int:
            values[param.name] = str(proposal_id)
        elif param.name == "action":
            values[param.name] = "submit"
        else:
            values[param.name] = web.family("K1") if hostile is None else quote(hostile)
    return route.path.format(**values)


def is_form(route: APIRoute) -> bool:
    return any(
        isinstance(p.field_info, params.Form | params.File) for p in route.dependant.body_params
    )


def form_fields(route: APIRoute, hostile: str) -> tuple[dict[str, str], dict[str, Any]]:
    data: dict[str, str] = {"note": hostile, "action": hostile, "ids": "1"}
    files: dict[str, Any] = {}
    for param in route.dependant.body_params:
        if isinstance(param.field_info, params.File):
            files[param.name] = (f"{param.name}.csv", b"ID_KELUARGA\nK1\n", "text/csv")
        else:
            data[param.alias] = hostile
    return data, files


@pytest.fixture
def proposal_id(web: WebEnv) -> int:
    created = web.api("op_a").post(
        "/api/v1/proposals",
        json={"kind": "correct", "family_id": web.family("K1"), "values": {"alamat": "Kp. X"}},
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_every_write_route_refuses_control_characters_in_words(
    web: WebEnv, proposal_id: int
) -> None:
    api = web.api("op_a")
    page, csrf = web.page("op_a")
    answers: list[tuple[str, str, int, str]] = []
    for method, route in write_routes(web):
        for in_path in (False, True):
            if in_path and not any(
                p.field_info.annotation is str for p in route.dependant.path_params
            ):
                continue
            is_api = route.path.startswith("/api/")
            if is_api and not in_path and route.body_field is None and not is_form(route):
                continue  # takes no words at all (logout): nothing to refuse
            url = path_for(route, web, proposal_id, HOSTILE if in_path else None)
            if is_api:
                client = api
                if is_form(route):
                    data, files = form_fields(route, HOSTILE)
                    response = client.request(method, url, data=data, files=files)
                else:
                    body = route.body_field
                    payload = sample(body.field_info.annotation, HOSTILE) if body else None
                    response = client.request(method, url, json=payload)
            else:
                client = page
                data, files = form_fields(route, HOSTILE)
                data["csrf_token"] = csrf
                response = client.request(
                    method, url, data=data, files=files or None, follow_redirects=False
                )
            answers.append((method, url, response.status_code, response.text))
    server_errors = [a[:3] for a in answers if a[2] >= 500]
    assert not server_errors, server_errors
    not_refused = [a[:3] for a in answers if a[2] != 422 or "karakter kendali" not in a[3]]
    assert not not_refused, not_refused


def test_a_refusal_names_the_field_and_the_character(web: WebEnv, proposal_id: int) -> None:
    r = web.api("op_a").post(
        f"/api/v1/proposals/{proposal_id}/comments", json={"body": "ada\x00di sini"}
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "control_character"
    assert "'body'" in error["message"] and "NUL (U+0000)" in error["message"]
    assert error["details"][0]["loc"] == ["body", "body"]
    nested = web.api("op_a").post(
        "/api/v1/proposals",
        json={"kind": "correct", "family_id": web.family("K1"), "values": {"alamat": "Kp.\x07"}},
    )
    assert nested.status_code == 422
    assert nested.json()["error"]["details"][0]["loc"] == ["body", "values", "alamat"]
    page, csrf = web.page("op_a")
    form = page.post(
        f"/usulan/{proposal_id}/aksi",
        data={"action": "comment", "note": "baik\x00", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert form.status_code == 422 and "note" in form.text and "NUL" in form.text


def test_comments_keep_their_line_breaks_and_tabs(web: WebEnv, proposal_id: int) -> None:
    body = "Baris satu\r\nBaris dua\n\tmenjorok"
    r = web.api("op_a").post(f"/api/v1/proposals/{proposal_id}/comments", json={"body": body})
    assert r.status_code == 201, r.text
    assert body.replace("\r\n", "\n") in [
        c["body"].replace("\r\n", "\n") for c in r.json()["comments"]
    ]
    # A single-line field does not take a line break.
    name = web.api("op_a").post(
        "/api/v1/proposals",
        json={"kind": "correct", "family_id": web.family("K1"), "values": {"alamat": "a\nb"}},
    )
    assert name.status_code == 422
