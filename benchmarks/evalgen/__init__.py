"""An evaluation registry generator written apart from the linkage code it is used to score.

It writes `keluarga.csv` and `anggota.csv` in the exchange layouts, with duplicate
registrations of the same real people damaged independently, and `truth.csv` mapping every
row (ID_ANGGOTA) to its true person. See docs/benchmarks.md for what it models.
"""

from .generate import Summary, generate

__all__ = ["Summary", "generate"]
