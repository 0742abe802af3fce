"""The TKPK part of the report page (/laporan): the profile's sections beyond the ranking,
the roll-up of a province's kab/kota, the drill-down trail, the map, and their downloads.

Every read goes through :func:`terpadu.web.services.scoped_region`: a region outside the
reader's is not found. The reports hold counts only, no personal data.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from terpadu.editions import EditionNotFound
from terpadu.files.tables import csv_text
from terpadu.files.xlsx_out import XLSX_MEDIA_TYPE, xlsx_bytes
from terpadu.locale import text
from terpadu.regions import children
from terpadu.registry import region_name
from terpadu.reports.tkpk import ReportError, province_rollup, region_profile
from terpadu.reports.tkpk.choropleth import BoundariesError, choropleth, load_boundaries
from terpadu.reports.tkpk.model import Report, Table
from terpadu.reports.tkpk.render import cell, chart_svg, report_pdf, report_xlsx
from terpadu.web import services
from terpadu.web.deps import Lang, SessionDep, StateDep
from terpadu.web.errors import WebError

router = APIRouter(include_in_schema=False)

#: The profile's sections the page adds below its own desil and deprivation parts.
PAGE_SECTIONS = ("program", "mutu", "layanan", "indikator")
LEVELS = (2, 4, 6, 10)


def _file_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", value).strip("_") or "nasional"


def _report(state: Any, user: Any, wilayah: str, lang: str, kind: str) -> Report:
    """The profile or roll-up of a region within the reader's scope."""
    code = services.scoped_region(user, wilayah or None)
    try:
        if kind == "rekap":
            return province_rollup(state.engine, code, lang=lang)
        return region_profile(state.engine, code or "nasional", lang=lang)
    except ReportError as exc:
        raise WebError(422, "report_refused", str(exc)) from exc
    except EditionNotFound as exc:
        raise WebError(404, "not_found", str(exc)) from exc


def breadcrumb(user_region: str | None, code: str, lang: str) -> list[tuple[str, str]]:
    """(code, name) from the top of the reader's scope down to ``code``."""
    top = user_region or ""
    trail = [(top, region_name(top) if top else text("tkpk.national", lang))]
    trail += [(code[:n], region_name(code[:n])) for n in LEVELS if len(top) < n <= len(code)]
    return trail


def _map(state: Any, code: str, poverty: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """The choropleth of the regions below ``code`` (share of families in desil 1-4), or why
    there is none."""
    path = state.settings.boundaries_file
    below = children(code or None) if len(code) < 10 else []
    if not below:
        return {}
    if path is None:
        return {"map_note": text("tkpk.map_none", lang)}
    shares = {
        s["kode"]: float(s["persen_desil_1_4"]) for s in (poverty or {}).get("subregions", [])
    }
    values = {r.code: (r.name, shares.get(r.code)) for r in below}
    try:
        drawn = choropleth(
            load_boundaries(path),
            values,
            title=text("tkpk.map_title", lang),
            lang=lang,
            legend_none=text("tkpk.map_no_data", lang),
            link="/laporan?wilayah=",
        )
    except BoundariesError as exc:
        return {"map_note": text("tkpk.map_broken", lang, reason=str(exc))}
    if drawn is None:
        return {"map_note": text("tkpk.map_level_missing", lang)}
    return {"map_svg": drawn}


def page_context(
    state: Any, user: Any, wilayah: str, poverty: dict[str, Any] | None, lang: str
) -> dict[str, Any]:
    """What /laporan shows beyond the ranking: the trail, the map, the profile's other
    sections and, for a province, the roll-up of its kab/kota."""
    try:
        code = services.scoped_region(user, wilayah or None)
    except WebError as exc:
        if exc.code == "invalid_region":
            return {}
        raise
    profile = region_profile(state.engine, code or "nasional", lang=lang)
    context: dict[str, Any] = {
        "tkpk_region": code,
        "trail": breadcrumb(user.region, code, lang),
        "tkpk_sections": [s for s in profile.sections if s.key in PAGE_SECTIONS],
        "tkpk_edition": profile.edition,
        "chart_svg": lambda chart: chart_svg(chart, lang),
        "cell": lambda table, column, value: cell(table, column, value, lang),
        **_map(state, code, poverty, lang),
    }
    if len(code) == 2:
        context["rollup"] = province_rollup(state.engine, code, lang=lang)
    return context


def _download(body: bytes | str, name: str, media: str) -> Response:
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _document(state: Any, session: Any, wilayah: str, lang: str, kind: str, fmt: str) -> Response:
    if fmt not in ("pdf", "xlsx"):
        raise services.not_found()
    report = _report(state, session.user, wilayah, lang, kind)
    name = f"{'profil' if kind == 'profil' else 'rekap'}-{_file_part(report.region)}.{fmt}"
    if fmt == "pdf":
        return _download(report_pdf(report), name, "application/pdf")
    return _download(report_xlsx(report), name, XLSX_MEDIA_TYPE)


@router.get("/laporan/profil.{fmt}")
def profile_document(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The region's TKPK poverty profile as PDF or XLSX."""
    return _document(state, session, wilayah, lang, "profil", fmt)


@router.get("/laporan/rekap.{fmt}")
def rollup_document(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The province's kab/kota roll-up as PDF or XLSX."""
    return _document(state, session, wilayah, lang, "rekap", fmt)


@router.get("/laporan/tabel/{key}.{fmt}")
def table_download(
    key: str,
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """One table of the profile (or of the roll-up) as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise services.not_found()
    kind = "rekap" if key == "rekap_kabkota" else "profil"
    table: Table | None = _report(state, session.user, wilayah, lang, kind).table(key)
    if table is None:
        raise services.not_found()
    code = services.scoped_region(session.user, wilayah or None)
    name = f"{key}-{_file_part(code)}.{fmt}"
    if fmt == "csv":
        return _download(csv_text(table.frame), name, "text/csv; charset=utf-8")
    return _download(xlsx_bytes(table.frame, key[:31]), name, XLSX_MEDIA_TYPE)
