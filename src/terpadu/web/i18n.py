"""Page words (``?lang=en`` or the language cookie picks English) from the locale catalogue.

Messages that come from the domain packages (verval, intake) stay in Bahasa
Indonesia: they quote the operator's own data and rules.
"""

from __future__ import annotations

from typing import Final

from terpadu.locale import LANGUAGES, code_label, has_text, text

__all__ = ["LANGUAGES", "STATE_NAMES", "translate"]


def translate(language: str, key: str, **values: object) -> str:
    """The page label ``key`` (``web.<key>``, or a full ``area.key``) in ``language``."""
    full = key if has_text(key) else f"web.{key}"
    if not has_text(full):
        return key
    return text(full, language, **values)


#: Proposal states as shown to people, (Bahasa Indonesia, English).
STATE_NAMES: Final[dict[str, tuple[str, str]]] = {
    state: (code_label("proposal_state", state, "id"), code_label("proposal_state", state, "en"))
    for state in ("draft", "submitted", "verified", "approved", "rejected", "returned")
}
