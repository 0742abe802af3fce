"""Pages whose data comes from other areas: linkage review and programmes.

They render when the area's functions are importable and say "belum tersedia"
(not available yet) otherwise. Programme data comes from
``terpadu.web.programs`` (coverage, a family's programmes, results, BNBA);
the review queue from the linkage tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, inspect


def _hook(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found = importlib.import_module(module)
    except Exception:  # an absent or half-built package is "not available"
        return None
    hook = getattr(found, name, None)
    return hook if callable(hook) else None


def targeting_hook(name: str) -> Callable[..., Any] | None:
    """A programme-data function (``terpadu.web.programs``), or None without targeting."""
    return _hook("terpadu.web.programs", name)


def review_queue_available(engine: Engine) -> bool:
    """True when the linkage review queue's table exists."""
    return bool(inspect(engine).has_table("review_pair"))
