"""Fixtures for the linkage tests: a model trained once per session on a synth registry."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import polars as pl
from linkage_helpers import synth_batch

from terpadu.linkage.model import latest_model, model_dir, save_model
from terpadu.linkage.predict import score
from terpadu.linkage.prepare import prepare_records


@pytest.fixture(scope="session")
def small_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 1,000 registrations with known duplicates."""
    return synth_batch(tmp_path_factory.mktemp("synth-small"), households=300, seed=5)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a model trained (unsupervised) on a separate synth registry."""
    folder = tmp_path_factory.mktemp("linkage-data")
    train = synth_batch(tmp_path_factory.mktemp("synth-train"), households=1500, seed=11)
    a = pl.read_csv(train / "anggota.csv", infer_schema=False)
    k = pl.read_csv(train / "keluarga.csv", infer_schema=False)
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
    scored = score(prepare_records(records))
    save_model(model_dir(folder), scored.settings, records.height)
    assert latest_model(model_dir(folder)) is not None
    return folder
