"""The code tables of case management: PPKS categories, ATENSI services, states, closures.

The codes and their names live in ``locale/messages/cases.yaml`` (``ppks``, ``atensi``,
``closure``), so a category added by regulation is a new entry in data; this module
reads the codes from there and checks what an operator typed against them.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from terpadu.errors import TerpaduError
from terpadu.locale.catalogue import section

OPENED, ASSESSED, PLANNED, IN_SERVICE, REVIEWED, CLOSED = (
    "opened",
    "assessed",
    "planned",
    "in_service",
    "reviewed",
    "closed",
)
STATES: Final = (OPENED, ASSESSED, PLANNED, IN_SERVICE, REVIEWED, CLOSED)
#: Where each step may lead. A reassessment or a revised plan may follow a review; a case
#: may close from any state (the person refused, moved, died).
NEXT: Final[dict[str, frozenset[str]]] = {
    OPENED: frozenset({ASSESSED, CLOSED}),
    ASSESSED: frozenset({ASSESSED, PLANNED, CLOSED}),
    PLANNED: frozenset({PLANNED, IN_SERVICE, REVIEWED, CLOSED}),
    IN_SERVICE: frozenset({IN_SERVICE, REVIEWED, CLOSED}),
    REVIEWED: frozenset({ASSESSED, PLANNED, IN_SERVICE, REVIEWED, CLOSED}),
    CLOSED: frozenset(),
}
LIVING: Final = ("with_family", "alone", "institution", "street", "other")
RISK_LEVELS: Final = ("low", "medium", "high")


class CaseError(TerpaduError, ValueError):
    """A case step that cannot be taken; the message says why, in Bahasa Indonesia."""

    code = "case"


class CaseStateError(CaseError):
    """A step the case's state does not allow now (e.g. a service before the plan)."""

    code = "case_state"


@cache
def _codes(table: str) -> tuple[str, ...]:
    return tuple(section(f"cases.{table}"))  # in the order of the file (the regulation)


def ppks_codes() -> tuple[str, ...]:
    """The PPKS category codes ("01" … "26")."""
    return _codes("ppks")


def atensi_codes() -> tuple[str, ...]:
    """The ATENSI service codes (hidup_layak, perawatan, …)."""
    return _codes("atensi")


def closure_reasons() -> tuple[str, ...]:
    """Why a case may close (goals_met, referred, moved, died, refused, …)."""
    return _codes("closure")


def check_code(value: str, allowed: tuple[str, ...], what: str) -> str:
    """``value`` (trimmed) when ``allowed`` holds it, else an error naming the choices."""
    value = value.strip()
    if value not in allowed:
        raise CaseError(f"{what} '{value}' tidak dikenal; pilih salah satu: {', '.join(allowed)}.")
    return value


def check_categories(values: list[str] | tuple[str, ...]) -> list[str]:
    """The PPKS codes of a case, at least one, each known, without repeats, in order."""
    codes = sorted({check_code(v.zfill(2), ppks_codes(), "Kategori PPKS") for v in values})
    if not codes:
        raise CaseError("Pilih sedikitnya satu kategori PPKS.")
    return codes
