"""The problem list: every issue, and every value repaired as sent and as repaired."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from batches import ANGGOTA_HEADER, KELUARGA_HEADER, write_csv
from sqlalchemy import Engine

from terpadu.files import ROW
from terpadu.intake import import_batch
from terpadu.intake.report import PROBLEM_SCHEMA, stored_problems

TODAY = dt.date(2026, 11, 22)


def _batch(tmp_path: Path) -> tuple[Path, Path]:
    keluarga = write_csv(
        tmp_path / "k.csv",
        KELUARGA_HEADER,
        [
            "K1,3604 0515 0787 0001,'3604052001,Kp. Baru,001,002,1,36.5,8",
            "K2,3604052001100002,3604052002,Kp. Lama,003,001,2,20,6",
        ],
    )
    anggota = write_csv(
        tmp_path / "a.csv",
        ANGGOTA_HEADER,
        [
            "A1,K1,'3604051507870001,Ahmad,1,1987-07-15,1",
            "A2,K1,3.60405E+15,Siti,2,1987-07-01,2",
            "A3,K2,3604 0502 0390 0003,Joko,1,1990-03-02,1",
        ],
    )
    return keluarga, anggota


def test_repaired_values_are_listed_as_sent_and_as_repaired(engine: Engine, tmp_path: Path) -> None:
    report = import_batch(engine, *_batch(tmp_path), today=TODAY)
    problems = report.problem_list()
    assert problems.schema == PROBLEM_SCHEMA
    repaired = problems.filter(pl.col("severity") == "repaired")
    got = {
        (r["file"], r[ROW], r["column"], r["value"], r["repaired"])
        for r in repaired.rows(named=True)
    }
    assert got == {
        ("k.csv", 2, "NO_KK", "3604 0515 0787 0001", "3604051507870001"),
        ("k.csv", 2, "KODE_WILAYAH", "'3604052001", "3604052001"),
        ("a.csv", 2, "NIK", "'3604051507870001", "3604051507870001"),
        ("a.csv", 4, "NIK", "3604 0502 0390 0003", "3604050203900003"),
    }
    assert set(repaired["code"]) == {"value_repaired"}
    assert all("ditulis ulang menjadi" in m for m in repaired["message"])
    # The issues are there too (a NIK Excel damaged), unchanged by the repairs.
    lost = problems.filter(pl.col("code") == "number_digits_lost")
    assert lost[ROW].to_list() == [3] and lost["repaired"].to_list() == [None]
    assert report.issues.filter(pl.col("code") == "value_repaired").height == 0
    # Rows ordered by file and row.
    assert problems.select("file", ROW).rows() == sorted(problems.select("file", ROW).rows())


def test_a_batch_sent_again_gets_its_first_problem_list(engine: Engine, tmp_path: Path) -> None:
    first = import_batch(engine, *_batch(tmp_path), today=TODAY)
    again = import_batch(engine, *_batch(tmp_path), today=TODAY)
    assert again.already_imported and again.batch_id == first.batch_id
    stored = stored_problems(engine, first.batch_id or 0)
    assert stored.schema == PROBLEM_SCHEMA
    assert (
        stored.drop("repaired").rows()
        == first.issues.sort("file", ROW)
        .select("file", ROW, "column", "value", "severity", "code", "message")
        .rows()
    )
    assert stored_problems(engine, 999_999).height == 0
