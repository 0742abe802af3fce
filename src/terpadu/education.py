"""Which highest diploma is possible at which age.

A child still in school whose highest diploma (PENDIDIKAN_TERTINGGI) needs more years of
schooling than the child has lived was typed in the wrong column or with the wrong code;
intake warns about it (``education_inconsistent_age``) and targeting then takes the school
level from the age instead (docs/targeting.md, school level).
"""

from __future__ import annotations

from typing import Final

import polars as pl

#: The youngest completed age at which each PENDIDIKAN_TERTINGGI code is possible: the usual
#: age at completion (SD 12, SMP 15, SMA/SMK 18, D1-D3 19, D4/S1 22, S2/S3 24) less one year
#: for early school entry and accelerated classes. Code 0 (no diploma) is possible at any age.
DIPLOMA_MIN_AGE: Final[dict[int, int]] = {1: 11, 2: 14, 3: 17, 4: 18, 5: 20, 6: 22}


def diploma_too_young_sql(age: str, diploma: str) -> str:
    """SQL: TRUE where ``diploma`` is a code that ``age`` (completed years) is too young for;
    FALSE otherwise, also where either is blank."""
    cases = " ".join(f"WHEN {diploma} = {c} THEN {age} < {a}" for c, a in DIPLOMA_MIN_AGE.items())
    return f"coalesce(CASE {cases} ELSE FALSE END, FALSE)"


def diploma_too_young_expr(age: pl.Expr, diploma: pl.Expr) -> pl.Expr:
    """Polars form of :func:`diploma_too_young_sql` (null age or diploma: False)."""
    minimum = diploma.replace_strict(DIPLOMA_MIN_AGE, default=None, return_dtype=pl.Int32)
    return (age < minimum).fill_null(False)
