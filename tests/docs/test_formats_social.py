"""docs/formats.md lists every column of the institution and workforce lists."""

from __future__ import annotations

import re
from pathlib import Path

from terpadu.services.institutions import INSTITUTION_COLUMNS
from terpadu.services.workforce import WORKER_COLUMNS

FORMATS = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text("utf-8")


def _section(title: str) -> str:
    start = FORMATS.index(f"### {title}")
    end = FORMATS.find("\n#", start + 1)
    return FORMATS[start:end]


def test_the_lists_columns_and_required_marks_are_documented() -> None:
    for title, layout in (("Institutions", INSTITUTION_COLUMNS), ("Workforce", WORKER_COLUMNS)):
        rows = dict(re.findall(r"^\| `([A-Z_]+)` \| (yes|) \|", _section(title), re.M))
        assert set(rows) == {c.name for c in layout}, title
        assert {n for n, flag in rows.items() if flag} == {c.name for c in layout if c.required}
