"""The locale catalogue: complete in both languages, and every key a face uses exists."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from terpadu.locale import (
    LANGUAGES,
    MissingText,
    catalogue,
    code_label,
    fmt_date,
    fmt_decimal,
    fmt_money,
    fmt_number,
    fmt_percent,
    text,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "terpadu"
TEMPLATES = SRC / "web" / "templates"


def _fields(words: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(words) if name}


def test_every_entry_speaks_both_languages_with_the_same_fields() -> None:
    for key, entry in catalogue().items():
        for language in LANGUAGES:
            assert entry[language].strip(), f"{key} has no {language} words"
        assert _fields(entry["id"]) == _fields(entry["en"]), f"{key}: fields differ"


def test_unknown_key_is_an_error_not_a_raw_key() -> None:
    with pytest.raises(MissingText):
        text("web.no_such_key_anywhere")


def test_unknown_code_shows_the_code_and_missing_shows_a_dash() -> None:
    assert code_label("role", "auditor", "en") == "auditor"
    assert code_label("role", "operator_desa", "id") == "operator desa/kelurahan"
    assert code_label("role", "tidak_ada", "id") == "tidak_ada"
    assert code_label("role", None, "id") == "-"


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        keys |= {m for m in re.findall(r"\bt\(\s*'([a-z_.0-9]+)'", source)}
        keys |= {f"web.{m}" for m in re.findall(r"\btr\(\s*lang\s*,\s*'([a-z_0-9]+)'", source)}
    return keys


def test_every_key_a_template_names_is_in_the_catalogue() -> None:
    # A key ending in "_" or "." is a prefix joined with a value in the template
    # (action_ ~ name, 'services.state.' ~ code): the prefix must lead to some entry.
    keys = _template_keys()
    used = {key for key in keys if not key.endswith(("_", "."))}
    prefixes = {key for key in keys if key.endswith(".")}
    dangling = sorted(p for p in prefixes if not any(k.startswith(p) for k in catalogue()))
    assert not dangling, f"template key prefixes with no entry: {dangling}"
    missing = sorted(key for key in used if key not in catalogue())
    assert not missing, f"keys used in templates but not catalogued: {missing}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ("1.234.567", "13,69", "Rp 313.616.725", "87,3 %", "6 Des 2026")),
        ("en", ("1,234,567", "13.69", "Rp 313,616,725", "87.3%", "6 Dec 2026")),
    ],
)
def test_numbers_and_dates_follow_the_language(language: str, expected: tuple[str, ...]) -> None:
    shown = (
        fmt_number(1234567, language),
        fmt_decimal(13.686, language),
        fmt_money(313616725, language),
        fmt_percent(0.873, language),
        fmt_date(date(2026, 12, 6), language),
    )
    assert shown == expected


def test_every_coded_registry_column_has_a_name_for_each_code() -> None:
    from terpadu.layouts import LAYOUTS

    for columns in LAYOUTS.values():
        for column in columns:
            table = (
                "flag" if set(column.codes) == {0, 1} and column.kind == "flag" else column.target
            )
            for code in column.codes:
                for language in LANGUAGES:
                    label = code_label(table, code, language)
                    assert label != str(code), f"{column.target}={code} has no {language} name"


def test_a_bare_yes_or_no_key_is_refused(tmp_path: Path) -> None:
    from terpadu.locale.catalogue import _entries

    with pytest.raises(ValueError, match="quote it or rename it"):
        _entries("console", {False: {"id": "tidak", "en": "no"}}, tmp_path / "console.yaml")


def test_every_console_key_the_cli_names_is_in_the_catalogue() -> None:
    named = set()
    for module in (SRC / "cli").glob("*.py"):
        source = module.read_text(encoding="utf-8")
        named |= {f"console.{k}" for k in re.findall(r"\btell\(\s*\"([a-z0-9_.]+)\"", source)}
    assert len(named) > 100
    missing = sorted(k for k in named if k not in catalogue())
    assert not missing, missing
