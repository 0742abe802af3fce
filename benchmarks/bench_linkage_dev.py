"""In-process linkage scoring on an imported registry, for development seeds.

Reads a registry that `bench_linkage_eval.py evalgen` already imported (its `run/registry.db`),
runs the steps of `terpadu link` in this process (prepare → score → family support → cluster)
without writing anything back, and scores PERSON clusters against the generator's truth. Saves
the scored pairs and the prepared frame beside the registry for analysis of what is missed.

    .venv/bin/python benchmarks/bench_linkage_dev.py /tmp/lk/default-s1-100000-0.1 [--model M]

Only for development seeds (1-9): held-out seeds are scored through the CLI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.evalgen.scoring import pair_scores  # noqa: E402

from terpadu.engine.snapshot import registry_frames  # noqa: E402
from terpadu.linkage.cluster import cluster_pairs  # noqa: E402
from terpadu.linkage.predict import score  # noqa: E402
from terpadu.linkage.prepare import prepare_snapshot  # noqa: E402
from terpadu.linkage.resolve import SNAPSHOT_COLUMNS, THRESHOLD  # noqa: E402
from terpadu.linkage.support import SUPPORT_FLOOR, add_family_support  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, help="folder with truth.csv and run/registry.db")
    ap.add_argument("--model", type=Path, help="stored Splink settings JSON (else trained)")
    ap.add_argument("--save-model", type=Path)
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 12, 6))
    args = ap.parse_args()

    engine = create_engine(f"sqlite:///{args.data / 'run' / 'registry.db'}")
    columns = dict(SNAPSHOT_COLUMNS)
    columns["persons"] = (*(columns["persons"] or ()), "id_anggota")
    with tempfile.TemporaryDirectory() as tmp:
        frames = registry_frames(engine, Path(tmp), columns)
    persons, families = frames["persons"], frames["families"]
    t0, c0 = time.perf_counter(), time.process_time()
    prepared = prepare_snapshot(persons, families, args.today)
    settings = json.loads(args.model.read_text()) if args.model else None
    scored = score(prepared, settings=settings, floor=SUPPORT_FLOOR)
    t1, c1 = time.perf_counter(), time.process_time()
    members = persons.select(pl.col("id").alias("unique_id"), "family_id")
    pairs = add_family_support(scored.pairs, members, THRESHOLD)
    niks = dict(prepared.filter(pl.col("nik").is_not_null()).select("unique_id", "nik").iter_rows())
    linked = pairs.filter(pl.col("match_probability") >= THRESHOLD)
    clusters = cluster_pairs(prepared["unique_id"].to_list(), linked, niks=niks)
    truth = pl.read_csv(
        args.data / "truth.csv", schema_overrides={"ID_ANGGOTA": pl.Utf8, "TRUE_PERSON": pl.Utf8}
    )
    ids = persons.select(pl.col("id").alias("unique_id"), pl.col("id_anggota").alias("ID_ANGGOTA"))
    landed = (
        clusters.assignment.join(ids, on="unique_id")
        .join(truth.select("ID_ANGGOTA", "TRUE_PERSON"), on="ID_ANGGOTA")
        .select("unique_id", "cluster", "TRUE_PERSON")
    )
    s = pair_scores(landed["cluster"], landed["TRUE_PERSON"])
    print(
        f"{args.data.name}: P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} "
        f"(tp {s.true_positive} pred {s.predicted} actual {s.actual}) "
        f"model {scored.model.source} prepare+score {t1 - t0:.1f}s wall, {c1 - c0:.1f}s CPU "
        f"(train {scored.seconds.get('train', 0):.1f}s, predict {scored.seconds['predict']:.1f}s), "
        f"pairs {scored.pairs.height}"
    )
    for n in scored.model.notes:
        print("  note:", n.code, *n.args)
    out = args.data / "dev"
    out.mkdir(exist_ok=True)
    pairs.write_parquet(out / "pairs.parquet")
    prepared.join(
        persons.select(pl.col("id").alias("unique_id"), "family_id"), on="unique_id"
    ).join(
        landed.select("unique_id", "cluster", "TRUE_PERSON"), on="unique_id", how="left"
    ).write_parquet(out / "prepared.parquet")
    if args.save_model:
        args.save_model.write_text(json.dumps(scored.settings))


if __name__ == "__main__":
    main()
