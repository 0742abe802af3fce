"""What makes up a family's PMT score: each model input's value times its coefficient.

The OLS model is additive: intercept + Σ coefficient × input + the region's effect. The
family's inputs are worked out again with the ranking's own SQL (``profile_sql`` and
``features_sql``) over the family and its current members, at the run's reference date,
so the page shows which of its circumstances push its predicted consumption up or down.
A family registered in two families is counted here as in its own (the ranking counts it
in the newest); the page says when the sum differs from the stored score. The boosted
model is not additive: the page says so rather than inventing shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from terpadu.locale import code_label, has_text
from terpadu.locale import text as words
from terpadu.welfare.features import CATEGORICAL

#: The code table naming each categorical input's values (the column's own, else this one).
CODE_TABLES = {"kepala_pendidikan": "pendidikan_tertinggi", "kepala_pekerjaan": "status_pekerjaan"}
SHOWN = 12  # the largest effects listed; the rest are summed as "other inputs"


@dataclass(frozen=True)
class Contribution:
    label: str
    value: float
    coefficient: float

    @property
    def effect(self) -> float:
        return self.value * self.coefficient


@dataclass
class PmtBreakdown:
    """The score's parts, largest effects first (``kind`` 'boosted': no parts)."""

    kind: str
    stored: float
    intercept: float = 0.0
    region_effect: float = 0.0
    items: list[Contribution] = field(default_factory=list)
    rest: float = 0.0

    @property
    def total(self) -> float:
        return self.intercept + self.region_effect + sum(i.effect for i in self.items) + self.rest

    @property
    def matches(self) -> bool:
        return abs(self.total - self.stored) < 1e-4


def feature_label(name: str, lang: str) -> str:
    """A model input in words: ``lantai_8`` → "Jenis lantai: Tanah"."""
    for column, prefix, codes in CATEGORICAL:
        for code in codes:
            if name == f"{prefix}_{code}":
                head = words(f"pages.pmt_input.{column}", lang)
                return f"{head}: {code_label(CODE_TABLES.get(column, column), code, lang)}"
    key = f"pages.pmt_input.{name}"
    return words(key, lang) if has_text(key) else name


def _reference_date(engine: Engine, family_id: int) -> dt.date:
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT r.reference_date FROM family_welfare w JOIN welfare_run r "
                "ON r.id = w.run_id WHERE w.family_id = :f AND w.is_current = 1 "
                "ORDER BY w.id DESC LIMIT 1"
            ),
            {"f": family_id},
        ).scalar()
    if found is None:
        return dt.date.today()
    return found if isinstance(found, dt.date) else dt.date.fromisoformat(str(found)[:10])


def pmt_breakdown(
    engine: Engine, models_dir: Path, family_id: int, model_version: str, stored: float, lang: str
) -> PmtBreakdown | None:
    """The family's score in parts under the model that ranked it; None when that model's
    file is not in ``models_dir`` (or the family has no active member to profile)."""
    from terpadu.engine.batch import DuckDBEngine
    from terpadu.engine.family import foreign_sql, shared_sql
    from terpadu.targeting.explain import family_tables  # the family in the snapshot layout
    from terpadu.welfare.features import features_sql, profile_sql
    from terpadu.welfare.model import ModelNotFound, load_model

    try:
        model = load_model(model_version, models_dir)
    except ModelNotFound:
        return None
    if model.selected != "ols":
        return PmtBreakdown(kind="boosted", stored=stored)
    families, persons = family_tables(engine, family_id)
    batch = DuckDBEngine()
    try:
        batch.register_arrow("families", families)
        batch.register_arrow("persons", persons)
        batch.materialise("w_foreign", foreign_sql(f"({shared_sql('persons')}) s"))
        profile = profile_sql(_reference_date(engine, family_id), foreign="w_foreign")
        rows = batch.sql(features_sql(f"({profile}) p")).to_pylist()
    finally:
        batch.close()
    if not rows:
        return None
    row = rows[0]
    ols = model.ols
    items = [
        Contribution(feature_label(name, lang), float(row.get(name) or 0.0), coef)
        for name, coef in ols.coefficients.items()
        if coef != 0.0 and row.get(name)
    ]
    items.sort(key=lambda c: abs(c.effect), reverse=True)
    kab = str(row.get("kode_kabkota") or "")
    return PmtBreakdown(
        kind="ols",
        stored=stored,
        intercept=ols.intercept,
        region_effect=ols.region_effect(kab),
        items=items[:SHOWN],
        rest=sum(c.effect for c in items[SHOWN:]),
    )


__all__ = ["Contribution", "PmtBreakdown", "feature_label", "pmt_breakdown"]
