"""Pages that report and hand out files: the dashboard, imports, the poverty report, programmes.

Every table that can be downloaded comes as CSV and as XLSX (identifiers as text cells, so
Excel keeps a NIK's 16 digits); every chart comes as inline SVG and as a PNG image. Every
page reads through the same region-scoped functions as the API.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from terpadu.access import disclosure
from terpadu.files.tables import csv_text
from terpadu.files.xlsx_out import XLSX_MEDIA_TYPE, xlsx_bytes
from terpadu.locale import has_text, text
from terpadu.reports.personal import record_personal_export
from terpadu.targeting.reads import bnba_frame
from terpadu.web import disclosed, services
from terpadu.web import imports as web_imports
from terpadu.web.api.routes import start_import
from terpadu.web.charts import bar_chart, chart_png, hbar_chart
from terpadu.web.dashboard import Dashboard, dashboard
from terpadu.web.deps import CsrfChecked, Lang, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.pages.routes import render
from terpadu.web.pages.tkpk import page_context
from terpadu.welfare.scope import desil_scope

router = APIRouter(include_in_schema=False)

DOWNLOADS = ("csv", "xlsx")


def _download(body: bytes | str, name: str, fmt: str) -> Response:
    media = XLSX_MEDIA_TYPE if fmt == "xlsx" else "text/csv" if fmt == "csv" else "image/png"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _file_part(value: str) -> str:
    """A value as part of a file name: letters, digits, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", value).strip("_") or "semua"


def issue_name(code: str, lang: str) -> str:
    """An import problem's name for people (the code itself when the catalogue has none)."""
    key = f"reports.issue.{code}"
    return text(key, lang) if has_text(key) else code


# -- dashboard ------------------------------------------------------------------------------
def _dashboard_charts(data: Dashboard, scope: str, lang: str) -> dict[str, Any]:
    national = text("reports.national", lang)
    no_region = text("reports.no_region", lang)
    return {
        "desil_chart": bar_chart(
            [(str(d.desil), float(d.keluarga)) for d in data.desil],
            title=text("reports.desil_chart", lang, scope=scope),
            lang=lang,
        ),
        "coverage_chart": bar_chart(
            [(str(d.desil), 100 * d.cakupan) for d in data.desil],
            title=text("reports.coverage_chart", lang),
            lang=lang,
            color="#2b6cb0",
            percent=True,
        ),
        # Every area, by name, as a horizontal bar: the chart grows with the areas.
        "quality_chart": hbar_chart(
            [
                (no_region if q.kode == "-" else q.nama or q.kode, float(q.error + q.warning))
                for q in data.quality
            ],
            title=text("reports.quality_chart", lang),
            lang=lang,
        ),
        "national": national,
    }


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    data = dashboard(state.engine, session.user)
    scope = desil_scope(state.engine).region_name
    return render(
        request,
        state,
        "dashboard.html",
        lang,
        session,
        data=data,
        scope=scope,
        issue_name=issue_name,
        **_dashboard_charts(data, scope, lang),
    )


