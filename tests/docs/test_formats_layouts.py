"""docs/formats.md names every column each reader takes, and nothing points outside the repo."""

from __future__ import annotations

import re
from pathlib import Path

from terpadu.layouts import ANGGOTA_COLUMNS, KELUARGA_COLUMNS
from terpadu.linkage.dukcapil import DUKCAPIL_COLUMNS
from terpadu.targeting.payment_file import OPTIONAL, REQUIRED
from terpadu.targeting.quota import HEADERS as QUOTA_HEADERS

ROOT = Path(__file__).resolve().parents[2]
FORMATS = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = FORMATS.index(f"### {title}")
    end = FORMATS.find("\n### ", start + 1)
    return FORMATS[start : end if end > 0 else None]


def _documented(section: str) -> set[str]:
    return set(re.findall(r"^\| `([A-Z_]+)` \|", section, re.M))


def test_each_input_layout_lists_the_readers_columns() -> None:
    assert _documented(_section("Keluarga")) == {c.name for c in KELUARGA_COLUMNS}
    assert _documented(_section("Anggota")) == {c.name for c in ANGGOTA_COLUMNS}
    assert _documented(_section("Dukcapil answer")) == {c.name for c in DUKCAPIL_COLUMNS}
    assert _documented(_section("Quota file")) == set(QUOTA_HEADERS.values())
    assert _documented(_section("Disbursement file")) == {*REQUIRED, *OPTIONAL}


def test_required_columns_are_marked() -> None:
    for title, layout in (
        ("Keluarga", KELUARGA_COLUMNS),
        ("Anggota", ANGGOTA_COLUMNS),
        ("Dukcapil answer", DUKCAPIL_COLUMNS),
    ):
        rows = dict(re.findall(r"^\| `([A-Z_]+)` \| (yes|) \|", _section(title), re.M))
        assert {name for name, flag in rows.items() if flag} == {
            c.name for c in layout if c.required
        }, title


def test_nothing_points_to_a_formats_file_outside_the_repository() -> None:
    offenders = []
    for folder in ("src", "docs", "scripts", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".md", ".yaml", ".html", ".sh", ".txt"}:
                continue
            if path == Path(__file__):
                continue
            content = path.read_text(encoding="utf-8", errors="replace")
            if "FORMATS.md" in content or re.search(r"\bshared/", content):
                offenders.append(str(path.relative_to(ROOT)))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "FORMATS.md" not in readme
    assert not offenders, offenders
