"""Welfare ranking benchmarks.

``speed``: score and rank N families (default 10 M) with DuckDB. The families'
feature columns are generated directly in DuckDB and written to Parquet (not
timed); the timed part is the production scoring + ranking SQL (the OLS model as
one SQL expression, national percentile/desil and ranks within province and
kab/kota as window functions), written to Parquet. Prints wall time and peak RSS.

``accuracy``: fit on one generated survey, evaluate on a held-out generated
sample against its *true* consumption: inclusion and exclusion error at each
cut for OLS and LightGBM side by side, with Alatas et al. (AER 2012).

    .venv/bin/python benchmarks/bench_rank.py speed --families 10000000
    .venv/bin/python benchmarks/bench_rank.py accuracy
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from terpadu.engine import DuckDBEngine
from terpadu.welfare.evaluation import ALATAS_2012, CUTS, spearman, targeting_errors
from terpadu.welfare.features import FEATURE_NAMES, FEATURES, KEY_COLUMNS
from terpadu.welfare.model import fit_pmt, survey_design
from terpadu.welfare.ranking import rank_sql

REFERENCE = dt.date(2025, 7, 1)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _feature_generator(n: int) -> str:
    """SQL making n families' feature columns (dummies and counts as UTINYINT, the rest FLOAT)."""
    columns = []
    for feature in FEATURES:
        name = feature.name
        if name.startswith(("log_", "kepala_umur", "rasio", "pendidikan_maks")):
            columns.append(f"CAST(random() * 4 AS FLOAT) AS {name}")
        elif name.startswith(("anak_", "lansia", "jumlah_")):
            columns.append(f"CAST(floor(random() * 3) AS UTINYINT) AS {name}")
        else:
            columns.append(f"CAST(random() < 0.2 AS UTINYINT) AS {name}")
    # 38 provinces x ~13 kab/kota each, as real codes look (11..94, 01..13).
    return f"""
    SELECT i AS family_id,
           lpad(CAST(11 + i % 38 AS VARCHAR), 2, '0') || lpad(CAST(1 + (i // 38) % 13 AS VARCHAR), 2, '0')
               || '012001' AS kode_wilayah,
           lpad(CAST(11 + i % 38 AS VARCHAR), 2, '0') AS kode_provinsi,
           lpad(CAST(11 + i % 38 AS VARCHAR), 2, '0') || lpad(CAST(1 + (i // 38) % 13 AS VARCHAR), 2, '0')
               AS kode_kabkota,
           {", ".join(columns)}
    FROM range({n}) t(i)
    """


def speed(families: int, threads: int | None) -> None:
    from terpadu.welfare.ols import OlsModel

    rng = np.random.default_rng(1)
    kabs = [f"{11 + p:02d}{1 + k:02d}" for p in range(38) for k in range(13)]
    model = OlsModel(
        intercept=13.2,
        coefficients={
            n: float(c)
            for n, c in zip(FEATURE_NAMES, rng.normal(0, 0.1, len(FEATURE_NAMES)), strict=True)
        },
        kab_effects={k: float(e) for k, e in zip(kabs, rng.normal(0, 0.2, len(kabs)), strict=True)},
        province_effects={},
        default_effect=0.0,
    )
    with tempfile.TemporaryDirectory(dir=".") as folder:
        features = Path(folder) / "features.parquet"
        duck = DuckDBEngine(threads=threads)
        start = time.perf_counter()
        duck.execute(f"COPY ({_feature_generator(families)}) TO '{features}' (FORMAT parquet)")
        print(
            f"generated {families:,} families' {len(FEATURE_NAMES)} features in "
            f"{time.perf_counter() - start:.1f} s (not timed)"
        )
        duck.close()
        duck = DuckDBEngine(threads=threads)
        duck.register_parquet("features", features)
        out = Path(folder) / "ranked.parquet"
        start = time.perf_counter()
        duck.execute(f"CREATE TEMPORARY VIEW scored AS {model.score_sql('features')}")
        duck.execute(f"COPY ({rank_sql('scored')}) TO '{out}' (FORMAT parquet)")
        wall = time.perf_counter() - start
        check = duck.sql(
            f"SELECT count(*) AS n, min(desil) AS lo, max(desil) AS hi, "
            f"count(DISTINCT kode_kabkota) AS kab FROM read_parquet('{out}')"
        ).to_pylist()[0]
        duck.close()
    print(
        f"score + rank {families:,} families (DuckDB, threads={threads or 'all'}): "
        f"{wall:.1f} s wall, peak RSS {_peak_rss_mb():,.0f} MB; {check}"
    )
    print(
        f"machine: {platform.machine()}, {platform.processor() or '?'}, "
        f"{__import__('os').cpu_count()} CPUs; keys {KEY_COLUMNS}"
    )


def accuracy(train: int, test: int, seed: int) -> None:
    from terpadu.synth import SynthConfig, generate

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        generate(
            SynthConfig(households=10, kab_code="36", seed=seed, survey_households=train),
            base / "train",
        )
        generate(
            SynthConfig(households=10, kab_code="36", seed=seed + 1, survey_households=test),
            base / "test",
        )
        start = time.perf_counter()
        model = fit_pmt(
            base / "train" / "survey_keluarga.csv",
            base / "train" / "survey_anggota.csv",
            reference_date=REFERENCE,
            models_dir=base / "models",
        )
        fit_time = time.perf_counter() - start
        design, _ = survey_design(
            base / "test" / "survey_keluarga.csv", base / "test" / "survey_anggota.csv", REFERENCE
        )
        truth = pl.read_csv(base / "test" / "truth_survey_keluarga.csv")
    # Survey rows are read in file order; truth rows are in the same order.
    true_log = np.log(truth["CONSUMPTION_PERKAPITA"].to_numpy().astype(np.float64))
    assert len(true_log) == len(design.y)
    print(
        f"train {train:,} survey families (seed {seed}), test {test:,} held-out families "
        f"(seed {seed + 1}); truth = true consumption; fit {fit_time:.1f} s; "
        f"selected {model.selected} (CV loss OLS {model.evaluation['selection']['ols']:.3f}, "
        f"LightGBM {model.evaluation['selection']['lgbm']:.3f})"
    )
    rows = {}
    for kind in ("ols", "lgbm"):
        predicted = model.predict(design.x, design.kabkota, kind)  # type: ignore[arg-type]
        rows[kind] = targeting_errors(true_log, predicted, CUTS)
        print(f"{kind}: Spearman {spearman(true_log, predicted):.3f}")
    print(
        "| cut | OLS inclusion | OLS exclusion | LightGBM inclusion | LightGBM exclusion "
        "| Alatas et al. 2012 inclusion / exclusion |"
    )
    print("|---|---|---|---|---|---|")
    for i, cut in enumerate(CUTS):
        o, g = rows["ols"][i], rows["lgbm"][i]
        print(
            f"| {cut:.0%} | {o['inclusion']:.3f} | {o['exclusion']:.3f} | {g['inclusion']:.3f} "
            f"| {g['exclusion']:.3f} | {ALATAS_2012['inclusion']} / {ALATAS_2012['exclusion']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("speed")
    s.add_argument("--families", type=int, default=10_000_000)
    s.add_argument("--threads", type=int, default=None)
    a = sub.add_parser("accuracy")
    a.add_argument("--train", type=int, default=5_000)
    a.add_argument("--test", type=int, default=20_000)
    a.add_argument("--seed", type=int, default=101)
    args = parser.parse_args()
    if args.command == "speed":
        speed(args.families, args.threads)
    else:
        accuracy(args.train, args.test, args.seed)


if __name__ == "__main__":
    main()
