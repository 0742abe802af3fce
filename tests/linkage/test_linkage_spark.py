"""Spark runs the same trained model and gives the same clusters as DuckDB (one small batch)."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from terpadu.linkage.cluster import cluster_pairs
from terpadu.linkage.model import latest_model, model_dir
from terpadu.linkage.predict import score
from terpadu.linkage.prepare import prepare_records


@pytest.mark.spark
def test_spark_gives_the_same_clusters_as_duckdb(small_batch: Path, data_dir: Path) -> None:
    pytest.importorskip("pyspark")
    model = latest_model(model_dir(data_dir))
    assert model is not None
    a = pl.read_csv(small_batch / "anggota.csv", infer_schema=False).head(250)
    k = pl.read_csv(small_batch / "keluarga.csv", infer_schema=False)
    records = (
        a.join(k.select("ID_KELUARGA", "NO_KK", "KODE_WILAYAH"), on="ID_KELUARGA", how="left")
        .with_row_index("unique_id")
        .select(
            pl.col("unique_id").cast(pl.Int64),
            pl.col("NIK").str.replace_all(r"\D", "").alias("nik"),
            pl.col("NAMA").alias("nama"),
            pl.col("JENIS_KELAMIN").alias("jenis_kelamin"),
            pl.col("TGL_LAHIR").alias("tgl_lahir"),
            pl.col("NAMA_IBU_KANDUNG").alias("nama_ibu_kandung"),
            pl.col("KODE_WILAYAH").str.replace_all(r"\.", "").alias("desa"),
            pl.col("NO_KK").alias("no_kk"),
        )
    )
    prepared = prepare_records(records)
    ids = prepared["unique_id"].to_list()
    clusters = {}
    for backend in ("duckdb", "spark"):
        scored = score(prepared, settings=model.splink_settings, backend=backend, floor=0.5)  # type: ignore[arg-type]
        edges = scored.pairs.filter(pl.col("match_probability") >= 0.95)
        got = cluster_pairs(ids, edges).assignment.sort("unique_id")
        clusters[backend] = got.select("unique_id", "cluster")
        if backend == "duckdb":
            probs = scored.pairs.select("unique_id_l", "unique_id_r", "match_probability")
        else:
            joined = probs.join(
                scored.pairs.select("unique_id_l", "unique_id_r", "match_probability"),
                on=["unique_id_l", "unique_id_r"],
            )
            assert joined.height == probs.height
            assert (
                joined["match_probability"] - joined["match_probability_right"]
            ).abs().max() < 1e-6  # type: ignore[operator]
    assert clusters["duckdb"].equals(clusters["spark"])
    assert clusters["duckdb"]["cluster"].n_unique() < len(ids)
