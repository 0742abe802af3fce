"""Importing the planning workbook's targets and the social-functioning assessment scores.

Both files are read as registry intake reads its files (:func:`terpadu.files.read_table`,
cleaned against a layout); every bad row is reported with file, row, column, value and a
reason in Bahasa Indonesia (the problem-file columns of ``terpadu import --errors``), and
the good rows land. Layouts: docs/formats.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import Engine, delete, tuple_
from sqlalchemy.orm import Session

from terpadu.access import ADMIN_PROVINSI, ADMIN_SISTEM, ANALIS_PUSAT, VERIFIKATOR_KAB, Actor
from terpadu.audit import record_event
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable, clean_table, read_table
from terpadu.indicators.catalogue import Catalogue, load_catalogue
from terpadu.intake.report import PROBLEM_SCHEMA
from terpadu.intake.validate import issues_frame
from terpadu.layouts import Column
from terpadu.periods import parse_period
from terpadu.regions import region_exists
from terpadu.services.social_files import ListReport, region_scope_issues
from terpadu.services.social_files import message as list_message
from terpadu.store.bulk import bulk_insert
from terpadu.store.models.indicators import IndicatorSurveyScore, IndicatorTarget

#: Who may import targets and assessment scores (planning and data staff).
IMPORTERS: Final = (VERIFIKATOR_KAB, ADMIN_PROVINSI, ANALIS_PUSAT, ADMIN_SISTEM)
#: The assessment groups of the four social-functioning indices.
SURVEY_GROUPS: Final[dict[str, str]] = {
    "anak": "ifs_anak",
    "pmks": "ifs_pmks",
    "lansia": "ifs_lansia",
    "disabilitas": "ifs_disabilitas",
}

TARGET_COLUMNS: tuple[Column, ...] = (
    Column("INDIKATOR", "text", "indicator_id", required=True, aliases=("kodeindikator", "id")),
    Column("TAHUN", "int", "year", required=True, min_value=2000, max_value=2100),
    Column("KODE_WILAYAH", "text", "kode_wilayah", aliases=("kodewilayah", "wilayah")),
    Column("TARGET", "number", "target", required=True, aliases=("nilaitarget",)),
)
SURVEY_COLUMNS: tuple[Column, ...] = (
    Column("KELOMPOK", "text", "kelompok", required=True, aliases=("kelompoksasaran",)),
    Column("KODE_WILAYAH", "region", "kode_wilayah", required=True, aliases=("kodewilayah",)),
    Column("ID_RESPONDEN", "text", "respondent", required=True, aliases=("responden", "nik")),
    Column(
        "JENIS_KELAMIN",
        "code",
        "jenis_kelamin",
        codes={1: ("laki-laki", "l"), 2: ("perempuan", "p")},
    ),
    Column("UMUR", "int", "umur", min_value=0, max_value=130),
    Column("SKOR", "number", "score", required=True, min_value=0, max_value=1),
)

MESSAGES: Final[dict[str, str]] = {
    "indicator_unknown": "INDIKATOR '{value}' tidak ada di katalog (lihat terpadu indikator katalog).",
    "target_region_unknown": "KODE_WILAYAH '{value}' bukan kode Kemendagri yang ada (2, 4, 6 atau 10 digit; kosong untuk target nasional).",
    "target_out_of_range": "TARGET '{value}' di luar rentang indikator ini (persen 0-100, indeks 0-1, jumlah dan bulan tidak negatif).",
    "target_twice": "Target indikator, tahun dan wilayah yang sama sudah ada di baris sebelumnya; baris ini tidak dimuat.",
    "survey_group_unknown": "KELOMPOK '{value}' tidak dikenal: pilih anak, pmks, lansia atau disabilitas.",
    "respondent_twice": "Responden yang sama dalam kelompok yang sama sudah ada di baris sebelumnya; baris ini tidak dimuat.",
}


def message(code: str, column: str | None, value: str | None) -> str:
    """The operator's words for ``code`` (this module's, else the lists' and intake's)."""
    template = MESSAGES.get(code)
    if template is None:
        return list_message(code, column, value)
    return template.format(column=column or "-", value="" if value is None else value)


def _checked(
    path: Path,
    columns: tuple[Column, ...],
    sheet: str | None,
    checks: Callable[[CleanTable], list[pl.DataFrame]],
) -> tuple[pl.DataFrame, ListReport]:
    """The rows that may land, and the report with every issue in words."""
    raw = read_table(path, sheet, report_long_rows=True)
    clean = clean_table(raw, columns, dt.date.today())
    issues = pl.concat([clean.issues, raw.row_issues.cast(ISSUE_SCHEMA), *checks(clean)]).sort(ROW)
    rejected = issues.filter(pl.col("severity") == "error")[ROW].unique()
    landed = clean.values.filter(~pl.col(ROW).is_in(rejected.implode()))
    problems = pl.DataFrame(
        [
            {
                "file": path.name,
                ROW: r[ROW],
                "column": r["column"],
                "value": r["value"],
                "repaired": None,
                "severity": r["severity"],
                "code": r["code"],
                "message": message(r["code"], r["column"], r["value"]),
            }
            for r in issues.iter_rows(named=True)
        ],
        schema=PROBLEM_SCHEMA,
    )
    return landed, ListReport(path, clean.values.height, landed.height, issues=problems)


def _repeated(values: pl.DataFrame, keys: list[str], column: str, code: str) -> pl.DataFrame:
    again = values.filter(~pl.struct(keys).is_first_distinct())
    return issues_frame(again[ROW], column, again[keys[0]].cast(pl.Utf8), "error", code)


def _target_checks(
    catalogue: Catalogue, actor: Actor
) -> Callable[[CleanTable], list[pl.DataFrame]]:
    def checks(clean: CleanTable) -> list[pl.DataFrame]:
        values = clean.values.with_columns(
            pl.col("kode_wilayah").fill_null("").str.replace_all(r"[.\s]", "")
        )
        unknown = values.filter(
            pl.col("indicator_id").is_not_null() & ~pl.col("indicator_id").is_in(catalogue.ids)
        )
        codes = values.filter(
            (pl.col("kode_wilayah") != "")
            & ~pl.col("kode_wilayah").map_elements(
                lambda c: c.isdigit() and len(c) in (2, 4, 6, 10) and region_exists(c),
                return_dtype=pl.Boolean,
            )
        )
        limits = {
            i.id: (0.0, 100.0 if i.unit == "percent" else 1.0 if i.unit == "index" else None)
            for i in catalogue.indicators
        }

        def outside(row: dict[str, object]) -> bool:
            low, high = limits.get(str(row["indicator_id"]), (0.0, None))
            target = row["target"]
            assert isinstance(target, float)
            return target < low or (high is not None and target > high)

        ranged = values.filter(
            pl.col("target").is_not_null() & pl.col("indicator_id").is_in(catalogue.ids)
        )
        ranged = ranged.filter(
            pl.Series([outside(r) for r in ranged.iter_rows(named=True)], dtype=pl.Boolean)
        )
        return [
            issues_frame(
                unknown[ROW], "INDIKATOR", unknown["indicator_id"], "error", "indicator_unknown"
            ),
            issues_frame(
                codes[ROW], "KODE_WILAYAH", codes["kode_wilayah"], "error", "target_region_unknown"
            ),
            issues_frame(ranged[ROW], "TARGET", ranged["target"], "error", "target_out_of_range"),
            _repeated(
                values, ["indicator_id", "year", "kode_wilayah"], "INDIKATOR", "target_twice"
            ),
            region_scope_issues(
                values.filter(pl.col("kode_wilayah") != ""), actor, "KODE_WILAYAH", "kode_wilayah"
            ),
        ]

    return checks


def import_targets(
    engine: Engine,
    actor: Actor,
    path: Path,
    *,
    sheet: str | None = None,
    catalogue: Catalogue | None = None,
) -> ListReport:
    """Land the good rows of a planning workbook's targets: each replaces the target of its
    indicator, year and region. A national target (empty KODE_WILAYAH) needs a national
    account; a regional one must lie within the importer's region."""
    actor.require_role(*IMPORTERS, doing="mengimpor target indikator")
    catalogue = catalogue or load_catalogue()
    landed, report = _checked(path, TARGET_COLUMNS, sheet, _target_checks(catalogue, actor))
    rows = landed.select(
        "indicator_id",
        pl.col("year").cast(pl.Int64),
        pl.col("kode_wilayah").fill_null("").str.replace_all(r"[.\s]", ""),
        pl.col("target").cast(pl.Float64),
    )
    if actor.region is not None:  # a regional account sets no national target
        national = rows.filter(pl.col("kode_wilayah") == "")
        rows = rows.filter(pl.col("kode_wilayah") != "")
        report.rows_landed -= national.height
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session, session.begin():
        keys = list(rows.select("indicator_id", "year", "kode_wilayah").iter_rows())
        if keys:
            session.execute(
                delete(IndicatorTarget).where(
                    tuple_(
                        IndicatorTarget.indicator_id,
                        IndicatorTarget.year,
                        IndicatorTarget.kode_wilayah,
                    ).in_(keys)
                )
            )
        bulk_insert(
            session.connection(),
            "indicator_target",
            rows.with_columns(
                source_file=pl.lit(path.name),
                imported_by=pl.lit(actor.username),
                imported_at=pl.lit(now),
            ),
        )
        record_event(
            session.connection(),
            actor=actor,
            action="indicator.targets_import",
            entity="indicator_target",
            entity_id=path.name,
            region=actor.region,
            before=None,
            after={"file": path.name, "rows": rows.height, "rejected": report.rows_rejected},
        )
    report.new = rows.height
    return report


