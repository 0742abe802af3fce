"""Reconciliation pages: a Dukcapil answer file against the registry (``terpadu dukcapil``),
a bank's or PT Pos's disbursement file against the enrolments (``terpadu payments``).

Uploading runs the same domain function as the CLI, for the roles that run registry
jobs (``run_jobs``: verifikator kab/kota, admin provinsi); the results are shown within
the reader's region, findings and problems in words, identifiers masked for the
reader's role, with CSV and XLSX downloads. The payment report names recipients with
their NIK, so it is written to the reports folder and audited as an export, as the
CLI does; Dukcapil's draft proposals are raised by the check itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine, select

from terpadu.access import allows, disclosure
from terpadu.locale import has_text, text
from terpadu.reports.personal import record_personal_export
from terpadu.scratch import scratch_folder
from terpadu.store.ids import person_code
from terpadu.store.models.verval import Proposal
from terpadu.web import dukcapil_scope, jobs
from terpadu.web import imports as web_imports
from terpadu.web.api.routes import safe_name, save_upload
from terpadu.web.deps import CsrfChecked, Lang, PageSession, SessionDep, StateDep
from terpadu.web.errors import WebError
from terpadu.web.i18n import translate
from terpadu.web.pages import _jobs
from terpadu.web.pages._xlsx import FORMATS, table_download
from terpadu.web.pages.routes import render

router = APIRouter(include_in_schema=False)

PAGE_ROWS = 50
DUKCAPIL, PAYMENTS = "dukcapil", "pembayaran"
UPLOADS = "unggahan"  # the job folder's upload, removed when the work ends
DUKCAPIL_PROPOSER = "terpadu-dukcapil"  # the account check_against_dukcapil raises drafts as


def _words(prefix: str, code: str, lang: str) -> str:
    key = f"pages.{prefix}.{code}"
    return text(key, lang) if has_text(key) else code


def _runner(session: PageSession, lang: str) -> None:
    if not allows(session.user.role, "run_jobs"):
        raise WebError(403, "forbidden", translate(lang, "pages.jobs_forbidden"))


def _in_region(frame: pl.DataFrame, region: str | None, column: str) -> pl.DataFrame:
    if region is None:
        return frame
    return frame.filter(pl.col(column).str.starts_with(region))


# -- Dukcapil ---------------------------------------------------------------------------------
def _checks(engine: Engine) -> list[dict[str, Any]]:
    from terpadu.linkage import store as S

    with engine.connect() as conn:
        rows = conn.execute(select(S.CHECK).order_by(S.CHECK.c.id.desc()).limit(20)).mappings()
        return [dict(r) for r in rows]


def _dukcapil_form(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        state,
        "pages/dukcapil.html",
        lang,
        session,
        status_code,
        checks=_checks(state.engine),
        can_run=allows(session.user.role, "run_jobs"),
        error=error,
        **_jobs.past_runs(state, session, DUKCAPIL),
    )


@router.get("/rekonsiliasi/dukcapil", response_class=HTMLResponse)
def dukcapil_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    return _dukcapil_form(request, state, lang, session)


@router.post("/rekonsiliasi/dukcapil", response_model=None)
def dukcapil_upload(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    extract: Annotated[UploadFile, File()],
) -> Response:
    """Check the registry's persons against the uploaded extract (``terpadu dukcapil
    FILE``) in the background: results stored, draft proposals raised for the dead and for
    NIKs found mistyped, within the uploader's region (rows outside it refused)."""
    _runner(session, lang)
    if not extract.filename:
        return _dukcapil_form(
            request, state, lang, session, error=translate(lang, "pages.choose_file"),
            status_code=400,
        )  # fmt: skip
    name = safe_name(extract.filename, "dukcapil")

    def prepare(folder: Path) -> None:
        uploads = web_imports.private_folder(folder / UPLOADS)
        save_upload(extract, uploads / name, state.config.upload_max_bytes)

    user = session.user
    token = _jobs.start(
        state,
        session,
        DUKCAPIL,
        _dukcapil_work(state, user.username, user.region, name),
        steps=3 if user.region else 2,
        label=extract.filename,
        prepare=prepare,
    )
    return RedirectResponse(_jobs.job_url(DUKCAPIL, token), status_code=303)


