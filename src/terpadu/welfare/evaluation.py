"""Targeting accuracy of a welfare ranking: inclusion and exclusion error, rank correlation.

Definitions (docs/welfare.md): at a cut ``q`` (e.g. 0.40), a family is *selected*
when its predicted welfare puts it in the poorest ``q`` of the ranking (national
percentile ≤ 100·q, ties sharing a rank, as in the production desil), and *truly
poor* when its measured consumption per capita puts it in the poorest ``q`` by
the same rule. Exclusion error = truly poor not selected / truly poor; inclusion
error = selected not truly poor / selected. With a poverty line, the same two
errors are also given with "truly poor" = consumption below the line.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

CUTS: tuple[float, ...] = (0.10, 0.20, 0.30, 0.40)
#: The published field result for Indonesia's PMT (Alatas et al., AER 2012).
ALATAS_2012 = {"error_rate": 0.30, "inclusion": 0.18, "exclusion": 0.52}

Array = npt.NDArray[np.float64]


def rank_positions(values: Array, method: str = "min") -> Array:
    """1-based ranks; ties share the lowest rank (``min``) or their mean (``average``)."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    if method == "min":
        sorted_ranks = (starts[group] + 1).astype(np.float64)
    else:
        ends = np.append(starts[1:], n)
        sorted_ranks = (starts[group] + ends[group] - 1) / 2.0 + 1.0
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = sorted_ranks
    return ranks


def in_bottom(values: Array, cut: float) -> npt.NDArray[np.bool_]:
    """Members of the poorest ``cut`` share: rank position (ties → lowest) below cut·N."""
    n = len(values)
    ranks = rank_positions(values)
    return np.asarray((ranks - 1) * 100 < round(cut * 100) * n)


def _errors(selected: npt.NDArray[np.bool_], poor: npt.NDArray[np.bool_]) -> dict[str, Any]:
    n_sel = int(selected.sum())
    n_poor = int(poor.sum())
    inclusion = float((selected & ~poor).sum() / n_sel) if n_sel else None
    exclusion = float((poor & ~selected).sum() / n_poor) if n_poor else None
    return {"selected": n_sel, "poor": n_poor, "inclusion": inclusion, "exclusion": exclusion}


def targeting_errors(
    truth: Array,
    predicted: Array,
    cuts: tuple[float, ...] = CUTS,
    poverty_line: float | None = None,
    selected_mask: dict[float, npt.NDArray[np.bool_]] | None = None,
    poor_mask: dict[float, npt.NDArray[np.bool_]] | None = None,
) -> list[dict[str, Any]]:
    """Inclusion and exclusion error at each cut (truth and prediction in log consumption).

    ``selected_mask``/``poor_mask`` let a caller evaluate a subset (a region) with the
    national selection, not a selection re-ranked inside the subset.
    """
    rows = []
    for cut in cuts:
        selected = selected_mask[cut] if selected_mask else in_bottom(predicted, cut)
        poor = poor_mask[cut] if poor_mask else in_bottom(truth, cut)
        row: dict[str, Any] = {"cut": cut, **_errors(selected, poor)}
        if poverty_line is not None:
            below = truth < np.log(poverty_line)
            line = _errors(selected, below)
            row["inclusion_garis"] = line["inclusion"]
            row["exclusion_garis"] = line["exclusion"]
        rows.append(row)
    return rows


def spearman(truth: Array, predicted: Array) -> float | None:
    """Spearman rank correlation (None for fewer than 3 families or a constant input)."""
    if len(truth) < 3 or np.all(truth == truth[0]) or np.all(predicted == predicted[0]):
        return None
    return float(
        np.corrcoef(rank_positions(truth, "average"), rank_positions(predicted, "average"))[0, 1]
    )


def evaluate(
    truth: Array,
    predicted: Array,
    provinces: list[str],
    kabkota: list[str],
    poverty_line: float | None = None,
    cuts: tuple[float, ...] = CUTS,
) -> dict[str, Any]:
    """National errors at every cut, Spearman, R², and the same by province and kab/kota."""
    resid = truth - predicted
    total = float(((truth - truth.mean()) ** 2).sum())
    report: dict[str, Any] = {
        "n": len(truth),
        "cuts": targeting_errors(truth, predicted, cuts, poverty_line),
        "spearman": spearman(truth, predicted),
        "r2": 1.0 - float((resid**2).sum()) / total if total > 0 else None,
        "rmse": float(np.sqrt((resid**2).mean())) if len(truth) else None,
    }
    selected = {c: in_bottom(predicted, c) for c in cuts}
    poor = {c: in_bottom(truth, c) for c in cuts}
    for key, codes in (("by_province", provinces), ("by_kabkota", kabkota)):
        labels = np.asarray(codes)
        regions = []
        for code in sorted(set(codes)):
            mask = labels == code
            regions.append(
                {
                    "kode": code,
                    "n": int(mask.sum()),
                    "spearman": spearman(truth[mask], predicted[mask]),
                    "cuts": targeting_errors(
                        truth[mask],
                        predicted[mask],
                        cuts,
                        poverty_line,
                        {c: s[mask] for c, s in selected.items()},
                        {c: p[mask] for c, p in poor.items()},
                    ),
                }
            )
        report[key] = regions
    return report


def targeting_loss(truth: Array, predicted: Array, cut: float = 0.40) -> float:
    """The selection criterion: inclusion + exclusion error at ``cut``."""
    row = targeting_errors(truth, predicted, (cut,))[0]
    return float((row["inclusion"] or 0.0) + (row["exclusion"] or 0.0))
