"""What Terpadu's desil is relative to: the families of this registry, in the region they cover.

The desil ``terpadu rank`` computes ranks the families in the registry against each other. A
kabupaten's registry holds one kabupaten: its desil 1 is the poorest tenth of that kabupaten,
not the nation's (the national DTSEN desil, when the sender has it, is imported as
``DESIL_NASIONAL``). Every page, export and report that shows the computed desil names it for
what it is with :func:`desil_scope`: "desil relatif (registri: Kabupaten Serang)".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from terpadu.regions import RegionCodeError, get_region


@dataclass(frozen=True)
class DesilScope:
    """The region a registry-relative desil covers, and its labels."""

    region_code: (
        str | None
    )  # the smallest region holding every ranked family; None: several provinces
    region_name: str

    @property
    def label(self) -> str:
        return f"desil relatif (registri: {self.region_name})"

    @property
    def label_en(self) -> str:
        return f"registry-relative desil (registry: {self.region_name})"


def scope_of(kabkota_codes: Iterable[str | None]) -> DesilScope:
    """The scope of a ranking over families of these kab/kota: one kab/kota by name, a
    province by name with its number of kab/kota, else the number of provinces."""
    codes = sorted({c[:4] for c in kabkota_codes if c})
    if not codes:
        return DesilScope(None, "belum ada keluarga berperingkat")
    if len(codes) == 1:
        return DesilScope(codes[0], _name(codes[0]))
    provinces = sorted({c[:2] for c in codes})
    if len(provinces) == 1:
        return DesilScope(provinces[0], f"{len(codes)} kab/kota di {_name(provinces[0])}")
    return DesilScope(None, f"{len(codes)} kab/kota di {len(provinces)} provinsi")


def _name(code: str) -> str:
    try:
        region = get_region(code)
    except RegionCodeError:
        return code
    return region.name if region is not None else code


def desil_scope(engine: Engine) -> DesilScope:
    """The scope of the current ranking in the registry."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT DISTINCT kode_kabkota FROM family_welfare WHERE is_current = 1")
        ).all()
    return scope_of(r[0] for r in rows)