def _dukcapil_work(state: StateDep, actor: str, region: str | None, name: str) -> jobs.Work:
    """The check as a background job; a regional uploader's check is kept to their region."""

    def work(progress: jobs.Progress, folder: Path) -> dict[str, Any]:
        from terpadu.linkage import check_against_dukcapil
        from terpadu.linkage.dukcapil import _raise as raise_drafts

        path = folder / UPLOADS / name
        refused = pl.DataFrame(schema=dukcapil_scope.REFUSED_SCHEMA)
        try:
            if region is not None:
                progress.step("jobs.stage.scoping")
                split = dukcapil_scope.split_extract(state.engine, path, region)
                path, refused = split.kept, split.refused
            progress.step("jobs.stage.checking")
            report = check_against_dukcapil(
                state.engine,
                path,
                actor=actor,
                raise_proposals=region is None,
                data_dir=state.settings.data_dir,
            )
            progress.step("jobs.stage.raising")
            proposals = report.proposals
            if region is not None:
                dukcapil_scope.keep_region_results(state.engine, report.check_id, region)
                inside = dukcapil_scope.in_region(report.results, region)
                proposals = raise_drafts(state.engine, inside).height
            jobs.save_frames(folder, {"ditolak": refused})
        finally:
            shutil.rmtree(folder / UPLOADS, ignore_errors=True)
        return {
            "check_id": report.check_id,
            "rows_read": report.rows_read + refused.height,
            "rows_refused": refused.height,
            "proposals": proposals,
            "region": region,
        }

    return work


