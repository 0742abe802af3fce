"""Targeting simulation (``terpadu simulate``): a programme's rules on the latest edition
with the quotas given (a kuota file, or numbers typed per region, or none), enrolling
nobody and writing nothing to the registry.

For the roles that run targeting and the national analyst (``SIMULATORS``). The result
(eligible, selected, cost, by desil and by kab/kota, reasons for exclusion) is cut to
the reader's region; it is kept for its result page and downloads only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Final

import polars as pl
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from terpadu.access import ADMIN_PROVINSI, ANALIS_PUSAT, VERIFIKATOR_KAB, disclosure
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import text
from terpadu.regions import RegionCodeError, normalize_code
from terpadu.scratch import scratch_folder
from terpadu.web import jobs
from terpadu.web.api.routes import safe_name, save_upload
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.pages import _jobs
from terpadu.web.pages._xlsx import FORMATS, table_download
from terpadu.web.pages.explain import reason_words
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)

SIMULATORS = frozenset({VERIFIKATOR_KAB, ADMIN_PROVINSI, ANALIS_PUSAT})
TABLES = ("desil", "wilayah", "alasan")
KIND = "simulasi"
SIM_STEPS = 2
_QUOTA_ENTRY = re.compile(r"^\s*([\d.]+)\s*[=:]\s*([\d.]+)\s*$")
#: The catalogue words of the result tables' columns (the page's headings, also in the
#: downloaded files).
COLUMN_WORDS: Final = {
    "DESIL": "pages.desil",
    "KODE_KABKOTA": "pages.district",
    "keluarga_berperingkat": "pages.ranked",
    "layak": "pages.eligible",
    "terpilih": "pages.selected",
    "biaya": "pages.cost",
    "cakupan": "pages.coverage",
    "ALASAN": "headings.reason_code",
    "KETERANGAN": "pages.reason_col",
    "keluarga": "pages.families",
}


def _simulator(session: PageSession, lang: str) -> None:
    if session.user.role not in SIMULATORS:
        raise WebError(403, "forbidden", translate(lang, "pages.simulate_forbidden"))


def typed_quotas(entries: str, region: str | None) -> dict[str, int]:
    """``KODE_WILAYAH = KUOTA`` entries separated by ``;`` (``=`` or ``:`` inside; one
    line, as every single-line field) → code → households; ``ValueError`` names the
    entry and what is wrong with it."""
    found: dict[str, int] = {}
    for number, line in enumerate(entries.split(";"), start=1):
        if not line.strip():
            continue
        match = _QUOTA_ENTRY.match(line)
        if match is None:
            raise ValueError(f"{number}|{line.strip()[:40]}|pages.quota_line_form")
        try:
            code = normalize_code(match.group(1))
        except RegionCodeError:
            raise ValueError(f"{number}|{match.group(1)}|pages.quota_line_region") from None
        if region is not None and not code.startswith(region) and not region.startswith(code):
            raise ValueError(f"{number}|{code}|pages.quota_line_outside")
        if code in found:
            raise ValueError(f"{number}|{code}|pages.quota_line_twice")
        found[code] = int(match.group(2).replace(".", ""))
    return found


def _form(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    from terpadu.targeting import load_catalogue

    programs_dir = state.settings.programs_dir
    catalogue = load_catalogue(programs_dir if programs_dir.is_dir() else None)
    return render(
        request,
        state,
        "pages/simulation.html",
        lang,
        session,
        status_code,
        programs=[(p.id, p.name, p.desil) for p in catalogue],
        typed=typed or {"program": "", "period": "", "quota_lines": ""},
        errors=errors or {},
        **_jobs.past_runs(state, session, KIND),
    )


@router.get("/simulasi", response_class=HTMLResponse)
def simulation_form(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    _simulator(session, lang)
    return _form(request, state, lang, session)


def _coverage(decisions: pl.DataFrame, by: pl.Expr) -> pl.DataFrame:
    """Per group: ranked families, eligible, selected, cost and coverage (as simulate)."""
    ranked = decisions.filter(
        pl.col("desil").is_not_null() & (pl.col("status_keluarga") == "aktif")
    )
    return (
        ranked.group_by(by)
        .agg(
            pl.len().alias("keluarga_berperingkat"),
            pl.col("layak").sum().alias("layak"),
            pl.col("terdaftar").sum().alias("terpilih"),
            pl.col("nominal").filter(pl.col("terdaftar")).sum().alias("biaya"),
        )
        .with_columns((pl.col("terpilih") / pl.col("keluarga_berperingkat")).alias("cakupan"))
        .sort(by.meta.output_name())
    )


def scoped_tables(decisions: pl.DataFrame, region: str | None) -> dict[str, pl.DataFrame]:
    """The simulation's tables within ``region``: by desil, by kab/kota, the reasons."""
    if region is not None:
        decisions = decisions.filter(pl.col("kode_wilayah").str.starts_with(region))
    reasons = (
        decisions.filter(~pl.col("layak"))
        .select(pl.col("alasan").str.split(";").alias("ALASAN"))
        .explode("ALASAN")
        .filter(pl.col("ALASAN").is_not_null() & (pl.col("ALASAN") != ""))
        .group_by("ALASAN")
        .len("keluarga")
        .sort("keluarga", "ALASAN", descending=[True, False])
    )
    enrolled = decisions.filter(pl.col("terdaftar"))
    totals = pl.DataFrame(
        {
            "dinilai": [decisions.height],
            "layak": [int(decisions["layak"].sum()) if decisions.height else 0],
            "terpilih": [enrolled.height],
            "biaya": [int(enrolled["nominal"].sum()) if enrolled.height else 0],
        }
    )
    return {
        "ringkasan": totals,
        "desil": _coverage(decisions, pl.col("desil").alias("DESIL")),
        "wilayah": _coverage(
            decisions, pl.col("kode_wilayah").str.slice(0, 4).alias("KODE_KABKOTA")
        ),
        "alasan": reasons,
    }


