"""The region poverty profile a TKPK meeting reads, and the roll-up of a province's kab/kota.

For a region (province, kab/kota, kecamatan or desa) and an edition: the desil distribution
and the deprivation dimensions of the ranking run on that edition, the programmes (families
and persons per programme, and which programmes families hold together), data quality
(invalid NIK, no NIK, duplicates waiting for a clerk, Dukcapil findings, how old the records
are), the social workforce and institutions, and the indicators against their targets. Each part is a :class:`Section` with its
tables and charts; the writers (:mod:`terpadu.reports.tkpk.render`) lay them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
from sqlalchemy import Engine, text

from terpadu.editions import current_edition, get_edition
from terpadu.errors import TerpaduError
from terpadu.locale import fmt_decimal, fmt_number, has_text
from terpadu.locale import text as words
from terpadu.regions import normalize_code
from terpadu.registry import region_name
from terpadu.reports.tkpk import counts
from terpadu.reports.tkpk.model import Chart, Report, Section, Table
from terpadu.reports.tkpk.scorecard import scorecard_section
from terpadu.welfare import NoRanking, poverty_profile
from terpadu.welfare.report import PROGRAM_DESIL, PovertyProfile

#: Records older than this many months count as stale in the roll-up.
STALE_MONTHS = 12
Say = Callable[..., str]


class ReportError(TerpaduError, ValueError):
    """A report that cannot be made as asked (wrong region level, edition not ranked)."""

    code = "report_refused"


def _say(lang: str) -> Say:
    """The catalogue's words (area ``tkpk``), whole numbers and decimals written the
    language's way (a decimal with one digit: give a string for more)."""

    def shown(value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return fmt_number(value, lang)
        if isinstance(value, float):
            return fmt_decimal(value, lang, digits=1)
        return value

    def say(key: str, **values: object) -> str:
        return words(f"tkpk.{key}", lang, **{k: shown(v) for k, v in values.items()})

    return say


def _label(area: str, code: str, lang: str) -> str:
    key = f"{area}.{code}"
    return words(key, lang) if has_text(key) else code


def region_prefix(region: str) -> str:
    """The undotted code of ``region`` ('' for the whole country)."""
    if region.strip().lower() in ("", "nasional", "national", "id", "indonesia"):
        return ""
    return normalize_code(region)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# -- the edition -----------------------------------------------------------------------------
def _run_edition(engine: Engine, run_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT e.period FROM welfare_run r JOIN edition e ON e.id = r.edition_id "
                "WHERE r.id = :id"
            ),
            {"id": run_id},
        ).scalar()


def resolve_edition(engine: Engine, edition: str | None) -> str | None:
    """The edition asked for (checked to be published), else the latest one (None: none)."""
    if edition:
        return get_edition(engine, edition).period
    latest = current_edition(engine)
    return latest.period if latest else None


def _ranking(
    engine: Engine, prefix: str, edition: str | None, asked: bool, say: Say
) -> PovertyProfile | None:
    """The current ranking's profile of the region; refused when an edition was asked for
    and the ranking ran on another one."""
    try:
        profile = poverty_profile(engine, prefix or "nasional")
    except NoRanking:
        return None
    ranked_on = _run_edition(engine, profile.run_id)
    if asked and ranked_on != edition:
        raise ReportError(
            say("edition_not_ranked", edition=edition, ranked=ranked_on or say("no_edition"))
        )
    return profile


