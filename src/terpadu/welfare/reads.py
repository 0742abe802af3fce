"""A family's current welfare ranking, as the family record shows it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, text

from terpadu.registry.families import iso
from terpadu.welfare.scope import desil_scope


@dataclass(frozen=True)
class FamilyWelfare:
    """The family's row of the current ranking run, and what its desil is relative to."""

    pmt_score: float
    persentil: int
    desil: int
    rank_nasional: int | None
    rank_provinsi: int | None
    rank_kabkota: int | None
    skor_deprivasi: float | None
    dimensi_deprivasi: list[str]
    indikator_deprivasi: list[str]
    skor_dimensi: dict[str, float]
    miskin_multidimensi: bool
    model_version: str
    ranked_at: str | None
    cakupan: str  # the region the registry-relative desil covers (desil_scope)


def _names(joined: str | None) -> list[str]:
    return [name for name in (joined or "").split(";") if name]


def current_welfare(engine: Engine, family_id: int) -> FamilyWelfare | None:
    """The family's current ranking; None when no current run ranked it."""
    with engine.connect() as conn:
        w = conn.execute(
            text(
                "SELECT pmt_score, persentil, desil, rank_nasional, rank_provinsi, rank_kabkota, "
                "skor_deprivasi, dimensi_deprivasi, indikator_deprivasi, skor_dimensi, "
                "miskin_multidimensi, model_version, ranked_at FROM family_welfare "
                "WHERE family_id = :id AND is_current = 1 ORDER BY id DESC LIMIT 1"
            ),
            {"id": family_id},
        ).first()
    if w is None:
        return None
    try:
        dims = json.loads(w.skor_dimensi) if w.skor_dimensi else {}
    except ValueError:
        dims = {}
    return FamilyWelfare(
        pmt_score=w.pmt_score,
        persentil=w.persentil,
        desil=w.desil,
        rank_nasional=w.rank_nasional,
        rank_provinsi=w.rank_provinsi,
        rank_kabkota=w.rank_kabkota,
        skor_deprivasi=w.skor_deprivasi,
        dimensi_deprivasi=_names(w.dimensi_deprivasi),
        indikator_deprivasi=_names(w.indikator_deprivasi),
        skor_dimensi=dims,
        miskin_multidimensi=bool(w.miskin_multidimensi),
        model_version=w.model_version,
        ranked_at=iso(w.ranked_at),
        cakupan=desil_scope(engine).region_name,
    )
