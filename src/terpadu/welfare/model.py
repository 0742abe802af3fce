"""The PMT model artefact: fit both models, evaluate out of sample, select, save as JSON.

``fit_pmt`` reads survey files, derives the proxies with the same SQL used on the
registry, and runs K-fold cross-validation of the OLS baseline and the
gradient-boosted model. Every family's out-of-fold prediction gives honest
(out-of-sample) inclusion/exclusion errors at the 10/20/30/40 % cuts, Spearman
rank correlation, and the same by province and kab/kota. The model with the
lower cross-validated targeting error at the 40 % cut (inclusion + exclusion)
is selected; the tree model must beat OLS by ``min_gain`` to be chosen, since
OLS is transparent and runs as SQL everywhere. Both fitted models, the
evaluation and the training files' checksums go into one versioned JSON file
under ``settings.data_dir / "models" / "pmt"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from terpadu.engine import DuckDBEngine
from terpadu.errors import TerpaduError
from terpadu.welfare.boosting import BoostedModel, fit_boosted
from terpadu.welfare.evaluation import ALATAS_2012, CUTS, evaluate, targeting_loss
from terpadu.welfare.features import FEATURE_NAMES, features_sql, profile_sql
from terpadu.welfare.ols import OlsModel, fit_ols
from terpadu.welfare.survey import read_survey

Array = npt.NDArray[np.float64]
ModelKind = Literal["ols", "lgbm"]
FORMAT = "terpadu-pmt/1"
DEFAULT_POVERTY_LINE = 595_242.0  # BPS, September 2024, Rp per person per month


class ModelNotFound(TerpaduError, LookupError):
    """No PMT model with that version (or none at all) in the models folder."""

    code = "model_not_found"


@dataclass(frozen=True)
class PmtModel:
    """A fitted, evaluated PMT: both models, which one is selected, and why."""

    version: str
    created_at: dt.datetime
    selected: ModelKind
    features: list[str]
    ols: OlsModel
    boosted: BoostedModel
    evaluation: dict[str, Any]
    training: dict[str, Any]
    path: Path | None = None

    def predict(self, x: Array, kabkota: list[str], kind: ModelKind | None = None) -> Array:
        """Predicted log consumption per capita with the selected (or named) model."""
        if (kind or self.selected) == "ols":
            return self.ols.predict(x, self.features, kabkota)
        return self.boosted.predict(x, kabkota)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": self.version,
                "created_at": self.created_at.isoformat(),
                "selected": self.selected,
                "features": self.features,
                "ols": self.ols.to_dict(),
                "lgbm": self.boosted.to_dict(),
                "evaluation": self.evaluation,
                "training": self.training,
            },
            indent=1,
            sort_keys=False,
        )

    def save(self, models_dir: Path) -> Path:
        """Write the artefact into ``models_dir`` (the settings' ``pmt_models_dir``)."""
        folder = models_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.version}.json"
        path.write_text(self.to_json())
        return path

    @classmethod
    def from_json(cls, text: str, path: Path | None = None) -> PmtModel:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: bukan artefak model PMT ({FORMAT})")
        return cls(
            version=data["version"],
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            selected=data["selected"],
            features=list(data["features"]),
            ols=OlsModel.from_dict(data["ols"]),
            boosted=BoostedModel.from_dict(data["lgbm"]),
            evaluation=data["evaluation"],
            training=data["training"],
            path=path,
        )


def list_models(models_dir: Path) -> list[PmtModel]:
    """Every saved model in ``models_dir``, oldest first."""
    folder = models_dir
    if not folder.exists():
        return []
    models = [PmtModel.from_json(p.read_text(), p) for p in sorted(folder.glob("pmt-*.json"))]
    return sorted(models, key=lambda m: (m.created_at, m.version))


def load_model(version: str | None, models_dir: Path) -> PmtModel:
    """The model with ``version`` in ``models_dir``, or the newest one (``version`` None)."""
    folder = models_dir
    if version is not None:
        path = folder / f"{version}.json"
        if not path.exists():
            raise ModelNotFound(f"model PMT {version!r} tidak ada di {folder}")
        return PmtModel.from_json(path.read_text(), path)
    models = list_models(folder)
    if not models:
        raise ModelNotFound(code="no_pmt_model", folder=str(folder))
    return models[-1]


@dataclass(frozen=True)
class Design:
    """The survey as arrays: features, log consumption, regions."""

    x: Array
    y: Array
    provinces: list[str]
    kabkota: list[str]


def survey_design(
    survey_keluarga: Path, survey_anggota: Path, reference_date: dt.date
) -> tuple[Design, dict[str, Any]]:
    """Read the survey and derive the feature matrix with the registry's SQL (DuckDB)."""
    import polars as pl

    survey = read_survey(survey_keluarga, survey_anggota, today=reference_date)
    duck = DuckDBEngine()
    try:
        duck.register_arrow("families", survey.families.to_arrow())
        duck.register_arrow("persons", survey.persons.to_arrow())
        table = duck.sql(
            features_sql(f"({profile_sql(reference_date)}) AS prof") + " ORDER BY family_id"
        )
    finally:
        duck.close()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.join(
        survey.families.select(pl.col("id").alias("family_id"), "pengeluaran_perkapita"),
        on="family_id",
    )
    design = Design(
        x=frame.select(FEATURE_NAMES).to_numpy().astype(np.float64),
        y=np.log(frame["pengeluaran_perkapita"].to_numpy().astype(np.float64)),
        provinces=frame["kode_provinsi"].to_list(),
        kabkota=frame["kode_kabkota"].to_list(),
    )
    info = {
        "files": {"keluarga": str(survey_keluarga), "anggota": str(survey_anggota)},
        "sha256": survey.sha256,
        "families": frame.height,
        "families_rejected": survey.families_rejected,
        "persons_rejected": survey.persons_rejected,
        "families_without_consumption": survey.families_without_consumption,
        "families_without_members": survey.families.height - frame.height,
        "reference_date": reference_date.isoformat(),
    }
    return design, info