# -- sections --------------------------------------------------------------------------------
def _desil_section(profile: PovertyProfile | None, lang: str, say: Say) -> Section:
    if profile is None:
        return Section("desil", say("desil_title"), say("not_ranked"))
    frame = pl.DataFrame(profile.desil)
    desil = Table(
        "desil",
        say("desil_title"),
        frame,
        {"desil": "Desil", "keluarga": say("col_families"), "persen": say("col_share")},
        percent=("persen",),
    )
    tables = [desil]
    if profile.subregions:
        sub = pl.DataFrame(profile.subregions).rename(
            {f"persen_desil_1_{PROGRAM_DESIL}": "persen_desil_1_4"}
        )
        tables.append(
            Table(
                "subwilayah",
                say("subregions_title"),
                sub,
                {
                    "kode": say("col_code"),
                    "nama": say("col_region"),
                    "keluarga": say("col_ranked"),
                    "persen_desil_1_4": say("col_desil_1_4"),
                },
                percent=("persen_desil_1_4", "H"),
            )
        )
    m = profile.measures
    return Section(
        "desil",
        say("desil_title"),
        say(
            "desil_text",
            n=int(m["n"]),
            program=int(m["desil_program"]),
            share=100 * _share(int(m["desil_program"]), int(m["n"])),
            run=profile.run_id,
            model=profile.model_version,
            date=profile.reference_date,
        ),
        tables,
        [
            Chart(
                say("desil_chart"), [(str(d["desil"]), float(d["keluarga"])) for d in profile.desil]
            )
        ],
    )


def _dimension_name(row: dict[str, Any], lang: str) -> str:
    key = f"reports.dimension_name.{row.get('dimensi')}"
    return words(key, lang) if has_text(key) else str(row.get("label") or row.get("dimensi"))


def _deprivation_section(profile: PovertyProfile | None, lang: str, say: Say) -> Section:
    if profile is None:
        return Section("deprivasi", say("deprivation_title"), say("not_ranked"))
    rows: list[dict[str, Any]] = [
        {
            "dimensi": _dimension_name(d, lang),
            "bobot": float(d["bobot"]),
            "persen_terdeprivasi": float(d["persen_terdeprivasi"]),
            "kontribusi": float(d["kontribusi"]),
            "persen_kontribusi": float(d["persen_kontribusi"]),
        }
        for d in profile.dimensions
    ]
    table = Table(
        "deprivasi",
        say("deprivation_title"),
        pl.DataFrame(rows),
        {
            "dimensi": say("col_dimension"),
            "bobot": say("col_weight"),
            "persen_terdeprivasi": say("col_deprived"),
            "kontribusi": say("col_contribution"),
            "persen_kontribusi": say("col_contribution_share"),
        },
        percent=("persen_terdeprivasi", "persen_kontribusi"),
    )
    return Section(
        "deprivasi",
        say("deprivation_title"),
        say(
            "deprivation_text",
            q=int(profile.measures["q"]),
            h=fmt_decimal(profile.headcount, lang, digits=2),
            a=fmt_decimal(profile.intensity, lang, digits=2),
            m0=fmt_decimal(profile.m0, lang, digits=4),
        ),
        [table],
        [
            Chart(
                say("deprivation_chart"),
                [(str(r["dimensi"]), 100 * float(r["persen_terdeprivasi"])) for r in rows],
                kind="hbar",
                percent=True,
                color="#8a5a00",
            )
        ],
    )