# -- import ---------------------------------------------------------------------------------
def _import_form(
    request: Request,
    state: StateDep,
    lang: str,
    session: Any,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    jobs = web_imports.list_jobs(state.engine, session.user)
    shown = disclosure(session.user)
    return render(
        request,
        state,
        "import.html",
        lang,
        session,
        status_code,
        jobs=[disclosed.import_job(job, shown) for job in jobs],
        typed=typed or {},
        errors=errors or {},
        stage_key=web_imports.stage_key,
    )


@router.get("/impor", response_class=HTMLResponse)
def import_page(request: Request, state: StateDep, lang: Lang, session: SessionDep) -> HTMLResponse:
    return _import_form(request, state, lang, session)


def _field_of(error: WebError) -> str:
    """The form field an upload's refusal belongs beside."""
    if error.code == "outside_region":
        return "keluarga"
    for detail in error.details if isinstance(error.details, list) else []:
        loc = detail.get("loc") if isinstance(detail, dict) else None
        if isinstance(loc, list) and loc:
            return str(loc[-1])
    return "keluarga"


def _refusal_words(error: WebError, lang: str, typed: dict[str, str]) -> str:
    details = error.details if isinstance(error.details, dict) else {}
    if error.code == "outside_region" and details:
        codes = ", ".join(details.get("codes", [])) + (" …" if details.get("more") else "")
        return text("reports.upload_outside_region", lang, region=details["region"], codes=codes)
    listed = error.details if isinstance(error.details, list) else []
    kind = next((d.get("type") for d in listed if isinstance(d, dict)), None)
    if kind in ("as_of_invalid", "as_of_future"):
        return text(f"reports.{kind}", lang, value=typed.get("as_of", ""))
    return error.words(lang)


@router.post("/impor", response_model=None)
def import_submit(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    keluarga: Annotated[UploadFile, File()],
    anggota: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=100)] = "",
    sheet_keluarga: Annotated[str, Form(max_length=100)] = "",
    sheet_anggota: Annotated[str, Form(max_length=100)] = "",
    as_of: Annotated[str, Form(max_length=40)] = "",  # a wrong date is said beside the field
) -> Response:
    try:
        job_id = start_import(
            state, session.user, keluarga, anggota, source, (sheet_keluarga, sheet_anggota), as_of
        )
    except WebError as exc:
        if exc.status not in (403, 413, 422) or exc.code == "forbidden":
            raise
        # Shown again with what was typed and the reason beside its field (a browser
        # cannot be given the chosen files back: they are named in the message).
        typed = {
            "source": source,
            "sheet_keluarga": sheet_keluarga,
            "sheet_anggota": sheet_anggota,
            "as_of": as_of,
        }
        names = [f.filename for f in (keluarga, anggota) if isinstance(f, StarletteUpload)]
        typed["files"] = ", ".join(n for n in names if n)
        errors = {_field_of(exc): _refusal_words(exc, lang, typed)}
        return _import_form(
            request, state, lang, session, typed=typed, errors=errors, status_code=exc.status
        )
    return RedirectResponse(f"/impor/{job_id}", status_code=303)


