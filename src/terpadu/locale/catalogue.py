"""The message catalogue: YAML files of ``key: {id: ..., en: ...}``, one file per area."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import yaml

LANGUAGES: Final = ("id", "en")
DEFAULT_LANGUAGE: Final = "id"
MESSAGES = Path(__file__).with_name("messages")

#: The code table file: ``codes.yaml`` holds ``<table>: {<code>: {id, en}}``.
CODES_FILE: Final = "codes"


class MissingText(KeyError):
    """A key that no catalogue file holds (a test finds these before a user does)."""


def _entries(area: str, raw: object, path: Path) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of keys to {{id, en}}")
    out: dict[str, dict[str, str]] = {}
    for key, entry in raw.items():
        if isinstance(key, bool):  # YAML reads a bare yes/no/on/off key as true/false
            raise ValueError(f"{path}: a key under {area} reads as {key}; quote it or rename it")
        if isinstance(entry, dict) and set(entry) == set(LANGUAGES):
            out[f"{area}.{key}"] = {lang: str(entry[lang]) for lang in LANGUAGES}
        elif isinstance(entry, dict):
            # A nested table (codes, or a group of keys): its keys join with a dot.
            out.update(_entries(f"{area}.{key}", entry, path))
        else:
            raise ValueError(f"{path}: {area}.{key} needs both 'id' and 'en'")
    return out


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every entry of every area file, keyed ``area.key``; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
        for key, entry in _entries(path.stem, raw, path).items():
            if key in merged:
                raise ValueError(f"{path}: key {key} is defined twice")
            merged[key] = entry
    return merged


def has_text(key: str) -> bool:
    return key in catalogue()


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The words for ``key`` in ``language`` (Bahasa Indonesia if the language is unknown)."""
    entry = catalogue().get(key)
    if entry is None:
        raise MissingText(key)
    words = entry.get(language, entry[DEFAULT_LANGUAGE])
    return words.format(**values) if values else words


def section(prefix: str) -> dict[str, dict[str, str]]:
    """The entries under ``prefix.`` keyed by the rest of their key (e.g. all error codes)."""
    start = prefix + "."
    return {key[len(start) :]: entry for key, entry in catalogue().items() if key.startswith(start)}


def code_label(table: str, code: object, language: str = DEFAULT_LANGUAGE) -> str:
    """The name of a coded value (``code_label("jenis_kelamin", 1)`` is "Laki-laki").

    A value the table does not know is shown as it is, so a new code in the data
    never breaks a page; the catalogue test lists the tables that must be complete.
    """
    if code is None or code == "":
        return "-"
    key = f"{CODES_FILE}.{table}.{code}"
    if isinstance(code, float) and code.is_integer():
        key = f"{CODES_FILE}.{table}.{int(code)}"
    entry = catalogue().get(key)
    if entry is None:
        return str(code)
    return entry.get(language, entry[DEFAULT_LANGUAGE])