def _program_section(engine: Engine, prefix: str, families: pl.DataFrame, say: Say) -> Section:
    enrolled = counts.enrolments(engine, prefix)
    sizes = families.select("family_id", "anggota")
    total = families.height
    per_program = (
        enrolled.select("family_id", "program")
        .unique()
        .join(sizes, on="family_id", how="left")
        .group_by("program")
        .agg(
            pl.len().alias("keluarga"),
            pl.col("anggota").fill_null(0).sum().alias("jiwa"),
        )
        .with_columns((pl.col("keluarga") / max(total, 1)).alias("persen_keluarga"))
        .sort("program")
    )
    combos = (
        enrolled.group_by("family_id")
        .agg(pl.col("program").unique().sort().str.join(" + ").alias("kombinasi"))
        .group_by("kombinasi")
        .agg(pl.len().alias("keluarga"))
        .sort(["keluarga", "kombinasi"], descending=[True, False])
    )
    reached = enrolled["family_id"].n_unique()
    programs = Table(
        "program",
        say("programs_title"),
        per_program.cast({"keluarga": pl.Int64, "jiwa": pl.Int64}),
        {
            "program": say("col_program"),
            "keluarga": say("col_families"),
            "jiwa": say("col_persons"),
            "persen_keluarga": say("col_share_families"),
        },
        percent=("persen_keluarga",),
    )
    combo = Table(
        "kombinasi_program",
        say("combos_title"),
        combos.cast({"keluarga": pl.Int64}),
        {"kombinasi": say("col_combination"), "keluarga": say("col_families")},
    )
    charts = []
    if per_program.height:
        charts = [
            Chart(
                say("programs_chart"),
                [(p, float(k)) for p, k in per_program.select("program", "keluarga").iter_rows()],
                kind="hbar",
                color="#2b6cb0",
            ),
            Chart(
                say("combos_chart"),
                [(c, float(k)) for c, k in combos.head(12).iter_rows()],
                kind="hbar",
                color="#2b6cb0",
            ),
        ]
    return Section(
        "program",
        say("programs_title"),
        say("programs_text", reached=reached, total=total, share=100 * _share(reached, total))
        if per_program.height
        else say("programs_none"),
        [programs, combo],
        charts,
    )


def _quality_section(engine: Engine, prefix: str, today: dt.date, lang: str, say: Say) -> Section:
    niks = counts.person_niks(engine, prefix)
    persons = niks.height
    invalid = int(niks["nik_invalid"].sum())
    missing = int(niks["nik"].null_count())
    pending = counts.pending_duplicates(engine, prefix).height
    check, findings = counts.dukcapil_findings(engine, prefix)
    rows: list[tuple[str, str, int, float | None]] = [
        ("nik_invalid", say("q_nik_invalid"), invalid, _share(invalid, persons)),
        ("nik_missing", say("q_nik_missing"), missing, _share(missing, persons)),
        ("duplicates_pending", say("q_duplicates"), pending, None),
    ]
    by_finding = findings.group_by("finding").len().sort("finding")
    for finding, n in by_finding.iter_rows():
        name = _label("pages.finding", finding, lang)
        rows.append((f"dukcapil_{finding}", say("q_dukcapil", finding=name), int(n), None))
    quality = pl.DataFrame(
        rows,
        schema={"ukuran": pl.Utf8, "uraian": pl.Utf8, "jumlah": pl.Int64, "persen": pl.Float64},
        orient="row",
    )
    fresh = counts.freshness(engine, prefix, today)
    total = fresh.height
    keys = [key for _, key in counts.FRESHNESS] + [counts.STALE]
    tally = dict(fresh.group_by("bucket").len().iter_rows())
    freshness = pl.DataFrame(
        {
            "umur_data": [say(f"age_{k}") for k in keys],
            "keluarga": [int(tally.get(k, 0)) for k in keys],
            "persen": [_share(int(tally.get(k, 0)), total) for k in keys],
        }
    )
    stale = sum(int(tally.get(k, 0)) for k in keys[2:])
    text_parts = [
        say("quality_text", persons=persons, stale=stale, share=100 * _share(stale, total))
    ]
    text_parts.append(say("dukcapil_none") if check is None else say("dukcapil_check", check=check))
    return Section(
        "mutu",
        say("quality_title"),
        " ".join(text_parts),
        [
            Table(
                "mutu_data",
                say("quality_title"),
                quality,
                {
                    "ukuran": say("col_measure_code"),
                    "uraian": say("col_measure"),
                    "jumlah": say("col_count"),
                    "persen": say("col_share_persons"),
                },
                percent=("persen",),
                internal=("ukuran",),
            ),
            Table(
                "umur_data",
                say("freshness_title"),
                freshness,
                {
                    "umur_data": say("col_age"),
                    "keluarga": say("col_families"),
                    "persen": say("col_share"),
                },
                percent=("persen",),
            ),
        ],
        [
            Chart(
                say("quality_chart"),
                [(u, float(n)) for u, n in quality.select("uraian", "jumlah").iter_rows()],
                kind="hbar",
                color="#a33b2b",
            ),
            Chart(
                say("freshness_chart"),
                [(a, float(n)) for a, n in freshness.select("umur_data", "keluarga").iter_rows()],
                color="#6b4f9e",
            ),
        ],
    )


