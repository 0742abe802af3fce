"""Indicator benchmark: every shipped indicator, for every region, of an N-person edition.

The data (not timed) is generated directly with DuckDB SQL and written to Parquet as an
edition's snapshot: about N / 4 families spread evenly over the 83 762 desa/kelurahan of the
Kemendagri list (real region codes, so every kab/kota and province has families), 1-7
members each (about 4) with birth dates from 1950 to 2023, school participation, sex,
education and NIKs (1 in 40 malformed, 1 in 60 missing); a ranking (desil 1-10 evenly),
enrolments in PKH, Sembako and PBI-JK (about a third of desil 1-4 families and 3 % of the
others each), Dukcapil findings for 1 person in 10 (5 % rejected), 20 000 pending duplicate
pairs, 60 % of desa updating, 200 000 social-functioning assessments, and a previous edition
(the same families less 3 %, 5 % in another desil, 1 % in another desa).

Timed: what ``terpadu indikator hitung`` does on the batch engine (registering the inputs,
the members' table, every indicator summed per desa and rolled up to kecamatan, kab/kota,
province and nation with its disaggregations, and the change between the editions).
Writing the values to the database is timed separately. The CPU seconds of the timed part are
printed too: on a shared machine the wall clock depends on the neighbours.

    .venv/bin/python benchmarks/bench_indicators.py --persons 1000000
    .venv/bin/python benchmarks/bench_indicators.py                 # 10 M persons
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import polars as pl
import pyarrow as pa

from terpadu.editions import EditionInfo
from terpadu.engine import DuckDBEngine
from terpadu.indicators.catalogue import load_catalogue
from terpadu.indicators.compute import compute_values
from terpadu.indicators.inputs import EditionInputs, reference_date, register_inputs
from terpadu.regions import regions_frame
from terpadu.store import make_engine, upgrade
from terpadu.store.bulk import bulk_insert


def _families_sql(families: int, keep: str, move: int, n_desa: int) -> str:
    return f"""
        SELECT i AS id, 'aktif' AS status, 'K' || i AS source_key,
               d.code AS kode_wilayah,
               strftime(DATE '2024-01-01' + INTERVAL ((i * 7919) % 900) DAY, '%Y-%m-%d')
                   || ' 08:00:00+00:00' AS updated_at,
               CAST(NULL AS INT) AS desil_nasional
        FROM range(1, {families} + 1) t(i)
        JOIN desa d ON d.n = ((i * 2654435761 + CASE WHEN i % 100 < {move} THEN 7 ELSE 0 END)
                              % {n_desa})
        WHERE {keep}
    """


def generate(folder: Path, persons: int, threads: int) -> dict[str, pa.Table]:
    """The two editions' Parquet files under ``folder``; the side tables as Arrow."""
    families = persons // 4
    con = DuckDBEngine(threads=threads).connection
    desa = regions_frame("desa").select("code").sort("code").with_row_index("n")
    con.register("desa_frame", desa.to_arrow())
    con.execute("CREATE TABLE desa AS SELECT CAST(n AS BIGINT) AS n, code FROM desa_frame")
    for name, keep, move in (("now", "i % 50 <> 0", 1), ("before", "i % 33 <> 1", 0)):
        (folder / name).mkdir()
        con.execute(
            f"COPY ({_families_sql(families, keep, move, desa.height)}) "
            f"TO '{folder}/{name}/families.parquet' (FORMAT parquet)"
        )
    con.execute(f"""
        COPY (
            SELECT row_number() OVER () AS id, f AS family_id, 'aktif' AS status,
                   CASE WHEN (f + k) % 60 = 0 THEN NULL
                        WHEN (f + k) % 40 = 0 THEN '12345'
                        ELSE printf('%02d%04d%02d%02d%02d%04d', 11 + f % 80, f % 9999,
                                    1 + (f + k) % 28, 1 + (f + k) % 12, (f + k) % 100, k + 1)
                   END AS nik,
                   1 + (f + k) % 2 AS jenis_kelamin,
                   CASE k WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 3 END AS hub_keluarga,
                   CAST(NULL AS INT) AS membership_hub,
                   CASE WHEN (f + k) % 9 = 0 THEN 2 WHEN (f + k) % 23 = 0 THEN 0 ELSE 1 END
                       AS partisipasi_sekolah,
                   CASE WHEN (f + k) % 31 = 0 THEN NULL ELSE (f + k) % 8 END AS pendidikan_tertinggi,
                   (f + k) % 4 AS status_pekerjaan, 0 AS status_kawin,
                   CASE WHEN (f + k) % 45 = 0 THEN 1 ELSE 0 END AS disabilitas,
                   0 AS disabilitas_berat, 0 AS penyakit_kronis, 0 AS hamil,
                   CASE WHEN k < 2 THEN DATE '1950-01-01' + INTERVAL (f % 18000) DAY
                        ELSE DATE '2005-01-01' + INTERVAL ((f * 31 + k) % 6900) DAY
                   END::DATE AS tgl_lahir,
                   CAST(NULL AS BIGINT) AS resolved_person_id
            FROM range(1, {families} + 1) t(f), range(0, 7) u(k)
            WHERE k < 1 + (f * 2654435761) % 7 AND f % 50 <> 0
        ) TO '{folder}/now/persons.parquet' (FORMAT parquet)
    """)
    tables = {
        "welfare": "SELECT i AS family_id, 1 + (i * 40503) % 10 AS desil "
        f"FROM range(1, {families} + 1) t(i)",
        "prev_welfare": "SELECT i AS family_id, CASE WHEN i % 20 = 0 THEN 1 + i % 10 "
        f"ELSE 1 + (i * 40503) % 10 END AS desil FROM range(1, {families} + 1) t(i)",
        "enrol": "SELECT i AS family_id, p.program FROM range(1, "
        f"{families} + 1) t(i), (VALUES ('pkh'), ('sembako'), ('pbi-jk')) p(program) "
        "WHERE CASE WHEN 1 + (i * 40503) % 10 <= 4 THEN (i + length(p.program)) % 3 = 0 "
        "ELSE (i + length(p.program)) % 33 = 0 END",
        "flags": f"SELECT i AS person_id, CASE WHEN i % 200 = 0 THEN 1 ELSE 0 END AS nik_ditolak, "
        f"0 AS meninggal FROM range(1, {persons} + 1) t(i) WHERE i % 10 = 0",
        "pending_dup": f"SELECT d.code AS kode_wilayah FROM range(0, 20000) t(i) "
        f"JOIN desa d ON d.n = (i * 7) % {desa.height}",
        "updating": "SELECT code AS kode_wilayah FROM desa WHERE n % 10 < 6",
        "survey": "SELECT CASE i % 4 WHEN 0 THEN 'anak' WHEN 1 THEN 'pmks' WHEN 2 THEN 'lansia' "
        "ELSE 'disabilitas' END AS kelompok, d.code AS kode_wilayah, 1 + i % 2 AS jenis_kelamin, "
        "CAST(5 + i % 80 AS BIGINT) AS umur, (i % 101) / 100.0 AS score FROM range(0, 200000) t(i) "
        f"JOIN desa d ON d.n = (i * 13) % {desa.height}",
    }
    out = {name: con.execute(sql).to_arrow_table() for name, sql in tables.items()}
    con.close()
    return out


