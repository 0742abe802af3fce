"""Who reads: the region a reader sees and whether personal data reaches them in full.

The registry's read functions take any object with this shape (the web's logged-in
user has it), so they limit their SQL to the reader's region and mask personal
data (:class:`terpadu.access.Disclosure`) before anything leaves them, without
depending on the face that asks.
"""

from __future__ import annotations

from typing import Protocol

from terpadu.access import FULL_DISCLOSURE, MASKED_DISCLOSURE, Disclosure
from terpadu.regions import RegionCodeError, get_region


class Viewer(Protocol):
    """A reader limited to a region (None: the whole country)."""

    @property
    def region(self) -> str | None: ...

    @property
    def region_prefix(self) -> str: ...

    @property
    def sees_full_nik(self) -> bool: ...

    def covers(self, code: str | None) -> bool: ...


def disclosure_of(viewer: Viewer) -> Disclosure:
    """What of a person ``viewer`` may see (the role's policy in :mod:`terpadu.access`)."""
    return FULL_DISCLOSURE if viewer.sees_full_nik else MASKED_DISCLOSURE


def shown_nik(viewer: Viewer, nik: str | None) -> str | None:
    """The NIK as ``viewer`` may see it."""
    return disclosure_of(viewer).nik(nik)


def region_name(code: str | None) -> str:
    """The name of the region ``code`` ('' when unknown)."""
    if not code:
        return ""
    try:
        region = get_region(code)
    except (RegionCodeError, ValueError):
        return ""
    return region.name if region else ""
