"""One check for every request: no control characters in any text that comes in.

Declared once on the application (``create_app``), so no route (JSON, form, upload,
query or path) can forget it. A NUL or other control character in a path
parameter, a query parameter, a form field or anywhere in a JSON body is
refused with 422 and the field named (see :mod:`terpadu.control_chars`); only
the multi-line fields (comments, notes) may hold line breaks and tabs. The
body was parsed already by FastAPI for the route and Starlette keeps it, so
reading it here costs nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

from fastapi import Request

from terpadu.control_chars import control_message, first_control
from terpadu.web.errors import WebError

# Form and JSON fields that hold free text over several lines.
MULTILINE_FIELDS: Final = frozenset({"note", "body", "comment"})
_FORMS: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


def _texts(value: Any, loc: list[str]) -> Iterator[tuple[list[str], str]]:
    """Every string in a JSON value (keys too), with where it is."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield [*loc, "(nama kolom)"], str(key)
            yield from _texts(item, [*loc, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, [*loc, str(index)])


async def _request_texts(request: Request) -> Iterator[tuple[list[str], str]]:
    found: list[tuple[list[str], str]] = [
        (["path", name], str(value)) for name, value in request.path_params.items()
    ]
    found += [(["query", name], value) for name, value in request.query_params.multi_items()]
    found += [(["query", "(nama)"], name) for name in request.query_params]
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in _FORMS:
        form = await request.form()
        for name, value in form.multi_items():
            found.append((["body", "(nama)"], name))
            if isinstance(value, str):
                found.append((["body", name], value))
    elif kind.endswith("json"):
        body = await request.body()
        try:
            document = json.loads(body) if body else None
        except ValueError:
            document = None  # FastAPI answers malformed JSON itself
        found += list(_texts(document, ["body"]))
    return iter(found)


async def refuse_control_characters(request: Request) -> None:
    """Answer 422, naming the field, when any text of the request holds a control character."""
    problems = []
    for loc, text in await _request_texts(request):
        multiline = loc[-1] in MULTILINE_FIELDS and loc[0] == "body"
        char = first_control(text, multiline=multiline)
        if char is not None:
            problems.append({"loc": loc, "msg": control_message(char), "type": "control_character"})
    if problems:
        first = problems[0]
        raise WebError(
            422,
            "control_character",
            f"Isian '{first['loc'][-1]}' {first['msg']}.",
            details=problems,
        )


__all__ = ["MULTILINE_FIELDS", "refuse_control_characters"]
