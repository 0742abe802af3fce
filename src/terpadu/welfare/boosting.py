"""The gradient-boosted PMT (LightGBM): same proxies, kab/kota as a categorical feature.

Trees capture thresholds and interactions a linear PMT misses. The model is kept
as LightGBM's text dump inside the JSON artefact, and scores Arrow batches of
the feature table (trees are not an SQL expression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Array = npt.NDArray[np.float64]

PARAMS: dict[str, Any] = {
    "objective": "regression",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 30,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_cat_to_onehot": 8,
    "cat_smooth": 20.0,
    "num_threads": 2,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}
ROUNDS = 400
BATCH_ROWS = 500_000


@dataclass(frozen=True)
class BoostedModel:
    """A LightGBM booster with the feature order and kab/kota category codes it expects."""

    model_text: str
    features: list[str]
    kab_codes: list[str]  # category index i ↔ kab_codes[i]; unseen kab → missing

    def _matrix(self, x: Array, kabkota: list[str]) -> Array:
        index = {k: float(i) for i, k in enumerate(self.kab_codes)}
        kab = np.array([index.get(k, np.nan) for k in kabkota], dtype=np.float64)
        return np.column_stack([x, kab])

    def predict(self, x: Array, kabkota: list[str]) -> Array:
        import lightgbm as lgb

        booster = lgb.Booster(model_str=self.model_text)
        return np.asarray(booster.predict(self._matrix(x, kabkota)), dtype=np.float64)

    def predict_arrow(self, table: pa.Table) -> Array:
        """Scores for an Arrow feature table (KEY_COLUMNS + features), batch by batch."""
        import lightgbm as lgb

        booster = lgb.Booster(model_str=self.model_text)
        out: list[Array] = []
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            x = np.column_stack(
                [batch.column(batch.schema.get_field_index(n)).to_numpy() for n in self.features]
            ).astype(np.float64)
            kab = batch.column(batch.schema.get_field_index("kode_kabkota")).to_pylist()
            out.append(np.asarray(booster.predict(self._matrix(x, kab)), dtype=np.float64))
        return np.concatenate(out) if out else np.empty(0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_text": self.model_text,
            "features": self.features,
            "kab_codes": self.kab_codes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoostedModel:
        return cls(data["model_text"], list(data["features"]), list(data["kab_codes"]))


def fit_boosted(
    x: Array, y: Array, names: list[str], kabkota: list[str], seed: int = 2026
) -> BoostedModel:
    """Fit LightGBM on log consumption per capita."""
    import lightgbm as lgb

    kab_codes = sorted(set(kabkota))
    model = BoostedModel("", list(names), kab_codes)
    matrix = model._matrix(x, kabkota)
    data = lgb.Dataset(
        matrix,
        label=y,
        feature_name=[*names, "kode_kabkota"],
        categorical_feature=[len(names)],
        free_raw_data=True,
    )
    params = {**PARAMS, "seed": seed}
    booster = lgb.train(params, data, num_boost_round=ROUNDS)
    return BoostedModel(booster.model_to_string(), list(names), kab_codes)
