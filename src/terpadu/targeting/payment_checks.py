"""Checking disbursement rows against the registry: who was paid, enrolled, paid twice, still eligible.

Each step adds columns to the rows read by :func:`terpadu.targeting.payment_file.read_payment_rows`;
:func:`problems` turns them into the problem codes of the report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import Engine, text

from terpadu.engine import DuckDBEngine
from terpadu.targeting.catalogue import Catalogue
from terpadu.targeting.inputs import existing_enrolments, register_inputs, registry_inputs

STATUSES = {"BERHASIL", "GAGAL", "SALDO_NOL", "TIDAK_DITEMUKAN"}


def _query(engine: Engine, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params or {}).all())


def _rows_where_in(
    engine: Engine, select: str, column: str, values: list[str], schema: dict[str, Any]
) -> pl.DataFrame:
    """``select`` ``WHERE column IN values``, asked in chunks of 500 values, as a frame."""
    rows: list[Any] = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        marks = ", ".join(f":v{i}" for i in range(len(chunk)))
        rows += _query(
            engine,
            f"{select} WHERE {column} IN ({marks})",
            {f"v{i}": v for i, v in enumerate(chunk)},
        )
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _persons_by_nik(engine: Engine, niks: list[str]) -> pl.DataFrame:
    return _rows_where_in(
        engine,
        "SELECT p.nik, p.id, p.resolved_person_id, m.family_id, f.kode_wilayah "
        "FROM person p LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL "
        "LEFT JOIN family f ON f.id = m.family_id",
        "p.nik",
        niks,
        {
            "nik": pl.Utf8,
            "person_id": pl.Int64,
            "resolved_person_id": pl.Int64,
            "family_id": pl.Int64,
            "kode_wilayah": pl.Utf8,
        },
    )


def _families_by_kk(engine: Engine, kks: list[str]) -> pl.DataFrame:
    return _rows_where_in(
        engine,
        "SELECT no_kk, id, kode_wilayah FROM family",
        "no_kk",
        kks,
        {"no_kk": pl.Utf8, "kk_family_id": pl.Int64, "kk_wilayah": pl.Utf8},
    )


def _enrolments(engine: Engine) -> pl.DataFrame:
    schema = {
        "program": pl.Utf8,
        "period": pl.Utf8,
        "family_id": pl.Int64,
        "nik_penerima": pl.Utf8,
        "kode_wilayah": pl.Utf8,
        "nominal": pl.Int64,
    }
    rows = _query(
        engine,
        "SELECT program, period, family_id, nik_penerima, kode_wilayah, nominal FROM enrolment "
        "WHERE is_current = 1",
    )
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _current_eligibility(
    engine: Engine, catalogue: Catalogue, programs: list[str], period: str, work_dir: Path
) -> pl.DataFrame:
    """Per (programme, family): does the family pass the programme's rules on today's registry."""
    from terpadu.targeting.allocation import parse_period_span
    from terpadu.targeting.profile import prepare
    from terpadu.targeting.rules import decide

    schema = {
        "program": pl.Utf8,
        "family_id": pl.Int64,
        "layak_kini": pl.Boolean,
        "alasan_kini": pl.Utf8,
    }
    if not programs:
        return pl.DataFrame(schema=schema)
    inputs = registry_inputs(engine, use_edition=False, work_dir=work_dir)
    span = parse_period_span(period)
    conflicting = sorted({c for p in programs for c in catalogue.programs[p].conflicts})
    existing = existing_enrolments(engine, conflicting, span.label)
    batch = DuckDBEngine()
    frames: list[pl.DataFrame] = []
    try:
        register_inputs(batch, inputs, existing)
        batch.register_table(
            "t_quota",
            pa.table({"kode": pa.array([], pa.string()), "kuota": pa.array([], pa.int64())}),
        )
        prepare(batch, dt.date.today())
        for program_id in programs:
            program = catalogue.programs[program_id]
            table = decide(batch, program, span.months, conflicting=program.conflicts)
            frame = pl.from_arrow(
                batch.sql(
                    f"SELECT '{program_id}' AS program, family_id, layak AS layak_kini, "
                    f"alasan AS alasan_kini FROM {table}"
                )
            )
            assert isinstance(frame, pl.DataFrame)
            frames.append(frame.cast(schema))  # type: ignore[arg-type]
    finally:
        batch.close()
    return pl.concat(frames)


def match_registry(engine: Engine, rows: pl.DataFrame) -> pl.DataFrame:
    """The person, family and enrolment each row pays, its region and identity key.

    The enrolment paid: by the recipient's NIK, else any family of the person, else NO_KK.
    """
    persons = _persons_by_nik(engine, rows["nik"].drop_nulls().unique().to_list())
    families = _families_by_kk(engine, rows["no_kk"].drop_nulls().unique().to_list())
    enrol = _enrolments(engine)
    by_nik = rows.join(
        enrol.rename(
            {
                "nik_penerima": "nik",
                "family_id": "enrol_family",
                "kode_wilayah": "enrol_wilayah",
                "nominal": "enrol_nominal",
            }
        ),
        on=["program", "period", "nik"],
        how="left",
    ).unique("row_id", keep="first")
    person_first = persons.sort("person_id").unique("nik", keep="first")
    rows = by_nik.join(person_first, on="nik", how="left").join(
        families.unique("no_kk", keep="first"), on="no_kk", how="left"
    )
    rows = rows.with_columns(
        pl.coalesce("enrol_family", "family_id", "kk_family_id").alias("family_match")
    )
    # enrolled via the matched family when the NIK is not the named recipient
    fam_enrol = enrol.select(
        pl.col("program"),
        pl.col("period"),
        pl.col("family_id").alias("family_match"),
        pl.col("kode_wilayah").alias("fam_wilayah"),
        pl.col("nominal").alias("fam_nominal"),
    ).unique(["program", "period", "family_match"])
    rows = rows.join(fam_enrol, on=["program", "period", "family_match"], how="left")
    return rows.with_columns(
        (pl.col("enrol_family").is_not_null() | pl.col("fam_wilayah").is_not_null()).alias(
            "terdaftar"
        ),
        pl.coalesce("enrol_nominal", "fam_nominal").alias("nominal_kepesertaan"),
        pl.coalesce(
            "enrol_wilayah",
            "fam_wilayah",
            "kode_wilayah",
            "kk_wilayah",
            pl.col("nik").str.slice(0, 6),
        )
        .fill_null("tidak_diketahui")
        .alias("KODE_WILAYAH"),
        pl.when(pl.col("resolved_person_id").is_not_null())
        .then(pl.concat_str([pl.lit("R"), pl.col("resolved_person_id").cast(pl.Utf8)]))
        .when(pl.col("nik").is_not_null())
        .then(pl.concat_str([pl.lit("N"), pl.col("nik")]))
        .alias("pkey"),
    )


def _clashes(catalogue: Catalogue) -> pl.DataFrame:
    """Pairs of programmes that may not both pay one person or family."""
    pairs = [(p.id, c) for p in catalogue for c in p.conflicts]
    return pl.DataFrame(
        {
            "program": [a for a, _ in pairs],
            "program_b": [b for _, b in pairs],
            "clash": [True] * len(pairs),
        },
        schema={"program": pl.Utf8, "program_b": pl.Utf8, "clash": pl.Boolean},
    )


def paid_twice(rows: pl.DataFrame, catalogue: Catalogue) -> pl.DataFrame:
    """``ganda_dengan`` (the other rows) and ``BARIS_GANDA`` (their line numbers): the same
    person or family in two successful rows that may not both be paid."""
    paid = rows.filter((pl.col("status") == "BERHASIL") & pl.col("program").is_not_null())
    clashes = _clashes(catalogue)
    pairs: list[pl.DataFrame] = []
    for key in ("pkey", "family_match"):
        side = paid.filter(pl.col(key).is_not_null()).select(
            "row_id", pl.col(key).cast(pl.Utf8).alias("key"), "program", "period"
        )
        joined = side.join(side, on="key", suffix="_b").filter(
            pl.col("row_id") != pl.col("row_id_b")
        )
        same = (pl.col("program") == pl.col("program_b")) & (
            pl.col("period").eq_missing(pl.col("period_b"))
        )
        joined = joined.join(clashes, on=["program", "program_b"], how="left")
        clash = pl.col("clash").fill_null(False)
        pairs.append(joined.filter(same | clash).select("row_id", "row_id_b"))
    twice = (
        pl.concat(pairs)
        .group_by("row_id")
        .agg(pl.col("row_id_b").unique().sort().alias("ganda_dengan"))
        if pairs
        else pl.DataFrame(schema={"row_id": pl.UInt32, "ganda_dengan": pl.List(pl.UInt32)})
    )
    rows = rows.join(twice, on="row_id", how="left").with_columns(
        pl.col("ganda_dengan").list.eval(pl.element().cast(pl.Int64)).alias("ganda_dengan")
    )
    baris = rows.select(
        pl.col("row_id").cast(pl.Int64).alias("ganda_dengan"), pl.col("BARIS").alias("baris_ganda")
    )
    ganda_rows = (
        rows.select("row_id", "ganda_dengan")
        .explode("ganda_dengan")
        .join(baris, on="ganda_dengan", how="left")
        .group_by("row_id")
        .agg(
            pl.col("baris_ganda")
            .drop_nulls()
            .sort()
            .cast(pl.Utf8)
            .str.join(",")
            .alias("BARIS_GANDA")
        )
    )
    return rows.join(ganda_rows, on="row_id", how="left")


def still_eligible(
    engine: Engine,
    catalogue: Catalogue,
    rows: pl.DataFrame,
    today: dt.date,
    work_dir: Path,
) -> pl.DataFrame:
    """``layak_kini`` and ``alasan_kini``: today's rules for the paid, enrolled families."""
    programmes = sorted(
        set(
            rows.filter(pl.col("terdaftar") & (pl.col("status") == "BERHASIL"))[
                "program"
            ].drop_nulls()
        )
    )
    period = next(iter(rows["period"].drop_nulls().to_list()), str(today.year))
    now = _current_eligibility(engine, catalogue, programmes, period, work_dir)
    return rows.join(
        now.rename({"family_id": "family_match"}), on=["program", "family_match"], how="left"
    )