def _survey_checks(actor: Actor) -> Callable[[CleanTable], list[pl.DataFrame]]:
    def checks(clean: CleanTable) -> list[pl.DataFrame]:
        values = clean.values.with_columns(pl.col("kelompok").str.to_lowercase())
        unknown = values.filter(
            pl.col("kelompok").is_not_null() & ~pl.col("kelompok").is_in(list(SURVEY_GROUPS))
        )
        return [
            issues_frame(
                unknown[ROW], "KELOMPOK", unknown["kelompok"], "error", "survey_group_unknown"
            ),
            _repeated(values, ["respondent", "kelompok"], "ID_RESPONDEN", "respondent_twice"),
            region_scope_issues(values, actor, "KODE_WILAYAH", "kode_wilayah"),
        ]

    return checks


def import_survey(
    engine: Engine, actor: Actor, path: Path, period: str, *, sheet: str | None = None
) -> ListReport:
    """Land the good rows of an assessment file for ``period`` (an edition's period): they
    replace that period's scores of the same groups and desa (a corrected file is imported
    again whole)."""
    actor.require_role(*IMPORTERS, doing="mengimpor skor asesmen keberfungsian sosial")
    label, _, _ = parse_period(period)
    landed, report = _checked(path, SURVEY_COLUMNS, sheet, _survey_checks(actor))
    rows = landed.select(
        pl.col("kelompok").str.to_lowercase(),
        "kode_wilayah",
        "respondent",
        pl.col("jenis_kelamin").cast(pl.Int64),
        pl.col("umur").cast(pl.Int64),
        pl.col("score").cast(pl.Float64),
    )
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session, session.begin():
        places = list(rows.select("kelompok", "kode_wilayah").unique().iter_rows())
        if places:
            session.execute(
                delete(IndicatorSurveyScore).where(
                    IndicatorSurveyScore.period == label,
                    tuple_(IndicatorSurveyScore.kelompok, IndicatorSurveyScore.kode_wilayah).in_(
                        places
                    ),
                )
            )
        bulk_insert(
            session.connection(),
            "indicator_survey_score",
            rows.with_columns(
                period=pl.lit(label),
                source_file=pl.lit(path.name),
                imported_by=pl.lit(actor.username),
                imported_at=pl.lit(now),
            ),
        )
        record_event(
            session.connection(),
            actor=actor,
            action="indicator.survey_import",
            entity="indicator_survey_score",
            entity_id=f"{label}:{path.name}",
            region=actor.region,
            before=None,
            after={"period": label, "file": path.name, "rows": rows.height},
        )
    report.new = rows.height
    return report


__all__ = [
    "IMPORTERS",
    "SURVEY_COLUMNS",
    "SURVEY_GROUPS",
    "TARGET_COLUMNS",
    "import_survey",
    "import_targets",
]