@router.post("/simulasi", response_model=None)
def simulation_run(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    program: Annotated[str, Form(max_length=50)] = "",
    period: Annotated[str, Form(max_length=20)] = "",
    quota_lines: Annotated[str, Form(max_length=20_000)] = "",
    quota_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Run the simulation; a field that cannot be used is shown again beside the field."""
    from terpadu.targeting import ProgramConfigError, load_catalogue
    from terpadu.targeting.quota import quotas_from_mapping

    _simulator(session, lang)
    user = session.user
    typed = {"program": program, "period": period, "quota_lines": quota_lines}

    def again(field: str, message: str) -> HTMLResponse:
        return _form(
            request, state, lang, session, typed=typed, errors={field: message}, status_code=400
        )

    programs_dir = state.settings.programs_dir
    try:
        catalogue = load_catalogue(programs_dir if programs_dir.is_dir() else None)
    except ProgramConfigError as exc:
        return again("program", str(exc))
    chosen = catalogue.programs.get(program.strip().lower())
    if chosen is None:
        return again("program", translate(lang, "pages.choose_program"))
    if not period.strip():
        return again("period", translate(lang, "pages.period_required"))
    has_file = quota_file is not None and bool(quota_file.filename)
    if has_file and quota_lines.strip():
        return again("quota_lines", translate(lang, "pages.quota_one_way"))
    quotas = None
    if quota_lines.strip():
        try:
            quotas = quotas_from_mapping(typed_quotas(quota_lines, user.region))
        except ValueError as exc:
            line, value, key = str(exc).split("|", 2)
            return again("quota_lines", translate(lang, key, line=line, value=value))
    from terpadu.targeting.allocation import parse_period_span
    from terpadu.targeting.quota import read_quotas

    try:
        span = parse_period_span(period.strip())
    except TerpaduError as exc:
        return again("period", error_words(exc, lang))
    quota_kind = "typed" if quotas is not None else "none"
    if has_file and quota_file is not None:
        # A small file, read here so that its problems are said beside the field.
        with scratch_folder(state.settings.scratch_dir, "kuota-") as work:
            quota_path = work / safe_name(quota_file.filename, "kuota")
            save_upload(quota_file, quota_path, state.config.upload_max_bytes)
            try:
                quotas = read_quotas(quota_path, chosen.id, span.label, aliases=(chosen.name,))
            except TerpaduError as exc:
                return again("quota_file", error_words(exc, lang))
        quota_kind = "file"
    facts = {
        "program": chosen.id,
        "program_name": chosen.name,
        "version": chosen.version,
        "desil": list(chosen.desil),
        "period": period.strip(),
        "quota": quota_kind,
        "quota_total": quotas.total if quota_kind == "typed" and quotas is not None else None,
    }
    simulate = _simulation_work(
        state, chosen, catalogue, period.strip(), quotas, user.region, facts
    )
    label = f"{chosen.name} {period.strip()}"
    token = _jobs.start(state, session, KIND, simulate, steps=SIM_STEPS, label=label)
    return RedirectResponse(f"/simulasi/{token}", status_code=303)


def _simulation_work(
    state: StateDep,
    program: Any,
    catalogue: Any,
    period: str,
    quotas: Any,
    region: str | None,
    facts: dict[str, Any],
) -> jobs.Work:
    """The simulation as a background job: tables cut to ``region`` kept for the page."""

    def work(progress: jobs.Progress, folder: Path) -> dict[str, Any]:
        from terpadu.targeting import simulate_program
        from terpadu.targeting.rules import reason_label

        progress.step("jobs.stage.simulating")
        with scratch_folder(state.settings.scratch_dir, "simulasi-") as scratch:
            sim = simulate_program(
                state.engine, program, period, quota=quotas, catalogue=catalogue, work_dir=scratch
            )
        progress.step("jobs.stage.saving")
        tables = scoped_tables(sim.decisions, region)
        # The programme's own words for each reason (a condition's label is its file's).
        tables["alasan"] = tables["alasan"].with_columns(
            pl.col("ALASAN")
            .map_elements(lambda code: reason_label(code, sim.program), return_dtype=pl.Utf8)
            .alias("KETERANGAN")
        )
        jobs.save_frames(folder, tables)
        return facts | {"period": sim.period, "edition": sim.edition_period}

    return work


def _load(state: StateDep, session: PageSession, token: str, lang: str) -> jobs.Job:
    _simulator(session, lang)
    return _jobs.find(state, session, KIND, token, lang)


@router.get("/simulasi/{token}", response_class=HTMLResponse)
def simulation_result(
    request: Request, token: str, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    job = _load(state, session, token, lang)
    if job.status != "done":
        return _jobs.job_page(request, state, lang, session, job)
    facts = job.facts
    low, high = facts["desil"]
    reasons = [
        {"words": reason_words(r["ALASAN"], r["KETERANGAN"], lang, (low, high)),
         "n": r["keluarga"]}
        for r in job.frame("alasan").to_dicts()
    ]  # fmt: skip
    return render(
        request,
        state,
        "pages/simulation_result.html",
        lang,
        session,
        token=token,
        facts=facts,
        totals=job.frame("ringkasan").to_dicts()[0],
        by_desil=job.frame("desil").to_dicts(),
        by_region=job.frame("wilayah").to_dicts(),
        reasons=reasons,
        **_jobs.past_runs(state, session, KIND),
    )


@router.get("/simulasi/{token}/{table}.{fmt}")
def simulation_download(
    token: str, table: str, fmt: str, state: StateDep, lang: Lang, session: SessionDep
) -> Response:
    job = _load(state, session, token, lang)
    if table not in TABLES or fmt not in FORMATS or job.status != "done":
        raise WebError(404, "not_found", translate(lang, "pages.no_such_format"))
    frame = job.frame(table)
    headings = {column: text(key, lang) for column, key in COLUMN_WORDS.items()}
    return table_download(
        frame, f"simulasi-{table}", fmt, disclosure(session.user), table, headers=headings
    )
