"""Explain one family (``terpadu explain``): its PMT score, desil and ranks, its deprivation
in words, and for every programme whether it is eligible or enrolled and why not.

The family must lie in the reader's region (404 otherwise, as its page); the region code
is shown as the reader's role may see it.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from terpadu.access import disclosure
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import has_text, text
from terpadu.web import services
from terpadu.web.deps import Lang, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.labels import field_label
from terpadu.web.pages._pmt import pmt_breakdown
from terpadu.web.pages.routes import render
from terpadu.welfare.reads import current_welfare

router = APIRouter(include_in_schema=False)


_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _field_words(name: str, lang: str) -> str:
    """A profile or registry field in words: the PMT input's name, the registry field's
    name, else the name with spaces (a rule's values never show code)."""
    for key in (f"pages.pmt_input.{name}", f"pages.pmt_input.{name.removeprefix('n_')}"):
        if has_text(key):
            return text(key, lang)
    label = field_label(name, lang)
    return label if label != name else name.removeprefix("n_").replace("_", " ")


def _fields_in_words(value: str, lang: str) -> str:
    """``jenis_lantai = 8; n_usia_kerja = 2`` with the fields named in words."""
    return _IDENTIFIER.sub(lambda m: _field_words(m.group(0), lang), value)


def _words(key: str, lang: str, fallback: str) -> str:
    return text(key, lang) if has_text(key) else fallback


def dimension_rows(skor: dict[str, float], deprived: list[str], lang: str) -> list[dict[str, Any]]:
    """Each dimension's deprivation share in words (the configuration's label when the
    catalogue has no name for a dimension of an edited configuration)."""
    from terpadu.welfare.deprivation import load_deprivation_config

    labels = {d.name: d.label for d in load_deprivation_config().dimensions}
    return [
        {
            "name": _words(f"pages.dimension.{name}", lang, labels.get(name, name)),
            "share": float(value),
            "deprived": name in deprived,
        }
        for name, value in skor.items()
    ]


def indicator_words(codes: list[str], lang: str) -> list[str]:
    from terpadu.welfare.deprivation import load_deprivation_config

    labels = {i.name: i.label for i in load_deprivation_config().indicators}
    return [_words(f"pages.indicator.{c}", lang, labels.get(c, c)) for c in codes]


def reason_words(code: str, fallback: str, lang: str, desil: tuple[int, int] | None = None) -> str:
    """A targeting reason in words: the catalogue's, else the programme's own label (a
    condition's label is the programme file's)."""
    if code == "desil" and desil is not None:
        return text("pages.reason_desil", lang, low=desil[0], high=desil[1])
    if code.startswith("syarat:"):
        return text("pages.reason_condition", lang, label=fallback.split(": ", 1)[-1])
    return _words(f"pages.reason.{code}", lang, fallback)


def _desil(catalogue: Any, program: str) -> tuple[int, int] | None:
    found = catalogue.programs.get(program)
    return None if found is None else (found.desil[0], found.desil[1])


@router.get("/keluarga/{family_ref}/penjelasan", response_class=HTMLResponse)
def explain_page(
    request: Request, family_ref: str, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    # imported here: targeting loads NumPy and Arrow, which other pages skip
    from terpadu.targeting import explain_family, load_catalogue

    user = session.user
    family_id = services.family_id_or_404(state.engine, user, family_ref)
    programs_dir = state.settings.programs_dir
    try:
        catalogue = load_catalogue(programs_dir if programs_dir.is_dir() else None)
        result = explain_family(state.engine, f"KLG{family_id:010d}", catalogue=catalogue)
    except TerpaduError as exc:
        raise WebError(400, exc.code, error_words(exc, lang)) from None
    user.actor.require_region(result.kode_wilayah)
    welfare = current_welfare(state.engine, family_id)
    shown = disclosure(user)
    programs = [
        {
            "p": p,
            # A rule's values quote the recipient's NIK: masked for a masked reader.
            "checks": [
                (
                    c.rule_in(lang),
                    _fields_in_words(shown.text(c.value_in(lang)) or "", lang),
                    c.passed,
                )
                for c in p.checks
            ],
            "fixes": [shown.text(f.say(lang)) for f in p.fixes],
            "decision": p.decision_in(lang),
            "reasons": [
                reason_words(code, label, lang, _desil(catalogue, p.program))
                for code, label in p.reasons
            ],
        }
        for p in result.programs
    ]
    return render(
        request,
        state,
        "pages/explain.html",
        lang,
        session,
        x=result,
        region=shown.region(result.kode_wilayah),
        w=welfare,
        dims=dimension_rows(welfare.skor_dimensi, welfare.dimensi_deprivasi, lang)
        if welfare
        else [],
        indicators=indicator_words(welfare.indikator_deprivasi, lang) if welfare else [],
        parts=pmt_breakdown(
            state.engine,
            state.settings.pmt_models_dir,
            family_id,
            welfare.model_version,
            welfare.pmt_score,
            lang,
        )
        if welfare
        else None,
        programs=programs,
    )
