"""Words decided now and said later, in the reader's language.

Core code (targeting's explanation, its fixes) knows *what* to say, not to whom: it
returns a :class:`Phrase`, a catalogue key with the values it is filled with, and each
face (the CLI in ``TERPADU_LANGUAGE``, a page in its ``?lang``) says it in its language.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from terpadu.locale.catalogue import DEFAULT_LANGUAGE, text
from terpadu.locale.formats import fmt_decimal, fmt_number

#: The catalogue's word for a value that is missing.
EMPTY_KEY = "console.explain.empty"


@dataclass(frozen=True)
class Count:
    """A count, grouped as the language groups thousands (a bare int is shown as it is:
    a row number, a desil, a run id)."""

    n: int


def value_words(value: Any, language: str) -> str:
    """One value as the language writes it: a nested phrase said, a decimal with the
    language's separator (trailing zeros dropped), nothing as the catalogue's "empty"."""
    if isinstance(value, Phrase):
        return value.say(language)
    if isinstance(value, Count):
        return fmt_number(value.n, language)
    if value is None:
        return text(EMPTY_KEY, language)
    if isinstance(value, float | Decimal):
        written = fmt_decimal(value, language, 4)
        point = "," if "," in fmt_decimal(0.5, language, 1) else "."
        return written.rstrip("0").rstrip(point)
    if isinstance(value, list | tuple):
        return ", ".join(value_words(v, language) for v in value) or "-"
    return str(value)


@dataclass(frozen=True)
class Phrase:
    """A catalogue ``key`` and its ``values``; with no key, ``literal`` as it is written
    (an office's own words, such as a programme file's condition label)."""

    key: str | None
    values: tuple[tuple[str, Any], ...] = ()
    literal: str = ""

    @classmethod
    def of(cls, key: str, /, **values: Any) -> Phrase:
        return cls(key, tuple(values.items()))

    @classmethod
    def as_written(cls, words: str) -> Phrase:
        return cls(None, literal=words)

    def say(self, language: str = DEFAULT_LANGUAGE) -> str:
        if self.key is None:
            return self.literal
        return text(self.key, language, **{k: value_words(v, language) for k, v in self.values})