def _cpu() -> float:
    """CPU seconds of this process (DuckDB's threads included): on a machine shared with
    other work the wall clock says more about the neighbours than about the batch."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _edition(path: Path, period: str) -> EditionInfo:
    now = dt.datetime.now(dt.UTC)
    return EditionInfo(period, path, now, "bench", {}, {}, "0" * 64, None, None, None)


def run(
    folder: Path, tables: dict[str, pa.Table], threads: int, verbose: bool = False
) -> dict[str, object]:
    catalogue = load_catalogue()
    inputs = EditionInputs(
        edition=_edition(folder / "now", "2026-Q2"),
        edition_id=2,
        previous=_edition(folder / "before", "2026-Q1"),
        reference=reference_date("2026-Q2"),
        tables=tables,
        welfare_runs={"welfare": 2, "prev_welfare": 1},
        flags_available=True,
        digest="bench",
    )
    batch = DuckDBEngine(threads=threads)
    batch.execute(f"SET temp_directory = '{folder}/spill'")
    batch.execute("SET preserve_insertion_order = false")
    start, cpu = time.perf_counter(), _cpu()
    met = register_inputs(batch, inputs, None)
    registered = time.perf_counter() - start
    steps: dict[str, float] = {}

    def step(indicator_id: str) -> None:
        steps[indicator_id] = time.perf_counter()
        if verbose:
            print(f"  {time.perf_counter() - start:6.1f} s  {indicator_id}", flush=True)

    values, skipped = compute_values(batch, catalogue, met, None, step)
    computed = time.perf_counter() - start
    cpu_used = _cpu() - cpu
    members = batch.sql("SELECT count(*) FROM mem").column(0)[0].as_py()
    batch.close()
    store = make_engine(f"sqlite:///{folder}/bench.db")
    upgrade(store)
    t0 = time.perf_counter()
    with store.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO indicator_run (id, edition_id, edition_period, catalogue_version, "
            "catalogue_sha256, inputs_sha256, values_sha256, engine, value_count, is_current, "
            "actor, started_at) VALUES (1, 2, '2026-Q2', 'b', 'b', 'b', 'b', 'duckdb', 0, 1, "
            "'bench', '2026-12-06')"
        )
        bulk_insert(conn, "indicator_value", values.with_columns(run_id=pl.lit(1)))
    stored = time.perf_counter() - t0
    return {
        "members_counted": members,
        "indicators": len(catalogue.indicators) - len(skipped),
        "skipped": skipped,
        "values": values.height,
        "register_s": round(registered, 1),
        "compute_s": round(computed, 1),
        "compute_cpu_s": round(cpu_used, 1),
        "store_sqlite_s": round(stored, 1),
        "national_ats_pct": values.filter(
            (pl.col("indicator_id") == "anak_tidak_sekolah")
            & (pl.col("level") == "nasional")
            & (pl.col("breakdown") == "")
        )["value"][0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--verbose", action="store_true", help="print each indicator as it starts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-indicators-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        tables = generate(folder, args.persons, args.threads)
        generated = time.perf_counter() - t0
        result = run(folder, tables, args.threads, args.verbose)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"persons requested: {args.persons:,}, threads: {args.threads}")
    print(f"data generated in {generated:.1f} s (not timed)")
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