def problems(rows: pl.DataFrame) -> pl.DataFrame:
    """``MASALAH``: each row's problem codes, ``;``-joined (blank when none)."""
    success = pl.col("status") == "BERHASIL"
    found = [
        pl.when(pl.col("program").is_null()).then(pl.lit("program_tidak_dikenal")),
        pl.when(~pl.col("status").is_in(list(STATUSES))).then(pl.lit("status_tidak_dikenal")),
        pl.when(pl.col("nik_rusak")).then(pl.lit("nik_rusak")),
        pl.when(pl.col("status") == "GAGAL").then(pl.lit("gagal")),
        pl.when(pl.col("status") == "SALDO_NOL").then(pl.lit("saldo_nol")),
        pl.when(pl.col("status") == "TIDAK_DITEMUKAN").then(pl.lit("tidak_ditemukan_bank")),
        pl.when(
            ~pl.col("nik_rusak") & pl.col("person_id").is_null() & pl.col("kk_family_id").is_null()
        ).then(pl.lit("tidak_terdaftar")),
        pl.when(success & ~pl.col("terdaftar") & pl.col("program").is_not_null()).then(
            pl.lit("bukan_peserta")
        ),
        pl.when(success & pl.col("terdaftar") & (pl.col("layak_kini") == False)).then(  # noqa: E712
            pl.lit("tidak_layak_lagi")
        ),
        pl.when(success & pl.col("ganda_dengan").list.len().fill_null(0).gt(0)).then(
            pl.lit("dibayar_ganda")
        ),
        pl.when(
            success
            & pl.col("terdaftar")
            & pl.col("nominal").is_not_null()
            & (pl.col("nominal") != pl.col("nominal_kepesertaan"))
        ).then(pl.lit("nominal_berbeda")),
    ]
    return rows.with_columns(
        pl.concat_str(found, separator=";", ignore_nulls=True).fill_null("").alias("MASALAH")
    )
