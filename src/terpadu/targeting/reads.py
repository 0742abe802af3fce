"""Reading programme data: coverage, a family's programmes, results, the BNBA list.

Read straight from the targeting tables (current enrolments and the quota
rows of current runs), limited to the caller's region (a code prefix; None: national).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, text

from terpadu.targeting.allocation import BNBA_COLUMNS


@dataclass(frozen=True)
class ProgramCoverage:
    """A programme's current enrolment: families and distinct recipients."""

    program: str
    keluarga: int
    penerima: int


@dataclass(frozen=True)
class FamilyProgram:
    """One enrolment of a family ("aktif": of a current run; "diganti": replaced)."""

    program: str
    periode: str
    status: str
    nominal: int | None
    komponen: str | None


@dataclass(frozen=True)
class ProgramResult:
    """Recipients and quota of a programme's period within the region."""

    program: str
    periode: str
    penerima: int
    kuota: int | None


def _scope(region: str | None, column: str) -> tuple[str, dict[str, Any]]:
    if not region:
        return "", {}
    return f" AND {column} LIKE :scope", {"scope": f"{region}%"}


def program_coverage(engine: Engine, region: str | None) -> list[ProgramCoverage]:
    """Per programme: families enrolled (current runs) and distinct recipients."""
    where, params = _scope(region, "e.kode_wilayah")
    sql = (
        "SELECT e.program, count(DISTINCT e.family_id), count(DISTINCT e.nik_penerima) "
        f"FROM enrolment e WHERE e.is_current = 1{where} GROUP BY e.program ORDER BY e.program"
    )
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
    return [ProgramCoverage(p.upper(), int(k), int(n)) for p, k, n in rows]


def family_programs(engine: Engine, family_id: int) -> list[FamilyProgram]:
    """Every enrolment of the family, current first."""
    sql = (
        "SELECT program, period, is_current, nominal, komponen FROM enrolment "
        "WHERE family_id = :f ORDER BY is_current DESC, period DESC, program"
    )
    with engine.connect() as conn:
        rows = conn.execute(text(sql), {"f": family_id}).all()
    return [
        FamilyProgram(
            program=program.upper(),
            periode=period,
            status="aktif" if current else "diganti",
            nominal=nominal,
            komponen=komponen,
        )
        for program, period, current, nominal, komponen in rows
    ]


def program_results(engine: Engine, region: str | None) -> list[ProgramResult]:
    """Per programme and period of current runs: recipients and quota within the region."""
    where_e, params = _scope(region, "e.kode_wilayah")
    where_q, _ = _scope(region, "q.kode_wilayah")
    enrolled_sql = (
        "SELECT e.program, e.period, count(*) FROM enrolment e "
        f"WHERE e.is_current = 1{where_e} GROUP BY e.program, e.period"
    )
    quota_sql = (
        "SELECT r.program, r.period, sum(q.kuota) FROM targeting_quota q "
        "JOIN targeting_run r ON r.id = q.run_id "
        f"WHERE r.is_current = 1{where_q} GROUP BY r.program, r.period"
    )
    with engine.connect() as conn:
        enrolled = {(p, d): int(n) for p, d, n in conn.execute(text(enrolled_sql), params).all()}
        quotas = {(p, d): int(n or 0) for p, d, n in conn.execute(text(quota_sql), params).all()}
    keys = sorted(set(enrolled) | set(quotas))
    return [
        ProgramResult(
            program=program.upper(),
            periode=period,
            penerima=enrolled.get((program, period), 0),
            kuota=quotas.get((program, period)),
        )
        for program, period in keys
    ]


def bnba_frame(
    engine: Engine, program: str, periode: str | None, region: str | None
) -> pl.DataFrame:
    """The BNBA (beneficiaries layout) of a programme's current run, within the region."""
    where, params = _scope(region, "e.kode_wilayah")
    params |= {"program": program.lower()}
    period_filter = ""
    if periode:
        period_filter = " AND e.period = :period"
        params["period"] = periode
    sql = (
        "SELECT upper(e.program), e.period, e.family_id, f.source_key, f.no_kk, e.nik_penerima, "
        "e.nama_penerima, e.kode_wilayah, f.alamat, e.desil, e.nominal, e.komponen "
        "FROM enrolment e JOIN family f ON f.id = e.family_id "
        f"WHERE e.is_current = 1 AND lower(e.program) = :program{period_filter}{where} "
        "ORDER BY e.kuota_wilayah, e.peringkat"
    )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params).all()]
    schema = {
        c: (pl.Int64 if c in ("FAMILY_ID", "DESIL", "NOMINAL") else pl.Utf8) for c in BNBA_COLUMNS
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(
        pl.concat_str([pl.lit("KLG"), pl.col("FAMILY_ID").cast(pl.Utf8).str.zfill(10)]).alias(
            "FAMILY_ID"
        )
    )
