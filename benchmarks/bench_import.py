"""Import benchmark: `terpadu import` of ~1 M person rows into SQLite and PostgreSQL.

Generates the batch once with `terpadu synth` (default faults, fixed seed),
then runs the real CLI command in a child process per database, so the time
is end to end (start-up, reading, checking, loading, committing) and the
peak memory is the child's own. Beside it: a bare DuckDB read_csv of the same
files, the floor for reading them at all.

    .venv/bin/python benchmarks/bench_import.py --households 290000
    .venv/bin/python benchmarks/bench_import.py --households 290000 --repeat 3
    .venv/bin/python benchmarks/bench_import.py --db sqlite --households 30000   # quick

This machine's speed moves by tens of percent within minutes, so each round
measures the DuckDB read again and each import is also given as a multiple of
it; with --repeat the rounds alternate and the medians close the table.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import duckdb
import polars as pl
from account import admin_token, province_of
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
TERPADU = str(Path(sys.executable).with_name("terpadu"))
PG_URL = os.environ.get(
    "TERPADU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def generate(households: int, seed: int, cache: Path) -> Path:
    outdir = cache / f"synth-{households}-{seed}"
    if not (outdir / "anggota.csv").exists():
        subprocess.run(
            [
                TERPADU,
                "synth",
                str(outdir),
                "--households",
                str(households),
                "--kab",
                "36",
                "--seed",
                str(seed),
                "--faults",
                "default",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return outdir


def run_import(url: str, batch: Path, data_dir: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one `terpadu import` child."""
    env = os.environ | {"TERPADU_DATABASE_URL": url, "TERPADU_DATA_DIR": str(data_dir)}
    subprocess.run([TERPADU, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    env["TERPADU_TOKEN"] = admin_token(url, province_of(batch / "keluarga.csv"))
    settle()
    start = time.perf_counter()
    child = subprocess.Popen(
        [
            TERPADU,
            "import",
            str(batch / "keluarga.csv"),
            str(batch / "anggota.csv"),
            "--source",
            "bench",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"import failed on {url}")
    return wall, usage.ru_maxrss / 1024


def settle() -> None:
    """Let the previous run's deferred writes reach the disk before the next is timed."""
    os.sync()
    try:
        admin = create_engine(PG_URL)
        with admin.connect() as conn:
            # A PostgreSQL import leaves its pages to the checkpointer; without this the
            # next import (into SQLite too) would share the disk and a core with it.
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("CHECKPOINT"))
        admin.dispose()
    except Exception:  # no server, or no right to CHECKPOINT: measure as it is
        pass


def duckdb_read(batch: Path) -> float:
    settle()
    start = time.perf_counter()
    con = duckdb.connect()
    for name in ("keluarga", "anggota"):
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{batch / (name + '.csv')}', "
            "all_varchar = true)"
        )
    con.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=290_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=1, help="rounds, alternating targets")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "terpadu-bench")
    args = parser.parse_args()

    batch = generate(args.households, args.seed, args.cache)
    persons = (
        pl.scan_csv(batch / "anggota.csv", infer_schema=False).select(pl.len()).collect().item()
    )
    families = (
        pl.scan_csv(batch / "keluarga.csv", infer_schema=False).select(pl.len()).collect().item()
    )
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
    )
    print(f"batch: {families:,} keluarga rows, {persons:,} anggota rows ({batch})")
    print("| round | target | wall (s) | person rows/s | × DuckDB read | peak RSS (MiB) |")
    print("|---:|---|---:|---:|---:|---:|")
    walls: dict[str, list[float]] = {}

    def report(round_: int, target: str, wall: float, reading: float, rss: str) -> None:
        walls.setdefault(target, []).append(wall)
        print(
            f"| {round_} | {target} | {wall:.2f} | {persons / wall:,.0f} | "
            f"{wall / reading:.1f} | {rss} |",
            flush=True,
        )

    work = Path(tempfile.mkdtemp(prefix="terpadu-bench-"))
    try:
        for round_ in range(1, args.repeat + 1):
            reading = duckdb_read(batch)
            report(round_, "bare DuckDB read_csv (both files)", reading, reading, "–")
            if args.db in ("sqlite", "both"):
                database = work / f"bench-{round_}.db"
                wall, rss = run_import(f"sqlite:///{database}", batch, work)
                report(round_, "terpadu import → SQLite", wall, reading, f"{rss:,.0f}")
                database.unlink()
            if args.db in ("postgresql", "both"):
                wall, rss = import_into_postgres(batch, work)
                report(round_, "terpadu import → PostgreSQL", wall, reading, f"{rss:,.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.repeat > 1:
        print()
        print("| target | median wall (s) | person rows/s |")
        print("|---|---:|---:|")
        for target, seconds in walls.items():
            middle = statistics.median(seconds)
            print(f"| {target} | {middle:.2f} | {persons / middle:,.0f} |")


def import_into_postgres(batch: Path, work: Path) -> tuple[float, float]:
    """One import into a fresh schema of the benchmark database, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        return run_import(f"{PG_URL}?options=-csearch_path%3D{schema}", batch, work)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
