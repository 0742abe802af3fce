import dataclasses
from pathlib import Path

import polars as pl
import pytest
from welfare_frames import REFERENCE

from terpadu.engine import DuckDBEngine
from terpadu.welfare import PmtModel, load_deprivation_config, score_and_rank
from terpadu.welfare.survey import read_survey

COLUMNS = [
    "family_id",
    "pmt_score",
    "persentil",
    "desil",
    "rank_nasional",
    "rank_provinsi",
    "rank_kabkota",
    "skor_deprivasi",
    "dimensi_deprivasi",
    "indikator_deprivasi",
    "miskin_multidimensi",
]


@pytest.mark.spark
def test_duckdb_and_spark_give_the_same_scores_and_desil(
    pmt_model: PmtModel, synth_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark")
    from terpadu.engine import SparkEngine

    survey = read_survey(synth_dir / "survey_keluarga.csv", synth_dir / "survey_anggota.csv")
    # A small batch: the first 300 survey families and their members.
    survey.families.head(300).write_parquet(tmp_path / "families.parquet")
    survey.persons.filter(pl.col("family_id") <= 300).write_parquet(tmp_path / "persons.parquet")
    config = load_deprivation_config()
    spark = SparkEngine()
    duck = DuckDBEngine()
    for handle in (spark, duck):
        handle.register_parquet("families", tmp_path / "families.parquet")
        handle.register_parquet("persons", tmp_path / "persons.parquet")
    # The OLS model runs as SQL on both engines (the tree model scores Arrow batches,
    # whichever engine produced them).
    model = dataclasses.replace(pmt_model, selected="ols")
    results = []
    for handle in (duck, spark):
        frame = pl.from_arrow(score_and_rank(handle, model, config, REFERENCE))
        assert isinstance(frame, pl.DataFrame)
        results.append(
            frame.select(COLUMNS).with_columns(pl.all().exclude(pl.Utf8).cast(pl.Float64))
        )
    assert results[0].height == 300
    assert results[0].equals(results[1])
    assert sorted(results[0]["desil"].value_counts()["count"].to_list()) == [30] * 10
