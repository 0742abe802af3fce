import datetime as dt

import polars as pl
import pytest
from targeting_frames import SPAN, existing, families, load, persons, quotas, welfare

from terpadu.engine import DuckDBEngine
from terpadu.targeting.allocation import evaluate_program
from terpadu.targeting.catalogue import load_catalogue

COLUMNS = [
    "family_id",
    "layak",
    "alasan",
    "kuota_wilayah",
    "peringkat",
    "terdaftar",
    "nominal",
    "komponen",
    "penerima_id",
    "penerima_pengganti",
    "ditunjuk_id",
    "keputusan",
    "anggota_ganda",
]


@pytest.mark.spark
def test_spark_and_duckdb_enrol_the_same_families() -> None:
    pytest.importorskip("pyspark")
    from terpadu.engine import SparkEngine

    cat = load_catalogue()
    fam = families(
        [{"id": i, "kode_wilayah": "3604052001" if i % 2 else "3604062001"} for i in range(1, 25)]
    )
    per = persons(
        [
            {
                "id": 2 * i - 1,
                "family_id": i,
                "hub_keluarga": 1,
                "nik": f"36040101018{i:05d}",
                "status_pekerjaan": 5 if i == 7 else 2,
                "resolved_person_id": 9 if i in (3, 4) else None,
            }
            for i in range(1, 25)
        ]
        + [
            {
                "id": 2 * i,
                "family_id": i,
                "hub_keluarga": 2,
                "jenis_kelamin": 2,
                "nik": None if i == 11 else f"36040141018{i:05d}",
                "tgl_lahir": dt.date(2021, 1, 1) if i % 3 else dt.date(2012, 1, 1),
                "partisipasi_sekolah": 1,
                # a diploma too advanced for the age: the level follows the age
                "pendidikan_tertinggi": 3 if i % 4 == 0 else 0,
            }
            for i in range(1, 25)
        ]
        # the child of family 13 registered again, later, in family 14: held in 13
        + [
            {
                "id": 100,
                "family_id": 14,
                "nik": "3604014101800013",
                "tgl_lahir": dt.date(2021, 1, 1),
            }
        ]
    )
    wel = welfare(
        [{"family_id": i, "desil": 1 + i % 6, "pmt_score": 10 + (i % 5) / 10} for i in range(1, 25)]
    )
    results = []
    for batch in (DuckDBEngine(), SparkEngine()):
        load(batch, fam, per, wel, enrolled=existing([(5, "blt")]))
        got = []
        for name in ("pkh",):  # components, caps, conflicts, duplicates
            decisions, _ = evaluate_program(
                batch, cat.get(name), quotas({"360405": 4, "3604": 3}), SPAN, prepared=True
            )
            got.append(decisions.select(COLUMNS).sort("family_id"))
        results.append(got)
        batch.close()
    for duck, spark in zip(*results, strict=True):
        assert duck.filter(pl.col("terdaftar")).height > 0
        assert duck.cast({"peringkat": pl.Int64, "nominal": pl.Int64}).equals(
            spark.cast({"peringkat": pl.Int64, "nominal": pl.Int64})
        )
