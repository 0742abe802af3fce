"""The roll-up: a province's kab/kota (or any region's children) side by side on the
profile's measures, one row each, for the meeting that compares them."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from terpadu.registry import region_name
from terpadu.reports.tkpk import counts
from terpadu.reports.tkpk.model import Chart, Report, Section, Table
from terpadu.reports.tkpk.profile import (
    STALE_MONTHS,
    ReportError,
    Say,
    _place,
    _ranking,
    _say,
    region_prefix,
    resolve_edition,
)

#: Code length of the regions one level below a code of each length.
CHILD_LENGTH = {0: 2, 2: 4, 4: 6, 6: 10}


def _by_child(
    frame: pl.DataFrame, length: int, name: str, expr: pl.Expr | None = None
) -> pl.DataFrame:
    """``frame`` counted (or ``expr`` aggregated) per child region code."""
    keyed = frame.with_columns(pl.col("kode_wilayah").str.slice(0, length).alias("kode"))
    keyed = keyed.filter(pl.col("kode").str.len_chars() == length)
    return keyed.group_by("kode").agg((expr if expr is not None else pl.len()).alias(name))


def breakdown(
    engine: Engine,
    region: str,
    *,
    edition: str | None = None,
    lang: str = "id",
    today: dt.date | None = None,
) -> pl.DataFrame:
    """One row per region one level below ``region`` with the profile's measures."""
    prefix = region_prefix(region)
    length = CHILD_LENGTH.get(len(prefix))
    if length is None:
        return pl.DataFrame({"kode": [], "nama": []}, schema={"kode": pl.Utf8, "nama": pl.Utf8})
    say = _say(lang)
    profile = _ranking(engine, prefix, resolve_edition(engine, edition), bool(edition), say)
    families = counts.members(engine, prefix)
    enrolled = counts.enrolments(engine, prefix).unique("family_id")
    niks = counts.person_niks(engine, prefix)
    fresh = counts.freshness(engine, prefix, today or dt.date.today())
    _, findings = counts.dukcapil_findings(engine, prefix)
    staff = counts.workers(engine, prefix).unique(["worker", "kode_wilayah"])
    parts = [
        _by_child(families, length, "keluarga"),
        _by_child(families, length, "jiwa", pl.col("anggota").sum()),
        _by_child(enrolled, length, "keluarga_program"),
        _by_child(niks, length, "nik_tidak_sah", pl.col("nik_invalid").sum()),
        _by_child(niks, length, "tanpa_nik", pl.col("nik").null_count()),
        _by_child(counts.pending_duplicates(engine, prefix), length, "duplikat_tertunda"),
        _by_child(findings, length, "temuan_dukcapil"),
        _by_child(
            fresh, length, "data_lama", (pl.col("bulan").fill_null(999) >= STALE_MONTHS).sum()
        ),
        _by_child(counts.institutions(engine, prefix), length, "lembaga"),
        _by_child(
            staff.with_columns(pl.col("kode_wilayah").str.slice(0, length)).unique(
                ["worker", "kode_wilayah"]
            ),
            length,
            "pekerja_sosial",
        ),
    ]
    ranked = pl.DataFrame(
        [
            (s["kode"], s["keluarga"], s["persen_desil_1_4"], s["M0"])
            for s in (profile.subregions if profile else [])
        ],
        schema={
            "kode": pl.Utf8,
            "berperingkat": pl.Int64,
            "persen_desil_1_4": pl.Float64,
            "M0": pl.Float64,
        },
        orient="row",
    )
    codes = sorted({c for part in [*parts, ranked] for c in part["kode"].to_list()})
    table = pl.DataFrame({"kode": codes}, schema={"kode": pl.Utf8})
    for part in [*parts, ranked]:
        table = table.join(part, on="kode", how="left")
    whole = [c for c in table.columns if c not in ("kode", "persen_desil_1_4", "M0")]
    table = table.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in whole)
    return table.with_columns(
        pl.col("kode").map_elements(region_name, pl.Utf8).alias("nama"),
        _ratio("keluarga_program", "keluarga").alias("persen_program"),
        _ratio("data_lama", "keluarga").alias("persen_data_lama"),
    ).select(
        "kode",
        "nama",
        "keluarga",
        "jiwa",
        "berperingkat",
        "persen_desil_1_4",
        "M0",
        "keluarga_program",
        "persen_program",
        "nik_tidak_sah",
        "tanpa_nik",
        "duplikat_tertunda",
        "temuan_dukcapil",
        "persen_data_lama",
        "lembaga",
        "pekerja_sosial",
    )


def _ratio(part: str, whole: str) -> pl.Expr:
    return pl.when(pl.col(whole) > 0).then(pl.col(part) / pl.col(whole)).otherwise(0.0)


def rollup_headers(say: Say) -> dict[str, str]:
    """The roll-up's column names for people."""
    return {
        "kode": say("col_code"),
        "nama": say("col_region"),
        "keluarga": say("col_families"),
        "jiwa": say("col_persons"),
        "berperingkat": say("col_ranked"),
        "persen_desil_1_4": say("col_desil_1_4"),
        "M0": "M0",
        "keluarga_program": say("col_program_families"),
        "persen_program": say("col_share_program"),
        "nik_tidak_sah": say("q_nik_invalid"),
        "tanpa_nik": say("q_nik_missing"),
        "duplikat_tertunda": say("q_duplicates"),
        "temuan_dukcapil": say("col_dukcapil"),
        "persen_data_lama": say("col_stale", months=STALE_MONTHS),
        "lembaga": say("col_institutions"),
        "pekerja_sosial": say("col_workers"),
    }


ROLLUP_PERCENT = ("persen_desil_1_4", "persen_program", "persen_data_lama")


def province_rollup(
    engine: Engine,
    province: str,
    *,
    edition: str | None = None,
    lang: str = "id",
    today: dt.date | None = None,
) -> Report:
    """The kab/kota of ``province`` compared on the profile's measures."""
    say = _say(lang)
    prefix = region_prefix(province)
    if len(prefix) != 2:
        raise ReportError(say("rollup_province_only", region=province))
    table = breakdown(engine, prefix, edition=edition, lang=lang, today=today)
    name = _place(prefix, lang)
    labels = table["nama"].to_list()
    charts = [
        Chart(
            say(title),
            [
                (n or k, 100 * float(v or 0))
                for n, k, v in zip(labels, table["kode"], table[col], strict=True)
            ],
            kind="hbar",
            percent=True,
            color=color,
        )
        for title, col, color in (
            ("rollup_chart_desil", "persen_desil_1_4", "#2f6f4f"),
            ("rollup_chart_program", "persen_program", "#2b6cb0"),
            ("rollup_chart_stale", "persen_data_lama", "#a33b2b"),
        )
    ]
    section = Section(
        "rekap",
        say("rollup_section", region=name),
        say("rollup_text", n=table.height, months=STALE_MONTHS),
        [
            Table(
                "rekap_kabkota",
                say("rollup_section", region=name),
                table,
                rollup_headers(say),
                percent=ROLLUP_PERCENT,
            )
        ],
        charts,
    )
    return Report(
        kind="rekap",
        title=say("rollup_title", region=name),
        region=prefix,
        region_name=name,
        edition=resolve_edition(engine, edition),
        lang=lang,
        generated=dt.datetime.now(dt.UTC),
        sections=[section],
    )
