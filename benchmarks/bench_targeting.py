"""Targeting benchmark: allocate 5 programmes over N families (default 10 M) with quotas.

The snapshot tables (families, ~3 persons per family, the welfare ranking) are
generated directly in DuckDB and written to Parquet (not timed). The timed part
is what ``terpadu target`` runs on the batch engine: the shared family profiles
(one pass over the persons for every count and both recipients) and the
shared-person table, then for PKH, Sembako, PBI-JK, BLT (conflicting with PKH and
Sembako, whose enrolments are fed back in order) and RTLH: every family's reasons
(materialised), duplicate and conflict checks, quota regions and the ranking
(materialised), the per-region accounting, the enrolled families, and one full
read of every family's decision (counts per decision, checked against the
accounting). Writing decisions.parquet and the BNBA is not timed. Quotas: one per
kab/kota, 10 % of its families (BLT 5 %, RTLH 1 %).

    .venv/bin/python benchmarks/bench_targeting.py                 # 10 M families
    .venv/bin/python benchmarks/bench_targeting.py --families 1000000 --threads 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from terpadu.engine import DuckDBEngine
from terpadu.targeting.allocation import parse_period_span
from terpadu.targeting.catalogue import load_catalogue
from terpadu.targeting.inputs import empty_flags, register_families
from terpadu.targeting.profile import prepare
from terpadu.targeting.rules import decide, enrolled_sql, release, summary_sql

PROGRAMS = {"pkh": 0.10, "sembako": 0.10, "pbi-jk": 0.10, "blt": 0.05, "rtlh": 0.01}


def generate(folder: Path, families: int, threads: int) -> None:
    """Families, persons (1-5 per family, ~3) and welfare as Parquet, deterministic."""
    engine = DuckDBEngine(threads=threads)
    con = engine.connection
    con.execute(f"""
        COPY (
            SELECT i AS id, 'aktif' AS status, NULL::VARCHAR AS status_reason,
                   'K' || i AS source_key, lpad(CAST(3600000000000000 + i AS VARCHAR), 16, '0') AS no_kk,
                   printf('%02d%02d%02d%04d', 11 + i % 30, 1 + (i // 30) % 20,
                          1 + (i // 600) % 15, 2001 + (i // 9000) % 20) AS kode_wilayah,
                   'Jl. Desa ' || (i % 97) AS alamat,
                   1 + i % 3 AS status_bangunan, 20.0 + i % 60 AS luas_lantai,
                   1 + (i * 7) % 9 AS jenis_lantai, 1 + (i * 5) % 7 AS jenis_dinding,
                   1 + (i * 3) % 8 AS jenis_atap, 1 + i % 11 AS sumber_air_minum,
                   1 + i % 4 AS sumber_penerangan, 900 AS daya_listrik,
                   1 + i % 10 AS bahan_bakar_masak, 1 + i % 4 AS fasilitas_bab,
                   0 AS aset_tabung_gas, 0 AS aset_kulkas, 0 AS aset_ac, i % 2 AS aset_tv,
                   0 AS aset_emas, 0 AS aset_komputer, i % 2 AS aset_sepeda_motor,
                   0 AS aset_mobil, 0 AS aset_perahu_motor, 0 AS aset_rumah_lain,
                   0.0 AS luas_lahan, 0 AS jumlah_ternak
            FROM range(1, {families} + 1) t(i)
        ) TO '{folder}/families.parquet' (FORMAT parquet)
    """)
    con.execute(f"""
        COPY (
            SELECT row_number() OVER () AS id, f AS family_id, 'aktif' AS status,
                   CASE WHEN (f + k) % 17 = 0 THEN NULL
                        ELSE lpad(CAST(3201010101000000 + f * 8 + k AS VARCHAR), 16, '0') END AS nik,
                   'Nama ' || f AS nama, 1 + (f + k) % 2 AS jenis_kelamin,
                   CASE k WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 3 END AS hub_keluarga,
                   NULL::INT AS membership_hub,
                   CASE WHEN k >= 2 THEN 1 ELSE 2 END AS partisipasi_sekolah,
                   (f + k) % 3 AS pendidikan_tertinggi,
                   CASE WHEN (f * 13 + k) % 40 = 0 THEN 5 ELSE (f + k) % 4 END AS status_pekerjaan,
                   0 AS disabilitas, CASE WHEN (f + k) % 50 = 0 THEN 1 ELSE 0 END AS disabilitas_berat,
                   0 AS penyakit_kronis, CASE WHEN k = 1 AND f % 25 = 0 THEN 1 ELSE 0 END AS hamil,
                   CASE WHEN k < 2 THEN DATE '1960-01-01' + INTERVAL (f % 15000) DAY
                        ELSE DATE '2008-01-01' + INTERVAL ((f + k) % 6000) DAY END::DATE AS tgl_lahir,
                   CASE WHEN f % 1000 = 0 AND k = 0 THEN 1 ELSE NULL END AS resolved_person_id
            FROM range(1, {families} + 1) t(f), range(0, 5) u(k)
            WHERE k < 1 + (f * 2654435761) % 5
        ) TO '{folder}/persons.parquet' (FORMAT parquet)
    """)
    con.execute(f"""
        COPY (
            SELECT id AS family_id, 1 + (h % 10) AS desil, 1 + (h % 100) AS persentil,
                   12.0 + (h % 100000) / 50000.0 AS pmt_score, (h % 7) / 10.0 AS skor_deprivasi,
                   CASE WHEN h % 7 >= 4 THEN 1 ELSE 0 END AS miskin_multidimensi
            FROM (SELECT id, (id * 2654435761) % 1000003 AS h
                  FROM read_parquet('{folder}/families.parquet'))
        ) TO '{folder}/welfare.parquet' (FORMAT parquet)
    """)
    engine.close()


def run(folder: Path, threads: int) -> dict[str, object]:
    catalogue = load_catalogue()
    span = parse_period_span("2025")
    batch = DuckDBEngine(threads=threads)
    batch.execute(f"SET temp_directory = '{folder}/spill'")
    batch.execute("SET memory_limit = '12GB'")
    batch.execute("SET preserve_insertion_order = false")
    register_families(batch, folder / "families.parquet")  # national desil: none
    batch.register_parquet("persons", folder / "persons.parquet")
    batch.register_parquet("t_welfare", folder / "welfare.parquet")
    batch.register_table("t_flags", empty_flags())
    batch.execute("CREATE TEMP TABLE t_existing (family_id BIGINT, program VARCHAR)")
    kab = batch.sql(
        "SELECT substr(kode_wilayah, 1, 4) AS kode, count(*) AS n FROM families GROUP BY 1"
    )
    families = sum(kab.column("n").to_pylist())
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    start = time.perf_counter()
    prepare(batch, span.start)
    timings["profiles"] = time.perf_counter() - start
    for name, share in PROGRAMS.items():
        t0 = time.perf_counter()
        program = catalogue.get(name)
        quotas = pa.table(
            {
                "kode": kab.column("kode"),
                "kuota": pa.array(
                    [int(n * share) for n in kab.column("n").to_pylist()], pa.int64()
                ),
            }
        )
        batch.register_table("t_quota", quotas)
        table = decide(batch, program, span.months, conflicting=program.conflicts)
        summary = batch.sql(summary_sql(table))
        assert all(
            f <= q
            for f, q in zip(
                summary.column("terisi").to_pylist(),
                summary.column("kuota").to_pylist(),
                strict=False,
            )
        ), "quota exceeded"
        batch.execute(
            f"INSERT INTO t_existing SELECT family_id, '{name}' FROM ({enrolled_sql(table)}) e"
        )
        counts[name] = int(sum(summary.column("terisi").to_pylist()))
        # every family gets a decision: read the whole outcome once
        decided = batch.sql(f"SELECT keputusan, count(*) AS n FROM {table} GROUP BY keputusan")
        per_decision = dict(
            zip(
                decided.column("keputusan").to_pylist(),
                decided.column("n").to_pylist(),
                strict=True,
            )
        )
        assert sum(per_decision.values()) == families, "a family without a decision"
        assert per_decision.get("terdaftar", 0) == counts[name], "enrolments disagree"
        release(batch, table)
        timings[name] = time.perf_counter() - t0
    total = time.perf_counter() - start
    clash = (
        batch.sql(
            "SELECT count(*) AS n FROM t_existing a JOIN t_existing b ON a.family_id = b.family_id "
            "AND a.program = 'blt' AND b.program IN ('pkh', 'sembako')"
        )
        .column("n")[0]
        .as_py()
    )
    batch.close()
    return {"total_s": total, "timings": timings, "enrolled": counts, "blt_conflicts": clash}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="Keep the generated data here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_targeting_") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "welfare.parquet").exists():
            t0 = time.perf_counter()
            generate(folder, args.families, args.threads)
            print(f"generated {args.families:,} families in {time.perf_counter() - t0:.1f} s")
        load_before = os.getloadavg()
        result = run(folder, args.threads)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_mb = usage.ru_maxrss / 1024
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.node()} {platform.machine()} {platform.processor() or ''}, "
        f"python {sys.version.split()[0]}, threads {args.threads}"
    )
    print(f"families: {args.families:,}")
    for step, seconds in result["timings"].items():  # type: ignore[union-attr]
        print(f"  {step:<10} {seconds:6.1f} s")
    print(f"eligibility + allocation, 5 programmes: {result['total_s']:.1f} s")
    print(
        f"enrolled: {result['enrolled']}; BLT families also in PKH/Sembako: {result['blt_conflicts']}"
    )
    print(f"peak RSS: {rss_mb:,.0f} MB; CPU time {usage.ru_utime + usage.ru_stime:.1f} s")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*load_before))
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
