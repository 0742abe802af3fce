"""Why two registrations scored as they did: each comparison's level, weight and values.

The explanation is stored with each pair queued for clerical review and shown to the clerk.
"""

from __future__ import annotations

import math
from typing import Any, Final

#: Comparison → the prepared column shown for it in explanations.
SHOWN: Final[dict[str, str]] = {
    "nik": "nik",
    "dob": "dob",
    "sex": "sex",
    "name": "name_norm",
    "household": "mother_key",
    "region": "desa",
}


def explain(pair: dict[str, Any], settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Each comparison's level, match weight (log2 Bayes factor) and the two values."""
    labels: dict[tuple[str, int], str] = {}
    for comparison in settings.get("comparisons", []):
        name = comparison.get("output_column_name", "")
        levels = [
            lv for lv in comparison.get("comparison_levels", []) if not lv.get("is_null_level")
        ]
        for i, level in enumerate(levels):
            labels[(name, len(levels) - 1 - i)] = str(level.get("label_for_charts", ""))
    out: list[dict[str, Any]] = []
    for name, column in SHOWN.items():
        gamma = pair.get(f"gamma_{name}")
        if gamma is None:
            continue
        weight: float | None
        if pair.get(f"mw_{name}") is not None:  # Splink 5: match weights per comparison
            weight = float(pair[f"mw_{name}"]) + float(pair.get(f"mw_tf_adj_{name}") or 0.0)
        else:
            bf = float(pair.get(f"bf_{name}") or 1.0) * float(pair.get(f"bf_tf_adj_{name}") or 1.0)
            weight = math.log2(bf) if bf > 0 else None
        out.append(
            {
                "comparison": name,
                "level": "kosong" if gamma == -1 else labels.get((name, int(gamma)), str(gamma)),
                "weight": None if weight is None else round(weight, 2),
                "left": pair.get(f"{column}_l"),
                "right": pair.get(f"{column}_r"),
            }
        )
    if pair.get("mw_family"):
        out.append(
            {
                "comparison": "family",
                "level": f"{pair.get('family_support')} pasangan anggota lain dari kedua keluarga cocok",
                "weight": round(float(pair["mw_family"]), 2),
                "left": None,
                "right": None,
            }
        )
    return out
