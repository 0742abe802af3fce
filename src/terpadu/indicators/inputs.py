"""What an indicator run reads: the edition's snapshot and the results tied to it.

Every input is registered on the batch engine under the names the catalogue's queries use
(docs/indicators.md): ``fam``, ``mem``, ``enrol``, ``flags``, ``pending_dup``, ``updating``,
``desa_list``, ``survey``, ``prev_fam`` (and ``fam_all``/``prev_fam_all``, not limited to
the region, for the change between editions). The ranking and the enrolments are those of
runs made on this edition, so recomputing an edition reads the same data again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, text

from terpadu.editions import EditionInfo, get_edition, list_editions, open_edition
from terpadu.engine import BatchEngine
from terpadu.engine.family import members_sql
from terpadu.periods import parse_period
from terpadu.regions import regions_frame
from terpadu.targeting.inputs import civil_registry_flags
from terpadu.verval.indicator import updating_regions

#: Age groups of the disaggregation ``kelompok_umur`` (the ATS groups among them).
AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("0-6", 0, 6),
    ("7-12", 7, 12),
    ("13-15", 13, 15),
    ("16-18", 16, 18),
    ("19-59", 19, 59),
    ("60+", 60, 200),
)


def age_group_sql(column: str) -> str:
    """The ``kelompok_umur`` label of an age in completed years (NULL when unknown)."""
    cases = " ".join(
        f"WHEN {column} BETWEEN {low} AND {high} THEN '{label}'" for label, low, high in AGE_GROUPS
    )
    return f"CASE {cases} END"


def nik_valid_sql(column: str) -> str:
    """1 where a NIK is 16 digits with a possible province, birth day and month, else 0."""

    def part(start: int) -> str:
        return f"try_cast(substr({column}, {start}, 2) AS INT)"

    return (
        f"CASE WHEN length({column}) = 16 AND translate({column}, '0123456789', '') = '' "
        f"AND {part(1)} BETWEEN 11 AND 96 "
        f"AND ({part(7)} BETWEEN 1 AND 31 OR {part(7)} BETWEEN 41 AND 71) "
        f"AND {part(9)} BETWEEN 1 AND 12 THEN 1 ELSE 0 END"
    )


def reference_date(period: str) -> dt.date:
    """The day ages and freshness are counted at: the last day of the edition's period."""
    _, _, end = parse_period(period)
    return end.date() - dt.timedelta(days=1)


@dataclass(frozen=True)
class EditionInputs:
    """The data of one indicator run and what identifies it."""

    edition: EditionInfo
    edition_id: int
    previous: EditionInfo | None
    reference: dt.date
    tables: dict[str, pa.Table]
    welfare_runs: dict[str, int | None]
    flags_available: bool
    digest: str


def _rows(engine: Engine, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params or {}).all())


def edition_id(engine: Engine, period: str) -> int:
    return int(_rows(engine, "SELECT id FROM edition WHERE period = :p", {"p": period})[0][0])


def previous_edition(engine: Engine, period: str) -> EditionInfo | None:
    """The edition published just before ``period``'s, if any."""
    periods = [e.period for e in list_editions(engine)]
    at = periods.index(period)
    return get_edition(engine, periods[at - 1]) if at > 0 else None


def welfare_of_edition(engine: Engine, edition: int) -> tuple[pa.Table, int | None]:
    """(family_id, desil) of the latest ranking made on the edition; its run id."""
    runs = _rows(engine, "SELECT max(id) FROM welfare_run WHERE edition_id = :e", {"e": edition})
    run = runs[0][0] if runs else None
    rows = (
        _rows(engine, "SELECT family_id, desil FROM family_welfare WHERE run_id = :r", {"r": run})
        if run is not None
        else []
    )
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"family_id": pl.Int64, "desil": pl.Int64},
        orient="row",
    )
    return frame.to_arrow(), (int(run) if run is not None else None)


def enrolments_of_edition(engine: Engine, edition: int) -> tuple[pa.Table, list[int]]:
    """(family_id, program) of each programme's latest targeting run on the edition."""
    runs = _rows(
        engine,
        "SELECT program, max(id) FROM targeting_run WHERE edition_id = :e GROUP BY program",
        {"e": edition},
    )
    ids = sorted(int(r[1]) for r in runs)
    frames = [pl.DataFrame(schema={"family_id": pl.Int64, "program": pl.Utf8})]
    for run in ids:
        rows = _rows(
            engine, "SELECT family_id, program FROM enrolment WHERE run_id = :r", {"r": run}
        )
        frames.append(
            pl.DataFrame(
                [tuple(r) for r in rows],
                schema={"family_id": pl.Int64, "program": pl.Utf8},
                orient="row",
            )
        )
    return pl.concat(frames).unique().sort("family_id", "program").to_arrow(), ids