def _folds(n: int, k: int, seed: int) -> list[npt.NDArray[np.intp]]:
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(part) for part in np.array_split(order, k)]


def cross_validate(
    design: Design, folds: int, seed: int, progress: Callable[[str], None] | None = None
) -> tuple[dict[ModelKind, Array], dict[ModelKind, list[float]]]:
    """Out-of-fold predictions of both models and each fold's targeting loss; ``progress``
    is told ``pmt_cv`` as each fold starts."""
    n = len(design.y)
    names = list(FEATURE_NAMES)
    oof: dict[ModelKind, Array] = {"ols": np.empty(n), "lgbm": np.empty(n)}
    losses: dict[ModelKind, list[float]] = {"ols": [], "lgbm": []}
    kab = np.asarray(design.kabkota)
    for test in _folds(n, folds, seed):
        if progress is not None:
            progress(FIT_STEPS[1])
        train = np.setdiff1d(np.arange(n), test)
        train_kab = kab[train].tolist()
        test_kab = kab[test].tolist()
        ols = fit_ols(design.x[train], design.y[train], names, train_kab)
        boosted = fit_boosted(design.x[train], design.y[train], names, train_kab, seed)
        oof["ols"][test] = ols.predict(design.x[test], names, test_kab)
        oof["lgbm"][test] = boosted.predict(design.x[test], test_kab)
        for kind in ("ols", "lgbm"):
            losses[kind].append(targeting_loss(design.y[test], oof[kind][test]))
    return oof, losses


#: The steps ``fit_pmt`` tells its progress callback (``pmt_cv`` once per fold: a fit with
#: ``folds`` folds takes ``folds + 3`` steps).
FIT_STEPS = ("pmt_read", "pmt_cv", "pmt_fit", "pmt_save")


def fit_pmt(
    survey_keluarga: Path,
    survey_anggota: Path,
    *,
    folds: int = 5,
    seed: int = 2026,
    min_gain: float = 0.01,
    poverty_line: float = DEFAULT_POVERTY_LINE,
    reference_date: dt.date | None = None,
    models_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> PmtModel:
    """Fit, cross-validate and select a PMT on survey files; save and return the artefact.

    ``progress`` is told each step as it starts (:data:`FIT_STEPS`)."""
    tell = progress or (lambda _step: None)
    tell(FIT_STEPS[0])
    reference_date = reference_date or dt.date.today()
    design, training = survey_design(survey_keluarga, survey_anggota, reference_date)
    if len(design.y) < max(50, 10 * folds):
        raise ValueError(
            f"survei terlalu kecil: {len(design.y)} keluarga dengan pengeluaran terukur "
            f"(minimal {max(50, 10 * folds)})"
        )
    oof, losses = cross_validate(design, folds, seed, progress)
    reports = {
        kind: evaluate(design.y, oof[kind], design.provinces, design.kabkota, poverty_line)
        for kind in ("ols", "lgbm")
    }
    cv_loss = {kind: targeting_errors_sum(reports[kind]) for kind in ("ols", "lgbm")}
    selected: ModelKind = "lgbm" if cv_loss["lgbm"] <= cv_loss["ols"] - min_gain else "ols"
    names = list(FEATURE_NAMES)
    tell(FIT_STEPS[2])
    ols = fit_ols(design.x, design.y, names, design.kabkota)
    boosted = fit_boosted(design.x, design.y, names, design.kabkota, seed)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    digest = hashlib.sha256(
        json.dumps([training["sha256"], folds, seed, min_gain]).encode()
    ).hexdigest()[:8]
    evaluation = {
        "method": f"{folds}-fold cross-validation, out-of-fold predictions (seed {seed})",
        "target": "ln(PENGELUARAN_PERKAPITA), measured survey consumption",
        "cuts": list(CUTS),
        "poverty_line": poverty_line,
        "selection": {
            "criterion": "inclusion + exclusion error at the 40 % cut, out of fold",
            "min_gain": min_gain,
            "ols": cv_loss["ols"],
            "lgbm": cv_loss["lgbm"],
            "fold_losses": losses,
            "selected": selected,
        },
        "models": reports,
        "reference": {"alatas_2012": ALATAS_2012},
    }
    model = PmtModel(
        version=f"pmt-{created:%Y%m%d-%H%M%S}-{digest}",
        created_at=created,
        selected=selected,
        features=names,
        ols=ols,
        boosted=boosted,
        evaluation=evaluation,
        training={**training, "folds": folds, "seed": seed},
    )
    tell(FIT_STEPS[3])
    path = model.save(models_dir)
    return PmtModel(**{**model.__dict__, "path": path})


def targeting_errors_sum(report: dict[str, Any], cut: float = 0.40) -> float:
    """Inclusion + exclusion error at ``cut`` from an evaluation report."""
    row = next(r for r in report["cuts"] if abs(r["cut"] - cut) < 1e-9)
    return float((row["inclusion"] or 0.0) + (row["exclusion"] or 0.0))
