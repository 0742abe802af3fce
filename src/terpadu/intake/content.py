"""A batch's content fingerprint: the same rows are the same batch, however they were saved.

The byte fingerprint (sha256 of the files) changes when a file is saved again
with CRLF line endings, as Windows-1252, with a BOM, with its columns moved or its
rows sorted differently; the rows as read do not. The content fingerprint hashes
every row of the frames as read (text, before cleaning; line endings, encoding and
BOM are gone by then) with the columns in the order of their normalised headers,
then the sorted row hashes: row order does not count, every row does (a repeated
row counts twice). Polars hashes and sorts a million rows in about a tenth of a second; no
row goes through Python.

Polars promises the same row hashes only within one version, so the version is
part of the fingerprint: after an upgrade a batch sent again is not recognised by
content (it is by bytes), and then goes through the stale-value checks, which
change nothing that is already newer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Final

import polars as pl

from terpadu.files import ROW

CONTENT_VERSION: Final = f"content-v1/polars-{pl.__version__}"
_NOT_LETTERS: Final = re.compile(r"[^0-9A-Z]+")
# A fixed seed: the same rows hash alike in every process.
_SEED: Final = 0x7E2A1D3B


def header_key(header: str) -> str:
    """A header as compared across files: upper case, letters and digits only."""
    return _NOT_LETTERS.sub("", header.upper())


def frame_digest(frame: pl.DataFrame) -> str:
    """The sha256 of a frame's rows in any order, its columns ordered by header."""
    columns = sorted((c for c in frame.columns if c != ROW), key=lambda c: (header_key(c), c))
    digest = hashlib.sha256(CONTENT_VERSION.encode())
    for name in columns:
        digest.update(b"\x1f" + header_key(name).encode())
    digest.update(b"\x1e")
    if columns and frame.height:
        # One 64-bit hash per row, sorted: a different batch would need its differing rows
        # to collide exactly. About 0.1 s for a million rows of 18 columns here.
        hashes = frame.select(columns).hash_rows(seed=_SEED).sort()
        digest.update(hashes.to_numpy().data)
    return digest.hexdigest()


def content_fingerprint(source: str, file_digests: list[str], as_of: dt.date | None) -> str:
    """The batch's content fingerprint: source, the data's date when given, every file's
    :func:`frame_digest`."""
    digest = hashlib.sha256(f"{source}\0{as_of.isoformat() if as_of else ''}".encode())
    for file_digest in file_digests:
        digest.update(b"\0" + file_digest.encode())
    return digest.hexdigest()


__all__ = ["CONTENT_VERSION", "content_fingerprint", "frame_digest", "header_key"]
