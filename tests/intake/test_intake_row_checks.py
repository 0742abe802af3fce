"""Row checks across columns: NIK against the stated birth date, education against age."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from batches import write_csv
from sqlalchemy import Engine, text

from terpadu.intake import import_batch

#: A Sunday in December 2026: people born in December 1926 turn 100 in the coming weeks.
TODAY = dt.date(2026, 12, 6)
KELUARGA = ["T1,3604051507870001,3604052001"]


def test_the_oldest_members_land_with_their_century(engine: Engine, tmp_path: Path) -> None:
    """A parent of 99 born 06/12/1926 and one born 20/12/1926: the NIK's year 26 takes the
    stated date's century instead of being read as 2026."""
    keluarga = write_csv(tmp_path / "k.csv", "ID_KELUARGA,NO_KK,KODE_WILAYAH", KELUARGA)
    anggota = write_csv(
        tmp_path / "a.csv",
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR",
        [
            "T1A,T1,3604054612260001,Mbah Sumirah,2,06/12/1926",
            "T1B,T1,3604052012260002,Mbah Karto,1,20/12/1926",
            "T1C,T1,3604052512260003,Mbah Tanpa Tanggal,1,",
            "T1D,T1,3604050112260004,Bayi,1,01/12/2026",
        ],
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    assert report.rows_rejected == 0, report.issues
    assert report.issues.filter(report.issues["code"].str.starts_with("nik_")).height == 0
    with engine.connect() as conn:
        landed = conn.execute(text("SELECT count(*) FROM person")).scalar_one()
    assert landed == 4


def test_a_diploma_impossible_for_the_age_is_a_warning_and_the_row_lands(
    engine: Engine, tmp_path: Path
) -> None:
    """Pupils of 11-16 with SMA or S1 as their highest diploma: warned, kept."""
    keluarga = write_csv(tmp_path / "k.csv", "ID_KELUARGA,NO_KK,KODE_WILAYAH", KELUARGA)
    anggota = write_csv(
        tmp_path / "a.csv",
        "ID_ANGGOTA,ID_KELUARGA,NAMA,TGL_LAHIR,PARTISIPASI_SEKOLAH,PENDIDIKAN_TERTINGGI",
        [
            "E1,T1,Anak Sebelas,2015-03-01,masih sekolah,SMA",
            "E2,T1,Anak Enam Belas,2010-06-01,1,S1",
            "E3,T1,Anak Dua Belas,2014-01-01,1,SD",
            "E4,T1,Ibu,1990-01-01,2,S1",
        ],
    )
    report = import_batch(engine, keluarga, anggota, today=TODAY)
    assert report.rows_rejected == 0
    issues = report.issues.filter(report.issues["code"] == "education_inconsistent_age")
    assert issues["__row"].to_list() == [2, 3]
    assert issues["severity"].unique().to_list() == ["warning"]
    assert "umur" in issues["message"][0]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar_one() == 4