@router.get("/rekonsiliasi/dukcapil/tugas/{token}", response_class=HTMLResponse)
def dukcapil_job(
    request: Request, token: str, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    """The check's progress; once done, what it did, the rows refused and where the
    findings are."""
    job = _jobs.find(state, session, DUKCAPIL, token, lang)
    refused: list[dict[str, Any]] = []
    if job.status == "done":
        shown = disclosure(session.user).frame(job.frame("ditolak"))
        region = job.state.get("region") or ""
        refused = [
            r | {"why": text(f"jobs.outside_by_{r['ALASAN']}", lang, code=r["KODE"], region=region)}
            for r in shown.to_dicts()
        ]
    return _jobs.job_page(
        request, state, lang, session, job, done="pages/_dukcapil_done.html", refused=refused
    )


def dukcapil_rows(engine: Engine, check_id: int, region: str | None) -> pl.DataFrame:
    """The check's persons with a finding within ``region``: registry values beside
    Dukcapil's (the report layout of ``terpadu dukcapil``)."""
    from terpadu.linkage import store as S

    r = S.RESULT
    query = select(
        r.c.person_id,
        r.c.kode_wilayah,
        r.c.findings,
        r.c.nik.label("d_nik"),
        r.c.nama.label("d_nama"),
        r.c.tgl_lahir.label("d_tgl_lahir"),
        r.c.jenis_kelamin.label("d_jk"),
        r.c.alive,
        r.c.tgl_meninggal,
        r.c.suggested_nik,
        r.c.confidence,
    ).where(r.c.check_id == check_id, r.c.findings != "ok")
    if region is not None:
        query = query.where(r.c.kode_wilayah.startswith(region, autoescape=True))
    with engine.connect() as conn:
        found = [dict(row) for row in conn.execute(query.order_by(r.c.person_id)).mappings()]
        ids = [f["person_id"] for f in found]
        persons: dict[int, Any] = {}
        from terpadu.store.models.registry import Person

        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            for hit in conn.execute(
                select(
                    Person.id, Person.id_anggota, Person.nik, Person.nama, Person.tgl_lahir,
                    Person.jenis_kelamin, Person.resolved_person_id,
                ).where(Person.id.in_(chunk))
            ):  # fmt: skip
                persons[int(hit.id)] = hit
    rows = []
    for f in found:
        p = persons.get(int(f["person_id"]))
        rows.append(
            {
                "ID_ANGGOTA": p.id_anggota if p else None,
                "PERSON_ID": person_code(p.resolved_person_id or p.id) if p else None,
                "NIK": p.nik if p else None,
                "NAMA": p.nama if p else None,
                "TGL_LAHIR": str(p.tgl_lahir)[:10] if p and p.tgl_lahir else None,
                "JENIS_KELAMIN": p.jenis_kelamin if p else None,
                "KODE_WILAYAH": f["kode_wilayah"],
                "TEMUAN": f["findings"],
                "NIK_DUKCAPIL": f["d_nik"],
                "NAMA_DUKCAPIL": f["d_nama"],
                "TGL_LAHIR_DUKCAPIL": str(f["d_tgl_lahir"])[:10] if f["d_tgl_lahir"] else None,
                "JENIS_KELAMIN_DUKCAPIL": f["d_jk"],
                "STATUS_DUKCAPIL": None
                if f["alive"] is None
                else ("HIDUP" if f["alive"] else "MENINGGAL"),
                "TGL_MENINGGAL": str(f["tgl_meninggal"])[:10] if f["tgl_meninggal"] else None,
                "NIK_USULAN": f["suggested_nik"],
                "KEYAKINAN": f["confidence"],
            }
        )
    schema = {
        "ID_ANGGOTA": pl.Utf8, "PERSON_ID": pl.Utf8, "NIK": pl.Utf8, "NAMA": pl.Utf8,
        "TGL_LAHIR": pl.Utf8, "JENIS_KELAMIN": pl.Int64, "KODE_WILAYAH": pl.Utf8,
        "TEMUAN": pl.Utf8, "NIK_DUKCAPIL": pl.Utf8, "NAMA_DUKCAPIL": pl.Utf8,
        "TGL_LAHIR_DUKCAPIL": pl.Utf8, "JENIS_KELAMIN_DUKCAPIL": pl.Int64,
        "STATUS_DUKCAPIL": pl.Utf8, "TGL_MENINGGAL": pl.Utf8, "NIK_USULAN": pl.Utf8,
        "KEYAKINAN": pl.Float64,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _masked_dukcapil(frame: pl.DataFrame, session: PageSession) -> pl.DataFrame:
    """As the reader's role may see it: Dukcapil's NIK, birth date and suggested NIK are
    masked like the registry's own."""
    shown = disclosure(session.user)
    if shown.full:
        return frame
    extra = frame.select(
        pl.col("NIK_DUKCAPIL").alias("NIK"),
        pl.col("NIK_USULAN").alias("NIK_PENERIMA"),
        pl.col("TGL_LAHIR_DUKCAPIL").alias("TGL_LAHIR"),
    )
    masked = shown.frame(extra)
    return shown.frame(frame).with_columns(
        masked["NIK"].alias("NIK_DUKCAPIL"),
        masked["NIK_PENERIMA"].alias("NIK_USULAN"),
        masked["TGL_LAHIR"].alias("TGL_LAHIR_DUKCAPIL"),
    )


def _check(engine: Engine, check_id: int, lang: str) -> dict[str, Any]:
    from terpadu.linkage import store as S

    with engine.connect() as conn:
        row = conn.execute(select(S.CHECK).where(S.CHECK.c.id == check_id)).mappings().first()
        following = conn.execute(
            select(S.CHECK.c.checked_at).where(S.CHECK.c.id > check_id).order_by(S.CHECK.c.id)
        ).first()
    if row is None:
        raise WebError(404, "not_found", translate(lang, "pages.check_not_found"))
    return dict(row) | {"until": following[0] if following else None}


def _check_proposals(engine: Engine, check: dict[str, Any], region: str | None) -> list[Any]:
    """The draft proposals this check raised (made by the check's account between this check
    and the next), within ``region``."""
    query = select(
        Proposal.id, Proposal.kind, Proposal.state, Proposal.kode_wilayah, Proposal.person_id,
        Proposal.reason,
    ).where(
        Proposal.created_by == DUKCAPIL_PROPOSER, Proposal.created_at >= check["checked_at"]
    )  # fmt: skip
    if check["until"] is not None:
        query = query.where(Proposal.created_at < check["until"])
    if region is not None:
        query = query.where(Proposal.kode_wilayah.startswith(region, autoescape=True))
    with engine.connect() as conn:
        return list(conn.execute(query.order_by(Proposal.id).limit(500)))


@router.get("/rekonsiliasi/dukcapil/{check_id}", response_class=HTMLResponse)
def dukcapil_result(
    request: Request,
    check_id: int,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> HTMLResponse:
    check = _check(state.engine, check_id, lang)
    region = session.user.region
    frame = dukcapil_rows(state.engine, check_id, region)
    counts: dict[str, int] = {}
    for value in frame["TEMUAN"].to_list():
        for code in value.split(";"):
            counts[code] = counts.get(code, 0) + 1
    shown = _masked_dukcapil(frame.slice(offset, PAGE_ROWS), session)
    rows = [
        r | {"temuan": [_words("finding", c, lang) for c in r["TEMUAN"].split(";")]}
        for r in shown.to_dicts()
    ]
    return render(
        request,
        state,
        "pages/dukcapil_result.html",
        lang,
        session,
        check=check,
        counts=sorted(
            ((_words("finding", c, lang), n) for c, n in counts.items()), key=lambda x: -x[1]
        ),
        rows=rows,
        total=frame.height,
        offset=offset,
        page_rows=PAGE_ROWS,
        proposals=_check_proposals(state.engine, check, region),
    )


@router.get("/rekonsiliasi/dukcapil/{check_id}/temuan.{fmt}")
def dukcapil_download(
    check_id: int, fmt: str, state: StateDep, lang: Lang, session: SessionDep
) -> Response:
    if fmt not in FORMATS:
        raise WebError(404, "not_found", translate(lang, "pages.no_such_format"))
    _check(state.engine, check_id, lang)
    frame = _masked_dukcapil(dukcapil_rows(state.engine, check_id, session.user.region), session)
    return table_download(frame, f"dukcapil-{check_id}", fmt, disclosure(session.user), "temuan")


# -- payments ---------------------------------------------------------------------------------
PAYMENT_TABLES = ("rincian", "usulan")


def _payments_form(
    request: Request,
    state: StateDep,
    lang: str,
    session: PageSession,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        state,
        "pages/payments.html",
        lang,
        session,
        status_code,
        error=error,
        **_jobs.past_runs(state, session, PAYMENTS),
    )


@router.get("/rekonsiliasi/pembayaran", response_class=HTMLResponse)
def payments_page(
    request: Request, state: StateDep, lang: Lang, session: SessionDep
) -> HTMLResponse:
    _runner(session, lang)
    return _payments_form(request, state, lang, session)


@router.post("/rekonsiliasi/pembayaran", response_model=None)
def payments_upload(
    request: Request,
    state: StateDep,
    lang: Lang,
    session: CsrfChecked,
    penyaluran: Annotated[UploadFile, File()],
) -> Response:
    """``terpadu payments FILE`` in the background: every disbursement row checked; the
    report written to the reports folder and audited as an export of personal data."""
    _runner(session, lang)
    if not penyaluran.filename:
        return _payments_form(
            request, state, lang, session, error=translate(lang, "pages.choose_file"),
            status_code=400,
        )  # fmt: skip
    original = penyaluran.filename
    saved = safe_name(original, "penyaluran")
    # The report is named after the bank's file (its name without folders).
    named = f"{Path(original).stem[:60] or 'penyaluran'}{Path(saved).suffix}"

    def prepare(folder: Path) -> None:
        uploads = web_imports.private_folder(folder / UPLOADS)
        save_upload(penyaluran, uploads / saved, state.config.upload_max_bytes)
        shutil.move(uploads / saved, uploads / named)

    token = _jobs.start(
        state,
        session,
        PAYMENTS,
        _payments_work(state, session.user.actor, original, named),
        steps=2,
        label=original,
        prepare=prepare,
    )
    return RedirectResponse(f"/rekonsiliasi/pembayaran/{token}", status_code=303)


def _payments_work(state: StateDep, actor: Any, original: str, named: str) -> jobs.Work:
    def work(progress: jobs.Progress, folder: Path) -> dict[str, Any]:
        from terpadu.targeting import reconcile_payments, write_payments_report
        from terpadu.targeting.payments import default_payments_path

        settings = state.settings
        programs_dir = settings.programs_dir if settings.programs_dir.is_dir() else None
        path = folder / UPLOADS / named
        try:
            progress.step("jobs.stage.reconciling")
            with scratch_folder(settings.scratch_dir, "penyaluran-") as scratch:
                result = reconcile_payments(
                    state.engine, path, programs_dir=programs_dir, work_dir=scratch
                )
            progress.step("jobs.stage.writing")
            report, _ = write_payments_report(
                result, default_payments_path(settings.reports_dir, path)
            )
        finally:
            shutil.rmtree(folder / UPLOADS, ignore_errors=True)
        record_personal_export(
            state.engine,
            actor,
            what="payments",
            rows=result.rows.height,
            purpose=f"rekonsiliasi penyaluran {original} (web)",
            destination=str(report),
        )
        jobs.save_frames(folder, {"rincian": result.rows, "usulan": result.proposals})
        return {"file": original, "sha256": result.sha256, "report": report.name}

    return work


def _reason_words(state: StateDep, lang: str) -> Any:
    """Why a paid family no longer qualifies, in words (a condition's label is its
    programme file's)."""
    from terpadu.targeting import ProgramConfigError, load_catalogue
    from terpadu.targeting.rules import reason_label
    from terpadu.web.pages.explain import reason_words

    folder = state.settings.programs_dir
    try:
        catalogue = load_catalogue(folder if folder.is_dir() else None)
    except ProgramConfigError:
        catalogue = None

    def words(program: str | None, codes: str | None) -> list[str]:
        found = catalogue.programs.get(str(program or "").strip().lower()) if catalogue else None
        out = []
        for code in filter(None, str(codes or "").split(";")):
            label = reason_label(code, found) if found is not None else code
            desil = (found.desil[0], found.desil[1]) if found is not None else None
            out.append(reason_words(code, label, lang, desil))
        return out

    return words


PROBLEM_ORDER = (
    "gagal",
    "saldo_nol",
    "tidak_ditemukan_bank",
    "bukan_peserta",
    "tidak_terdaftar",
    "nik_rusak",
    "dibayar_ganda",
    "tidak_layak_lagi",
    "nominal_berbeda",
    "status_tidak_dikenal",
    "program_tidak_dikenal",
)


def payment_totals(rows: pl.DataFrame) -> dict[str, Any]:
    """Rows, paid rows and their amount (Rupiah), problem rows, and rows per problem."""
    paid = rows.filter(pl.col("STATUS").str.to_uppercase().str.strip_chars() == "BERHASIL")
    amount = (
        paid["NOMINAL"].cast(pl.Utf8).str.replace_all(r"[^\d]", "").cast(pl.Int64, strict=False)
    )
    codes = rows["MASALAH"].str.split(";").explode()
    counted = dict(codes.filter(codes != "").value_counts().iter_rows())
    return {
        "rows": rows.height,
        "paid": paid.height,
        "paid_amount": int(amount.sum() or 0),
        "problem_rows": int((rows["MASALAH"] != "").sum()),
        "by_problem": [(c, int(counted.get(c, 0))) for c in PROBLEM_ORDER if counted.get(c)]
        + [(c, int(n)) for c, n in counted.items() if c not in PROBLEM_ORDER],
    }


def _payment_run(state: StateDep, session: PageSession, token: str, lang: str) -> jobs.Job:
    _runner(session, lang)
    return _jobs.find(state, session, PAYMENTS, token, lang)


@router.get("/rekonsiliasi/pembayaran/{token}", response_class=HTMLResponse)
def payments_result(
    request: Request,
    token: str,
    state: StateDep,
    lang: Lang,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> HTMLResponse:
    job = _payment_run(state, session, token, lang)
    if job.status != "done":
        return _jobs.job_page(request, state, lang, session, job)
    facts = job.facts
    region = session.user.region
    every = job.frame("rincian")
    rows = _in_region(every, region, "KODE_WILAYAH")
    problems = rows.filter(pl.col("MASALAH") != "")
    shown = disclosure(session.user).frame(problems.slice(offset, PAGE_ROWS))
    why = _reason_words(state, lang)
    listed = [
        r
        | {
            "alasan": why(r["PROGRAM"], r["ALASAN_TIDAK_LAYAK"]),
            "masalah": [_words("payment_problem", c, lang) for c in r["MASALAH"].split(";") if c],
            "status_words": _words("payer_status", str(r["STATUS"] or "-").strip().upper(), lang),
        }
        for r in shown.to_dicts()
    ]
    totals = payment_totals(rows)
    return render(
        request,
        state,
        "pages/payments_result.html",
        lang,
        session,
        token=token,
        facts=facts,
        totals=totals,
        problem_words=[(_words("payment_problem", c, lang), n) for c, n in totals["by_problem"]],
        outside=every.height - rows.height,
        rows=listed,
        total=problems.height,
        offset=offset,
        page_rows=PAGE_ROWS,
        **_jobs.past_runs(state, session, PAYMENTS),
    )


@router.get("/rekonsiliasi/pembayaran/{token}/{table}.{fmt}")
def payments_download(
    token: str, table: str, fmt: str, state: StateDep, lang: Lang, session: SessionDep
) -> Response:
    job = _payment_run(state, session, token, lang)
    if table not in PAYMENT_TABLES or fmt not in FORMATS or job.status != "done":
        raise WebError(404, "not_found", translate(lang, "pages.no_such_format"))
    frame = _in_region(job.frame(table), session.user.region, "KODE_WILAYAH")
    if table == "rincian":
        frame = frame.filter(pl.col("MASALAH") != "")
    return table_download(frame, f"rekonsiliasi-{table}", fmt, disclosure(session.user), table)
