"""Identity numbers and names: NIK and KK checks, Excel-damage repair, name normalisation.

Pure functions with no I/O. Each check has a scalar form (rich result, Bahasa messages) and a
vectorised polars form (codes only, for millions of rows); :data:`ISSUE_MESSAGES` gives a
generic message for every code.

The submodules ``nik``, ``names``, ``repair`` and ``issue`` are public too; import their
other names from them (``names.name_tokens``, ``names.normalize_name_expr``,
``names.split_patronymic``, ``nik.nik_birth_year``, ``nik.nik_birth_year_expr``,
``repair.Repair``).
"""

from terpadu.identity.issue import ISSUE_MESSAGES, Issue
from terpadu.identity.names import normalize_name, normalize_name_series
from terpadu.identity.nik import (
    KkCheck,
    NikCheck,
    check_kk,
    check_kk_frame,
    check_nik,
    check_nik_frame,
    compare_nik_with_stated,
    nik_birth_date_expr,
    nik_birth_frame,
)
from terpadu.identity.repair import repair_identity_frame, repair_identity_number

__all__ = [
    "ISSUE_MESSAGES",
    "Issue",
    "KkCheck",
    "NikCheck",
    "check_kk",
    "check_kk_frame",
    "check_nik",
    "check_nik_frame",
    "compare_nik_with_stated",
    "nik_birth_date_expr",
    "nik_birth_frame",
    "normalize_name",
    "normalize_name_series",
    "repair_identity_frame",
    "repair_identity_number",
]
