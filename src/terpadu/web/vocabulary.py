"""The words that occur in persons' names, for spelling-tolerant search.

A misspelt name (*Achmad Salim*, *Sati Hanaayani*) matches nothing word for
word. Instead of comparing the whole query with a million full names (pg_trgm's
``%`` reads the posting lists of every trigram of the query and rechecks
thousands of rows: 100-400 ms at 1 M persons), each query word is compared with
the registry's distinct name words (tens of thousands) using rapidfuzz, and the
search runs again with the close words as alternatives, through the same index.

The word list is read once per process and read again when a new batch has
landed (checked at most every :data:`CHECK_EVERY_S` seconds). It only suggests
spellings; which persons a user sees is still decided by the scoped query.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Final

from rapidfuzz import fuzz, process
from sqlalchemy import Engine, text

CHECK_EVERY_S: Final = 30.0
# Words shorter than this are too short to misspell recognisably (Nur, Ani, Edi).
MIN_FUZZY_LENGTH: Final = 4
# fuzz.ratio (0-100): Achmad/Ahmad 91, Hanaayani/Hanayani 94, Sati/Siti 75.
MIN_RATIO: Final = 75.0
MAX_ALTERNATIVES: Final = 4
_WORD = re.compile(r"[a-z0-9]+")


class NameVocabulary:
    """Distinct lower-case words of ``person.nama``, refreshed when batches land."""

    def __init__(self, engine: Engine, *, check_every_s: float = CHECK_EVERY_S) -> None:
        self._engine = engine
        self._check_every_s = check_every_s
        self._lock = threading.Lock()
        self._words: list[str] = []
        # One string of every word: "is the token inside some word" at C speed.
        self._joined = ""
        self._batch_mark: int | None = None
        self._checked_at = float("-inf")

    def _latest_batch(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM batch")).scalar_one())

    def _load(self) -> None:
        words: set[str] = set()
        with self._engine.connect() as conn:
            result = conn.execution_options(yield_per=50_000).execute(
                text("SELECT DISTINCT lower(nama) FROM person")
            )
            for (name,) in result:
                words.update(_WORD.findall(name or ""))
        self._words = sorted(w for w in words if len(w) >= 2)
        self._joined = "\n".join(self._words)

    def words(self) -> list[str]:
        """The current word list (read or re-read if a batch landed since)."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at >= self._check_every_s:
                mark = self._latest_batch()
                self._checked_at = now
                if mark != self._batch_mark:
                    self._load()
                    self._batch_mark = mark
            return self._words

    def alternatives(self, token: str) -> list[str]:
        """Spellings of ``token`` to look for: close registry words, and the token itself
        where it occurs inside some word. Empty when nothing in the registry resembles it."""
        words = self.words()
        found: list[str] = []
        if token in self._joined:
            found.append(token)
        if len(token) >= MIN_FUZZY_LENGTH:
            for word, _score, _index in process.extract(
                token,
                words,
                scorer=fuzz.ratio,
                limit=MAX_ALTERNATIVES,
                score_cutoff=MIN_RATIO,
            ):
                if word not in found:
                    found.append(word)
        # LIKE '%sit%' already finds siti and sitti: keep only the words no other contains.
        return [w for w in found if not any(o != w and o in w for o in found)]