def _codes(codes: list[str]) -> pa.Table:
    return pl.DataFrame(
        {"kode_wilayah": sorted(codes)}, schema={"kode_wilayah": pl.Utf8}
    ).to_arrow()


def pending_duplicates(engine: Engine) -> pa.Table:
    """The region of every suspected duplicate pair still awaiting review."""
    rows = _rows(
        engine,
        "SELECT kode_wilayah FROM review_pair WHERE state = 'pending' AND kode_wilayah IS NOT NULL",
    )
    return _codes([str(r[0]) for r in rows])


def survey_scores(engine: Engine, period: str) -> pa.Table:
    """The social-functioning assessments imported for the edition's period."""
    rows = _rows(
        engine,
        "SELECT kelompok, kode_wilayah, jenis_kelamin, umur, score FROM indicator_survey_score "
        "WHERE period = :p ORDER BY id",
        {"p": period},
    )
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "kelompok": pl.Utf8,
            "kode_wilayah": pl.Utf8,
            "jenis_kelamin": pl.Int64,
            "umur": pl.Int64,
            "score": pl.Float64,
        },
        orient="row",
    ).to_arrow()


def _digest(parts: dict[str, object], tables: dict[str, pa.Table]) -> str:
    """sha256 over the editions' manifests, the run ids and the side tables' contents."""
    digest = hashlib.sha256(repr(sorted(parts.items())).encode())
    for name in sorted(tables):
        digest.update(name.encode())
        frame = pl.from_arrow(tables[name])
        assert isinstance(frame, pl.DataFrame)
        digest.update(str(frame.hash_rows().sum()).encode() + str(frame.height).encode())
    return digest.hexdigest()


def load_inputs(engine: Engine, period: str) -> EditionInputs:
    """Everything a run on edition ``period`` reads from the database."""
    info = get_edition(engine, period)
    open_edition(engine, info.period)  # checked against the catalogue before it is read
    this_id = edition_id(engine, info.period)
    previous = previous_edition(engine, info.period)
    welfare, welfare_run = welfare_of_edition(engine, this_id)
    enrol, targeting_runs = enrolments_of_edition(engine, this_id)
    flags, flags_available = civil_registry_flags(engine)
    tables = {
        "welfare": welfare,
        "enrol": enrol,
        "flags": flags,
        "pending_dup": pending_duplicates(engine),
        "updating": _codes(updating_regions(engine, info.period)),
        "survey": survey_scores(engine, info.period),
    }
    runs: dict[str, int | None] = {"welfare": welfare_run}
    if previous is not None:
        tables["prev_welfare"], runs["prev_welfare"] = welfare_of_edition(
            engine, edition_id(engine, previous.period)
        )
    parts: dict[str, object] = {
        "edition": info.manifest_sha256,
        "previous": previous.manifest_sha256 if previous else None,
        "targeting_runs": targeting_runs,
        **runs,
    }
    return EditionInputs(
        edition=info,
        edition_id=this_id,
        previous=previous,
        reference=reference_date(info.period),
        tables=tables,
        welfare_runs=runs,
        flags_available=flags_available,
        digest=_digest(parts, tables),
    )


def _register_families(batch: BatchEngine, name: str, path: Path) -> None:
    """A snapshot's families, with ``desil_nasional`` blank where an old edition lacks it."""
    batch.register_parquet(f"{name}_snapshot", path)
    has_desil = "desil_nasional" in pq.read_schema(path).names
    extra = "" if has_desil else ", CAST(NULL AS INT) AS desil_nasional"
    batch.execute(
        f"CREATE OR REPLACE TEMPORARY VIEW {name} AS SELECT *{extra} FROM {name}_snapshot"
    )


def _family_view(families: str, welfare: str, ranked: bool, reference: dt.date) -> str:
    """One row per family: region, active or not, desil, months since its last update."""
    desil = "w.desil" if ranked else "f.desil_nasional"
    updated = "try_cast(substr(f.updated_at, 1, 10) AS DATE)"
    months = f"({reference.year} - year({updated})) * 12 + ({reference.month} - month({updated}))"
    return f"""
        SELECT CAST(f.id AS BIGINT) AS family_id, f.kode_wilayah,
               CASE WHEN f.status = 'aktif' THEN 1 ELSE 0 END AS aktif,
               CAST({desil} AS INT) AS desil, {months} AS bulan_sejak_pembaruan
        FROM {families} f LEFT JOIN {welfare} w ON w.family_id = f.id
    """


