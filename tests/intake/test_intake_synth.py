"""The importer against the generator's ground truth: every row where it should be."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from terpadu.intake import import_batch
from terpadu.synth import SynthConfig, generate


@pytest.fixture(scope="module")
def heavy_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("synth")
    generate(SynthConfig(households=1500, kab_code="3604", seed=11, faults="heavy"), outdir)
    return outdir


def _landed(engine: Engine, sql: str) -> dict[str, str | None]:
    with engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(text(sql)).all()}


def test_every_row_lands_or_is_rejected_as_expected(engine: Engine, heavy_batch: Path) -> None:
    report = import_batch(
        engine,
        heavy_batch / "keluarga.csv",
        heavy_batch / "anggota.csv",
        today=dt.date(2026, 11, 22),
    )
    truth_k = pl.read_csv(heavy_batch / "truth_keluarga.csv", infer_schema=False)
    truth_a = pl.read_csv(heavy_batch / "truth_anggota.csv", infer_schema=False)
    families = _landed(engine, "SELECT source_key, no_kk FROM family")
    persons = _landed(engine, "SELECT id_anggota, nik FROM person")

    k, a = report.files
    assert k.rows_read == truth_k.height and a.rows_read == truth_a.height
    assert k.rows_landed + k.rows_rejected == k.rows_read
    assert a.rows_landed + a.rows_rejected == a.rows_read

    expect_k = dict(zip(truth_k["ID_KELUARGA"], truth_k["EXPECT"], strict=True))
    wrong_k = [key for key, e in expect_k.items() if (key in families) != (e != "reject")]
    assert wrong_k == []

    wrong_a = [
        row["ID_ANGGOTA"]
        for row in truth_a.iter_rows(named=True)
        if (row["ID_ANGGOTA"] in persons) != (row["EXPECT"] != "reject")
    ]
    assert wrong_a == []
    assert a.rows_rejected == truth_a.filter(pl.col("EXPECT") == "reject").height

    # Repairs are exact: a repaired NIK is the true one, never a guess.
    repaired = truth_a.filter(pl.col("EXPECT") == "repair")
    assert repaired.height > 0
    for row in repaired.iter_rows(named=True):
        if "nik_typo" not in row["FAULT"]:
            assert persons[row["ID_ANGGOTA"]] == row["TRUE_NIK"]
    assert a.rows_repaired >= repaired.height