@router.get("/impor/{job_id}", response_class=HTMLResponse)
def import_job_page(
    request: Request, job_id: int, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    job = web_imports.get_job(state.engine, session.user, job_id)
    if job is None:
        raise services.not_found()
    job = disclosed.import_job(job, disclosure(session.user))
    template = "_job.html" if request.headers.get("hx-request") else "import_job.html"
    return render(request, state, template, lang, session, job=job, stage_key=web_imports.stage_key)


@router.get("/impor/{job_id}/masalah.{fmt}")
def import_errors_download(
    job_id: int, fmt: str, state: StateDep, session: SessionDep
) -> FileResponse:
    if fmt not in DOWNLOADS:
        raise services.not_found()
    job = web_imports.get_job(state.engine, session.user, job_id)
    if job is None:
        raise services.not_found()
    path = disclosed.problem_list(job, fmt, disclosure(session.user))
    if path is None:
        raise WebError(409, "not_ready", "Impor belum selesai.")
    return FileResponse(path, filename=path.name)


# -- poverty report -------------------------------------------------------------------------
def _profile(
    state: StateDep, session: Any, wilayah: str, lang: str
) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(the poverty profile or None, the reason there is none, the region shown empty):
    a region asked for that cannot be read is said beside the field; a region without a
    ranking (the user's own, when none was asked for) is said as an empty state."""
    try:
        return services.poverty(state.engine, session.user, wilayah or None), None, None
    except WebError as exc:
        if exc.code not in ("no_ranking", "invalid_region"):
            raise
        if exc.code == "no_ranking" and not wilayah:
            return None, None, session.user.region or text("reports.national", lang)
        return None, exc.words(lang), None


def _desil_items(profile: dict[str, Any]) -> list[tuple[str, float]]:
    return [(str(d["desil"]), float(d["keluarga"])) for d in profile["desil"]]


def _dimension_items(profile: dict[str, Any], lang: str) -> list[tuple[str, float]]:
    return [
        (_dimension_name(d, lang), 100 * float(d.get("persen_terdeprivasi", 0.0)))
        for d in profile["dimensions"]
    ]


def _dimension_name(row: dict[str, Any], lang: str) -> str:
    key = f"reports.dimension_name.{row.get('dimensi')}"
    return text(key, lang) if has_text(key) else str(row.get("label") or row.get("dimensi"))


@router.get("/laporan", response_class=HTMLResponse)
def report_page(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    profile, problem, empty = _profile(state, session, wilayah, lang)
    tkpk = page_context(state, session.user, wilayah, profile, lang)
    charts: dict[str, Any] = {}
    if profile:
        charts = {
            "chart": bar_chart(
                _desil_items(profile), title=text("reports.desil_table", lang), lang=lang
            ),
            "dim_chart": hbar_chart(
                _dimension_items(profile, lang),
                title=text("reports.deprived", lang),
                lang=lang,
                color="#8a5a00",
                percent=True,
            ),
        }
    return render(
        request,
        state,
        "report.html",
        lang,
        session,
        profile=profile,
        problem=problem,
        empty=empty,
        wilayah=wilayah,
        dimension_name=_dimension_name,
        **charts,
        **tkpk,
    )


def _report_or_404(state: StateDep, session: Any, wilayah: str, lang: str) -> dict[str, Any]:
    profile, _, _ = _profile(state, session, wilayah, lang)
    if profile is None:
        raise services.not_found()
    return profile


@router.get("/laporan/laporan.xlsx")
def report_xlsx(
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The poverty profile's tables (summary, desil, dimensions, indicators, subregions)."""
    from terpadu.welfare.report import PovertyProfile

    data = _report_or_404(state, session, wilayah, lang)
    fields = PovertyProfile.__dataclass_fields__
    profile = PovertyProfile(**{k: v for k, v in data.items() if k in fields})
    name = f"profil-kemiskinan-{_file_part(profile.region or 'nasional')}.xlsx"
    return _download(xlsx_bytes(profile.sheets()), name, "xlsx")


@router.get("/laporan/desil.{fmt}")
def report_desil_table(
    fmt: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The desil table as CSV or XLSX."""
    if fmt not in DOWNLOADS:
        raise services.not_found()
    profile = _report_or_404(state, session, wilayah, lang)
    frame = pl.DataFrame(profile["desil"])
    name = f"desil-{_file_part(profile['region'] or 'nasional')}.{fmt}"
    body = csv_text(frame) if fmt == "csv" else xlsx_bytes(frame, "desil")
    return _download(body, name, fmt)


def _chart_png(chart: str, state: StateDep, lang: str, session: Any, wilayah: str) -> Response:
    """A chart of the report as a PNG image (for a letter or a presentation)."""
    profile = _report_or_404(state, session, wilayah, lang)
    place = f"{profile['region_name']} ({profile['region'] or text('reports.national', lang)})"
    if chart == "desil":
        title = f"{text('reports.desil_table', lang)} · {place}"
        image = chart_png(_desil_items(profile), title=title, lang=lang)
    else:
        title = f"{text('reports.deprived', lang)} · {place}"
        items = _dimension_items(profile, lang)
        image = chart_png(
            items, title=title, lang=lang, horizontal=True, color="#8a5a00", percent=True
        )
    name = f"grafik-{chart}-{_file_part(profile['region'] or 'nasional')}.png"
    return _download(image, name, "png")


@router.get("/laporan/grafik-desil.png")
def report_desil_png(
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _chart_png("desil", state, lang, session, wilayah)


@router.get("/laporan/grafik-dimensi.png")
def report_dimension_png(
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    wilayah: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _chart_png("dimensi", state, lang, session, wilayah)


# -- programmes -----------------------------------------------------------------------------
@router.get("/program", response_class=HTMLResponse)
def programs_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    rows = services.program_results(state.engine, session.user)
    return render(request, state, "programs.html", lang, session, rows=rows)


@router.get("/program/bnba.{fmt}")
def bnba_download(
    fmt: str,
    state: StateDep,
    session: SessionDep,
    program: Annotated[str, Query(max_length=50)],
    periode: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The BNBA (by name, by address) of a programme's period, as CSV or XLSX."""
    if fmt not in DOWNLOADS:
        raise services.not_found()
    frame = bnba_frame(state.engine, program, periode or None, session.user.region)
    if "KODE_WILAYAH" in frame.columns and session.user.region:
        frame = frame.filter(pl.col("KODE_WILAYAH").str.starts_with(session.user.region))
    name = f"bnba-{_file_part(program)}{'-' + _file_part(periode) if periode else ''}.{fmt}"
    # The BNBA names beneficiaries with their NIK: a download is an audited export, as
    # the CLI's `target --out` is.
    record_personal_export(
        state.engine,
        session.user.actor,
        what="bnba",
        rows=frame.height,
        purpose=f"BNBA {program} {periode or 'terakhir'} (unduhan web)",
        destination=f"web:{name}",
    )
    shown = disclosure(session.user)
    if fmt == "csv":
        return _download(csv_text(frame, shown=shown), name, fmt)
    return _download(xlsx_bytes(shown.frame(frame), "BNBA"), name, fmt)