def _within(region: str | None, column: str = "kode_wilayah") -> str:
    if not region:
        return "1 = 1"
    return f"substr({column}, 1, {len(region)}) = '{region}'"


def register_inputs(batch: BatchEngine, inputs: EditionInputs, region: str | None) -> set[str]:
    """Register every input under its catalogue name; the requirements the edition meets."""
    for name, table in inputs.tables.items():
        batch.register_table(f"in_{name}", table)
    snapshot = inputs.edition.path
    _register_families(batch, "families", snapshot / "families.parquet")
    batch.register_parquet("persons", snapshot / "persons.parquet")
    ranked = inputs.welfare_runs.get("welfare") is not None
    within = _within(region)
    batch.materialise("fam_all", _family_view("families", "in_welfare", ranked, inputs.reference))
    batch.view("fam", f"SELECT * FROM fam_all WHERE {within}")
    members = members_sql(inputs.reference, "persons", heads=False)
    batch.materialise(
        "mem",
        f"""
        SELECT m.person_id, m.family_id, f.kode_wilayah, f.desil, m.jenis_kelamin, m.umur,
               {age_group_sql("m.umur")} AS kelompok_umur, m.partisipasi_sekolah,
               {nik_valid_sql("m.nik")} AS nik_valid,
               CASE WHEN m.nik IS NOT NULL AND m.nik <> '' AND m.umur IS NOT NULL
                         AND m.jenis_kelamin IS NOT NULL AND m.hub IS NOT NULL
                         AND m.pendidikan_tertinggi IS NOT NULL THEN 1 ELSE 0 END AS lengkap
        FROM ({members}) m JOIN fam f ON f.family_id = m.family_id
        WHERE m.asing = 0 AND f.aktif = 1
        """,
    )
    batch.view("enrol", "SELECT e.family_id, e.program FROM in_enrol e")
    batch.view("flags", "SELECT person_id, nik_ditolak FROM in_flags")
    batch.view("pending_dup", f"SELECT kode_wilayah FROM in_pending_dup WHERE {within}")
    batch.view("updating", f"SELECT kode_wilayah FROM in_updating WHERE {within}")
    desa = regions_frame("desa").select(pl.col("code").alias("kode_wilayah")).sort("kode_wilayah")
    batch.register_table("in_desa_list", desa.to_arrow())
    # Every desa of the kab/kota the edition holds families in: an office's registry covers
    # its own regions, not the whole country.
    batch.view(
        "desa_list",
        f"""SELECT d.kode_wilayah FROM in_desa_list d
            WHERE substr(d.kode_wilayah, 1, 4) IN (SELECT DISTINCT substr(kode_wilayah, 1, 4)
                                                   FROM fam_all)
              AND {_within(region, "d.kode_wilayah")}""",
    )
    batch.view(
        "survey",
        f"SELECT kelompok, kode_wilayah, jenis_kelamin, umur, "
        f"{age_group_sql('umur')} AS kelompok_umur, score FROM in_survey WHERE {within}",
    )
    met = set()
    if inputs.previous is not None:
        _register_families(batch, "prev_families", inputs.previous.path / "families.parquet")
        prev_ranked = inputs.welfare_runs.get("prev_welfare") is not None
        batch.materialise(
            "prev_fam_all",
            _family_view("prev_families", "in_prev_welfare", prev_ranked, inputs.reference),
        )
        batch.view("prev_fam", f"SELECT * FROM prev_fam_all WHERE {within}")
        met.add("previous")
    if inputs.tables["survey"].num_rows:
        met.add("survey")
    if inputs.tables["enrol"].num_rows:
        met.add("enrol")
    if inputs.flags_available:
        met.add("flags")
    ranked_rows = batch.sql("SELECT count(*) AS n FROM fam_all WHERE desil IS NOT NULL")
    if ranked_rows.column(0)[0].as_py():
        met.add("desil")
    return met


__all__ = [
    "AGE_GROUPS",
    "EditionInputs",
    "age_group_sql",
    "load_inputs",
    "nik_valid_sql",
    "reference_date",
    "register_inputs",
]
