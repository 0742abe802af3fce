"""Identity numbers and names: NIK and KK checks, Excel-damage repair, name normalisation.

Pure functions with no I/O. Each check has a scalar form (rich result, Bahasa messages) and a
vectorised polars form (codes only, for millions of rows); :data:`ISSUE_MESSAGES` gives a
generic message for every code.
"""

from terpadu.identity.issue import ISSUE_MESSAGES, Issue
from terpadu.identity.names import (
    name_tokens,
    normalize_name,
    normalize_name_expr,
    normalize_name_series,
    split_patronymic,
)
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
    nik_birth_year,
    nik_birth_year_expr,
)
from terpadu.identity.repair import Repair, repair_identity_frame, repair_identity_number

__all__ = [
    "ISSUE_MESSAGES",
    "Issue",
    "KkCheck",
    "NikCheck",
    "Repair",
    "check_kk",
    "check_kk_frame",
    "check_nik",
    "check_nik_frame",
    "compare_nik_with_stated",
    "name_tokens",
    "nik_birth_date_expr",
    "nik_birth_frame",
    "nik_birth_year",
    "nik_birth_year_expr",
    "normalize_name",
    "normalize_name_expr",
    "normalize_name_series",
    "repair_identity_frame",
    "repair_identity_number",
    "split_patronymic",
]