def _services_section(engine: Engine, prefix: str, lang: str, say: Say) -> Section:
    staff = counts.workers(engine, prefix)
    roles = (
        staff.unique("worker")
        .group_by("role")
        .agg(pl.len().alias("orang"))
        .with_columns(
            pl.col("role")
            .map_elements(lambda r: _label("social.role", r, lang), pl.Utf8)
            .alias("peran")
        )
        .select("peran", pl.col("orang").cast(pl.Int64))
        .sort("peran")
    )
    places = counts.institutions(engine, prefix)
    kinds = (
        places.group_by("kind")
        .agg(
            pl.len().alias("lembaga"),
            pl.col("capacity").sum().alias("kapasitas"),
            pl.col("residents").sum().alias("penghuni"),
        )
        .with_columns(
            pl.col("kind")
            .map_elements(lambda k: _label("social.kind", k, lang), pl.Utf8)
            .alias("jenis")
        )
        .select("jenis", *(pl.col(c).cast(pl.Int64) for c in ("lembaga", "kapasitas", "penghuni")))
        .sort("jenis")
    )
    charts = []
    if roles.height:
        charts.append(
            Chart(
                say("workforce_chart"), [(r, float(n)) for r, n in roles.iter_rows()], kind="hbar"
            )
        )
    if kinds.height:
        charts.append(
            Chart(
                say("institutions_chart"),
                [(k, float(n)) for k, n in kinds.select("jenis", "penghuni").iter_rows()],
                kind="hbar",
                color="#6b4f9e",
            )
        )
    return Section(
        "layanan",
        say("services_title"),
        say(
            "services_text",
            workers=staff["worker"].n_unique(),
            institutions=places.height,
            capacity=int(places["capacity"].sum()),
            residents=int(places["residents"].sum()),
        ),
        [
            Table(
                "pekerja_sosial",
                say("workforce_title"),
                roles,
                {"peran": say("col_role"), "orang": say("col_people")},
            ),
            Table(
                "lembaga",
                say("institutions_title"),
                kinds,
                {
                    "jenis": say("col_kind"),
                    "lembaga": say("col_institutions"),
                    "kapasitas": say("col_capacity"),
                    "penghuni": say("col_residents"),
                },
            ),
        ],
        charts,
    )


def _place(prefix: str, lang: str) -> str:
    return region_name(prefix) if prefix else words("tkpk.national", lang)


def region_profile(
    engine: Engine,
    region: str,
    *,
    edition: str | None = None,
    lang: str = "id",
    today: dt.date | None = None,
) -> Report:
    """The TKPK poverty profile of ``region`` (a Kemendagri code or 'nasional').

    ``edition`` (a period such as 2026-11) must be the edition the current ranking ran on;
    without it the latest published edition is named. The programme, data-quality and
    services counts are the registry's as of the report's date."""
    say = _say(lang)
    prefix = region_prefix(region)
    period = resolve_edition(engine, edition)
    profile = _ranking(engine, prefix, period, bool(edition), say)
    families = counts.members(engine, prefix)
    sections = [
        _desil_section(profile, lang, say),
        _deprivation_section(profile, lang, say),
        _program_section(engine, prefix, families, say),
        _quality_section(engine, prefix, today or dt.date.today(), lang, say),
        _services_section(engine, prefix, lang, say),
        scorecard_section(engine, prefix, period, lang, say),
    ]
    name = _place(prefix, lang)
    return Report(
        kind="profil",
        title=say("profile_title", region=name),
        region=prefix,
        region_name=name,
        edition=period,
        lang=lang,
        generated=dt.datetime.now(dt.UTC),
        sections=sections,
    )
