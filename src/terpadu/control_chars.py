"""Control characters in text that people send: found, named, refused.

A NUL (U+0000) cannot be stored in PostgreSQL text at all, and the other C0/C1
control characters, DEL and unpaired surrogates are never part of a name, an
address or a note: they come from broken exports, copied binary or probes. Text
entering through the web, the API or a proposal is refused with a message that
names the character, rather than stored on one database and failing on the
other. Multi-line text (comments, notes) may hold line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# C0 controls, DEL, C1 controls, unpaired surrogates (not encodable as UTF-8).
_ANY_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_PARAGRAPH_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMES: Final = {0: "NUL", 9: "tab", 10: "baris baru", 13: "CR", 0x7F: "DEL"}


def first_control(value: str, *, multiline: bool = False) -> str | None:
    """The first character of ``value`` that is not allowed, or None.

    ``multiline``: line breaks (LF, CR) and tabs are allowed.
    """
    found = (_PARAGRAPH_CONTROL if multiline else _ANY_CONTROL).search(value)
    return found.group() if found else None


def describe(char: str) -> str:
    """A character as people can read it: ``NUL (U+0000)``."""
    code = ord(char)
    name = _NAMES.get(code) or unicodedata.name(char, "") or "karakter kendali"
    return f"{name} (U+{code:04X})"


def control_message(char: str) -> str:
    """Why a value with ``char`` is refused, in Bahasa Indonesia."""
    return (
        f"berisi karakter kendali {describe(char)} yang tidak boleh ada di teks; "
        "hapus karakter itu lalu kirim lagi"
    )


__all__ = ["control_message", "describe", "first_control"]
