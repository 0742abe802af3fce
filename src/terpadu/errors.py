"""The base of the domain's errors: ``str(error)`` is a message an operator can act on.

The faces (CLI, web) catch it and show the message; the areas derive their
own errors from it (verval's workflow errors, access's refusals).
"""

from __future__ import annotations


class DomainError(Exception):
    """An error whose message (Bahasa Indonesia) tells an operator what to do."""


__all__ = ["DomainError"]
