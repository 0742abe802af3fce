"""The words that occur in persons' names, for spelling-tolerant search.

A misspelt name (*Achmad Salim*, *Sati Hanaayani*) matches nothing word for
word. Instead of comparing the whole query with a million full names (pg_trgm's
``%`` reads the posting lists of every trigram of the query and rechecks
thousands of rows: 100-400 ms at 1 M persons), each query word is compared with
the registry's distinct name words (tens of thousands) using rapidfuzz, and the
search runs again with the close words as alternatives, through the same index.

The word list is read once per process; when a new batch has landed (checked at
most every :data:`CHECK_EVERY_S` seconds) the words of the names it brought are
added, while searches go on with the list they have. It only suggests
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
        # One refresh at a time; other threads keep using the list they have meanwhile.
        self._refresh = threading.Lock()
        # The words, and one string of them all ("is the token inside some word" at C
        # speed), replaced together so a reader never pairs one list with another's string.
        self._current: tuple[list[str], str] = ([], "")
        self._batch_mark: int | None = None
        self._checked_at = float("-inf")

    def _latest_batch(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(text("SELECT coalesce(max(id), 0) FROM batch")).scalar_one())

    def _read_words(self, after_batch: int | None) -> set[str]:
        """Words of every name, or only of names that batches after ``after_batch`` brought
        (new persons, and renamed ones through their recorded value change)."""
        if after_batch is None:
            sql, params = "SELECT DISTINCT lower(nama) FROM person", {}
        else:
            sql = (
                "SELECT DISTINCT lower(nama) FROM person WHERE batch_id > :b UNION "
                "SELECT DISTINCT lower(new_value) FROM value_change "
                "WHERE entity = 'person' AND field = 'nama' AND batch_id > :b"
            )
            params = {"b": after_batch}
        words: set[str] = set()
        with self._engine.connect() as conn:
            result = conn.execution_options(yield_per=50_000).execute(text(sql), params)
            for (name,) in result:
                words.update(w for w in _WORD.findall(name or "") if len(w) >= 2)
        return words

    def words(self) -> list[str]:
        """The current word list, read on first use and extended when a batch has landed."""
        return self._refreshed()[0]

    def _refreshed(self) -> tuple[list[str], str]:
        due = time.monotonic() - self._checked_at >= self._check_every_s
        # The first read makes every caller wait (there is nothing to answer with yet);
        # later refreshes run in one thread while the others go on with the old list.
        if due and self._refresh.acquire(blocking=not self._current[0]):
            try:
                self._checked_at = time.monotonic()
                mark = self._latest_batch()
                if mark != self._batch_mark:
                    added = self._read_words(self._batch_mark)
                    words = sorted(added.union(self._current[0]))
                    self._current = (words, "\n".join(words))
                    self._batch_mark = mark
            finally:
                self._refresh.release()
        return self._current

    def alternatives(self, token: str) -> list[str]:
        """Spellings of ``token`` to look for: close registry words, and the token itself
        where it occurs inside some word. Empty when nothing in the registry resembles it."""
        words, joined = self._refreshed()
        found: list[str] = []
        if token in joined:
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
