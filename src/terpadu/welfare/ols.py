"""The OLS baseline PMT: log consumption per capita on the proxies plus kab/kota effects.

This is the method TNP2K/BPS use. Region effects are kab/kota fixed effects
(dummies, the largest kab/kota in the survey as reference). A kab/kota the
survey never saw gets its province's mean effect, or the overall mean, weighted
by survey families. The fitted model is a plain linear SQL expression, so the
registry is scored inside DuckDB or Spark without leaving the engine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def sql_number(value: float) -> str:
    """A float as an SQL DOUBLE literal (exponent form: both engines parse it as DOUBLE)."""
    return format(float(value), ".17e")


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class OlsModel:
    """Coefficients by feature name, the intercept and the region effects."""

    intercept: float
    coefficients: dict[str, float]
    kab_effects: dict[str, float]
    province_effects: dict[str, float] = field(default_factory=dict)
    default_effect: float = 0.0

    def region_effect(self, kab: str) -> float:
        if kab in self.kab_effects:
            return self.kab_effects[kab]
        return self.province_effects.get(kab[:2], self.default_effect)

    def predict(self, x: Array, names: list[str], kabkota: list[str]) -> Array:
        """Predicted log consumption for rows of ``x`` (columns named ``names``)."""
        beta = np.array([self.coefficients.get(n, 0.0) for n in names])
        effects = np.array([self.region_effect(k) for k in kabkota], dtype=np.float64)
        return np.asarray(self.intercept + x @ beta + effects, dtype=np.float64)

    def score_sql(self, features: str) -> str:
        """``SELECT`` keys and ``pmt_score`` (rounded to 6 decimals) over a features table."""
        terms = [sql_number(self.intercept)]
        for name, coef in self.coefficients.items():
            if coef != 0.0:
                terms.append(f"{sql_number(coef)} * {name}")
        terms.append("coalesce(ke.effect, pe.effect, " + sql_number(self.default_effect) + ")")
        kab_values = (
            ", ".join(
                f"({sql_text(k)}, {sql_number(v)})" for k, v in sorted(self.kab_effects.items())
            )
            or f"('', {sql_number(0.0)})"
        )
        prov_values = (
            ", ".join(
                f"({sql_text(k)}, {sql_number(v)})"
                for k, v in sorted(self.province_effects.items())
            )
            or f"('', {sql_number(0.0)})"
        )
        expression = "\n             + ".join(terms)
        return f"""
        SELECT x.family_id, x.kode_wilayah, x.kode_provinsi, x.kode_kabkota,
               round({expression}, 6) AS pmt_score
        FROM {features} x
        LEFT JOIN (VALUES {kab_values}) AS ke(kode, effect) ON ke.kode = x.kode_kabkota
        LEFT JOIN (VALUES {prov_values}) AS pe(kode, effect) ON pe.kode = x.kode_provinsi
        """

    def to_dict(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "coefficients": self.coefficients,
            "kab_effects": self.kab_effects,
            "province_effects": self.province_effects,
            "default_effect": self.default_effect,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OlsModel:
        return cls(
            intercept=float(data["intercept"]),
            coefficients={k: float(v) for k, v in data["coefficients"].items()},
            kab_effects={k: float(v) for k, v in data["kab_effects"].items()},
            province_effects={k: float(v) for k, v in data.get("province_effects", {}).items()},
            default_effect=float(data.get("default_effect", 0.0)),
        )


def fit_ols(x: Array, y: Array, names: list[str], kabkota: list[str]) -> OlsModel:
    """Least squares of ``y`` on ``x`` with an intercept and kab/kota dummies.

    Features constant in the sample get coefficient 0 (they cannot be estimated);
    remaining collinearity is resolved by the minimum-norm solution.
    """
    counts = Counter(kabkota)
    reference = sorted(counts, key=lambda k: (-counts[k], k))[0]
    others = sorted(k for k in counts if k != reference)
    varying = [j for j in range(x.shape[1]) if np.ptp(x[:, j]) > 0]
    labels = np.asarray(kabkota)
    dummies = (
        np.column_stack([(labels == k).astype(np.float64) for k in others])
        if others
        else (np.empty((len(y), 0)))
    )
    design = np.column_stack([np.ones(len(y)), x[:, varying], dummies])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    coefficients = dict.fromkeys(names, 0.0)
    for position, j in enumerate(varying):
        coefficients[names[j]] = float(solution[1 + position])
    kab_effects = {reference: 0.0}
    for position, kab in enumerate(others):
        kab_effects[kab] = float(solution[1 + len(varying) + position])
    by_province: dict[str, list[tuple[float, int]]] = {}
    for kab, effect in kab_effects.items():
        by_province.setdefault(kab[:2], []).append((effect, counts[kab]))
    province_effects = {
        prov: sum(e * n for e, n in pairs) / sum(n for _, n in pairs)
        for prov, pairs in by_province.items()
    }
    default = sum(kab_effects[k] * counts[k] for k in counts) / len(kabkota)
    return OlsModel(float(solution[0]), coefficients, kab_effects, province_effects, default)
