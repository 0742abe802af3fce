"""Convergence: every programme of a family and of its members in one view, and the
exclusion / inclusion reports per region.

"Active enrolments" are those of each programme's newest current run (a
programme's older periods are history). A member's programmes include those
received through another family they are registered in (same resolved
PERSON_ID, or the same NIK when linkage has not resolved them).

The desil is the national DTSEN one where it was imported, else the registry-relative one
(as targeting uses them).

- **Exclusion**: families in desil 1-2 with no programme at all.
- **Inclusion**: families in desil 6-10 with any programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, text

from terpadu.regions import RegionCodeError, normalize_code
from terpadu.store.ids import family_code, person_code
from terpadu.targeting.explain import resolve_family
from terpadu.targeting.exports import family_id
from terpadu.targeting.inputs import TargetingError
from terpadu.targeting.workbook import write_workbook

ACTIVE_RUNS = """
    SELECT r.id FROM targeting_run r
    JOIN (SELECT program, max(id) AS id FROM targeting_run WHERE is_current = 1
          GROUP BY program) l ON l.id = r.id
"""


@dataclass(frozen=True)
class MemberPrograms:
    person_id: int
    person_code: str
    nama: str
    nik: str | None
    hub_keluarga: int | None
    penerima: list[str]  # programmes where this person is the named recipient
    other_families: list[dict[str, Any]]  # {family_code, program, period} via the same person


@dataclass(frozen=True)
class FamilyConvergence:
    family_id: int
    family_code: str
    id_keluarga: str
    kode_wilayah: str
    desil: int | None
    programs: list[dict[str, Any]]  # program, version, period, nominal, komponen, penerima
    members: list[MemberPrograms]


def _rows(engine: Engine, sql: str, params: dict[str, Any]) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def family_convergence(engine: Engine, key: str) -> FamilyConvergence:
    """All active programmes of the family ``key`` (FAMILY_ID or ID_KELUARGA) and its members."""
    family_id = resolve_family(engine, key)
    fam = _rows(
        engine,
        "SELECT f.source_key, f.kode_wilayah, coalesce(f.desil_nasional, w.desil) AS desil "
        "FROM family f LEFT JOIN family_welfare w "
        "ON w.family_id = f.id AND w.is_current = 1 WHERE f.id = :i",
        {"i": family_id},
    )[0]
    programs: list[dict[str, Any]] = []
    for r in _rows(
        engine,
        f"SELECT e.program, e.program_version, e.period, e.nominal, e.komponen, "
        f"e.penerima_person_id, e.nama_penerima FROM enrolment e "
        f"WHERE e.family_id = :i AND e.is_current = 1 AND e.run_id IN ({ACTIVE_RUNS}) "
        f"ORDER BY e.program",
        {"i": family_id},
    ):
        programs.append(
            {
                "program": r.program,
                "version": r.program_version,
                "period": r.period,
                "nominal": int(r.nominal),
                "komponen": r.komponen,
                "penerima_person_id": r.penerima_person_id,
                "nama_penerima": r.nama_penerima,
            }
        )
    members: list[MemberPrograms] = []
    for m in _rows(
        engine,
        "SELECT p.id, p.nama, p.nik, p.resolved_person_id, m.hub_keluarga FROM person p "
        "JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
        "WHERE m.family_id = :i AND p.status = 'aktif' ORDER BY m.hub_keluarga, p.id",
        {"i": family_id},
    ):
        others: list[dict[str, Any]] = []
        same = "p2.resolved_person_id = :r" if m.resolved_person_id is not None else "p2.nik = :n"
        if m.resolved_person_id is not None or m.nik:
            for o in _rows(
                engine,
                f"SELECT DISTINCT e.family_id, e.program, e.period FROM person p2 "
                f"JOIN membership m2 ON m2.person_id = p2.id AND m2.left_at IS NULL "
                f"JOIN enrolment e ON e.family_id = m2.family_id AND e.is_current = 1 "
                f"AND e.run_id IN ({ACTIVE_RUNS}) "
                f"WHERE {same} AND m2.family_id <> :f ORDER BY e.family_id, e.program",
                {"r": m.resolved_person_id, "n": m.nik, "f": family_id},
            ):
                others.append(
                    {
                        "family_code": family_code(int(o.family_id)),
                        "program": o.program,
                        "period": o.period,
                    }
                )
        members.append(
            MemberPrograms(
                person_id=int(m.id),
                person_code=person_code(int(m.resolved_person_id or m.id)),
                nama=str(m.nama),
                nik=m.nik,
                hub_keluarga=m.hub_keluarga,
                penerima=[p["program"] for p in programs if p["penerima_person_id"] == m.id],
                other_families=others,
            )
        )
    return FamilyConvergence(
        family_id=family_id,
        family_code=family_code(family_id),
        id_keluarga=str(fam.source_key),
        kode_wilayah=str(fam.kode_wilayah),
        desil=None if fam.desil is None else int(fam.desil),
        programs=programs,
        members=members,
    )


@dataclass(frozen=True)
class ConvergenceReport:
    region: str | None
    summary: pl.DataFrame  # per sub-region: ranked, desil 1-2, excluded, desil 6-10, included
    exclusion: pl.DataFrame  # desil 1-2 families with no programme
    inclusion: pl.DataFrame  # desil 6-10 families with a programme
    programs: list[str]


def _sub_level(region: str | None) -> int:
    return {None: 2, 2: 4, 4: 6, 6: 10, 10: 10}[None if region is None else len(region)]


def convergence_report(engine: Engine, region: str | None) -> ConvergenceReport:
    """Exclusion (desil 1-2, no programme) and inclusion (desil 6-10, any) per sub-region."""
    code: str | None = None
    if region and region.lower() not in ("nasional", "all"):
        try:
            code = normalize_code(region)
        except RegionCodeError as exc:
            raise TargetingError(str(exc)) from exc
    where = "AND f.kode_wilayah LIKE :prefix" if code else ""
    rows = _rows(
        engine,
        f"""SELECT f.id, f.source_key, f.no_kk, f.kode_wilayah, f.alamat,
                   coalesce(f.desil_nasional, w.desil) AS desil, w.pmt_score, e.program
            FROM family f LEFT JOIN family_welfare w ON w.family_id = f.id AND w.is_current = 1
            LEFT JOIN (SELECT family_id, program FROM enrolment
                       WHERE is_current = 1 AND run_id IN ({ACTIVE_RUNS})) e ON e.family_id = f.id
            WHERE f.status = 'aktif' AND coalesce(f.desil_nasional, w.desil) IS NOT NULL
            {where}""",
        {"prefix": f"{code}%"} if code else {},
    )
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "family_id": pl.Int64,
            "id_keluarga": pl.Utf8,
            "no_kk": pl.Utf8,
            "kode_wilayah": pl.Utf8,
            "alamat": pl.Utf8,
            "desil": pl.Int64,
            "pmt_score": pl.Float64,
            "program": pl.Utf8,
        },
        orient="row",
    )
    families = frame.group_by(
        ["family_id", "id_keluarga", "no_kk", "kode_wilayah", "alamat", "desil", "pmt_score"]
    ).agg(pl.col("program").drop_nulls().unique().sort().str.join(";").alias("program"))
    families = families.with_columns(
        pl.when(pl.col("program") == "").then(None).otherwise(pl.col("program")).alias("program"),
        pl.col("kode_wilayah").str.slice(0, _sub_level(code)).alias("wilayah"),
    )
    poor = pl.col("desil") <= 2
    rich = pl.col("desil") >= 6
    has = pl.col("program").is_not_null()
    summary = (
        families.group_by("wilayah")
        .agg(
            pl.len().alias("keluarga_berperingkat"),
            poor.sum().alias("desil_1_2"),
            (poor & ~has).sum().alias("eksklusi_desil_1_2_tanpa_program"),
            rich.sum().alias("desil_6_10"),
            (rich & has).sum().alias("inklusi_desil_6_10_dengan_program"),
            has.sum().alias("keluarga_dengan_program"),
        )
        .with_columns(
            (pl.col("eksklusi_desil_1_2_tanpa_program") / pl.col("desil_1_2"))
            .fill_nan(None)
            .alias("tingkat_eksklusi"),
            (pl.col("inklusi_desil_6_10_dengan_program") / pl.col("keluarga_dengan_program"))
            .fill_nan(None)
            .alias("tingkat_inklusi"),
        )
        .sort("wilayah")
        .rename({"wilayah": "KODE_WILAYAH"})
    )

    # The listing's columns, named in capitals as in every export.
    listed = ("id_keluarga", "no_kk", "kode_wilayah", "alamat", "desil", "pmt_score", "program")

    def listing(mask: pl.Expr) -> pl.DataFrame:
        return (
            families.filter(mask)
            .sort(["kode_wilayah", "desil", "pmt_score", "family_id"])
            .select(
                family_id().alias("FAMILY_ID"),
                *(pl.col(c).alias(c.upper()) for c in listed),
            )
        )

    names = sorted(set(frame["program"].drop_nulls().to_list()))
    return ConvergenceReport(code, summary, listing(poor & ~has), listing(rich & has), names)


def default_convergence_path(reports_dir: Path, region: str | None) -> Path:
    """Today's convergence workbook of ``region`` in ``reports_dir``."""
    return reports_dir / f"konvergensi_{region or 'nasional'}_{dt.date.today():%Y%m%d}.xlsx"


def write_convergence_report(report: ConvergenceReport, out: Path) -> Path:
    """XLSX with sheets Ringkasan, Eksklusi (desil 1-2 tanpa program), Inklusi (desil 6-10)."""
    sheets = (
        ("Ringkasan", report.summary),
        ("Eksklusi", report.exclusion),
        ("Inklusi", report.inclusion),
    )
    return write_workbook(out, sheets, "laporan konvergensi")
