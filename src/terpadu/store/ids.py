"""Public identifiers: FAMILY_ID and PERSON_ID as shown in exports, pages and the API.

They carry a prefix so they are never mistaken for a sender's ID_KELUARGA or a NIK.
"""

from __future__ import annotations

import re

FAMILY_PREFIX = "KLG"
PERSON_PREFIX = "ORG"
_PATTERN = re.compile(r"^(KLG|ORG)(\d{10})$")


def family_code(family_id: int) -> str:
    return f"{FAMILY_PREFIX}{family_id:010d}"


def person_code(person_id: int) -> str:
    return f"{PERSON_PREFIX}{person_id:010d}"


def parse_code(code: str) -> tuple[str, int] | None:
    """('family' | 'person', id) for a public identifier, else None."""
    match = _PATTERN.match(code.strip().upper())
    if not match:
        return None
    return ("family" if match.group(1) == FAMILY_PREFIX else "person"), int(match.group(2))
