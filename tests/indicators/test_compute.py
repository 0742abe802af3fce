"""Every shipped indicator against values worked out by hand on a small edition; the
change between editions; trends over three editions; reproducibility."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from small_editions import DESA_A, DESA_B, DESA_C, Registry

from terpadu.indicators import compute_indicators, indicator_values, scorecard, trend
from terpadu.store.models.indicators import IndicatorRun as IndicatorRunRow
from terpadu.store.models.indicators import IndicatorSurveyScore


def nik(i: int) -> str:
    return f"36040501058{i:05d}"  # province 36, born on the 1st of May: a valid NIK


def first_edition(engine: Engine, tmp_path: Path) -> Registry:
    """Four families (reference day 2026-03-31); see each indicator's test for the sums."""
    reg = Registry(engine, tmp_path / "editions")
    reg.family("f1", DESA_A)
    reg.person("f1", nik(1), dt.date(1980, 5, 1))
    reg.person("f1", nik(2), dt.date(2015, 6, 1), hub=3, school=1)  # 10, at school
    reg.person("f1", nik(3), dt.date(2011, 7, 1), hub=3, school=2)  # 14, left school
    reg.family("f2", DESA_A)
    reg.person("f2", "123", dt.date(1970, 1, 1))  # invalid NIK
    reg.person("f2", nik(4), dt.date(2008, 9, 1), sex=2, hub=3, school=0)  # 17, never went
    reg.family("f3", DESA_B)
    reg.person("f3", nik(5), dt.date(1990, 2, 2))
    reg.person("f3", nik(6), dt.date(2017, 10, 1), hub=3, school=1)  # 8, at school
    reg.family("f4", DESA_C, updated=dt.datetime(2025, 3, 15, tzinfo=dt.UTC))
    reg.person("f4", nik(7), dt.date(1960, 3, 3), education=None)  # incomplete record
    reg.publish(
        "2026-Q1",
        {"f1": 1, "f2": 3, "f3": 6, "f4": 2},
        {"pkh": ["f1", "f3"], "pbi-jk": ["f1", "f4"]},
    )
    return reg


def value(
    values: pl.DataFrame,
    indicator: str,
    code: str = "",
    *,
    program: str = "",
    breakdown: str = "",
    part: str = "",
) -> float | None:
    found = values.filter(
        (pl.col("indicator_id") == indicator)
        & (pl.col("kode_wilayah") == code)
        & (pl.col("program") == program)
        & (pl.col("breakdown") == breakdown)
        & (pl.col("breakdown_value") == part)
    )
    assert found.height <= 1, found
    return found["value"][0] if found.height else None


def test_each_indicator_matches_the_sums_by_hand(engine: Engine, tmp_path: Path) -> None:
    first_edition(engine, tmp_path)
    run = compute_indicators(engine, "2026-Q1")
    v = run.values
    # families in desil 1-4: f1, f2 (desa A), f4 (desa C)
    assert value(v, "keluarga_desil_1_4") == 3
    assert value(v, "keluarga_desil_1_4", DESA_A) == 2
    assert value(v, "keluarga_desil_1_4", "3604") == 2
    assert value(v, "keluarga_desil_1_4", DESA_C) == 1
    assert value(v, "keluarga_desil_1_4", breakdown="desil", part="3") == 1
    # PKH reaches f1 of f1, f2, f4; PBI-JK f1 and f4
    assert value(v, "cakupan_program", program="pkh") == pytest.approx(100 / 3, abs=1e-4)
    assert value(v, "cakupan_program", DESA_A, program="pkh") == 50
    assert value(v, "cakupan_program", program="pbi-jk") == pytest.approx(200 / 3, abs=1e-4)
    # PKH enrols f3 of desil 6: one of its two families is outside desil 1-4
    assert value(v, "kebocoran_program", program="pkh") == 50
    assert value(v, "kebocoran_program", program="pbi-jk") == 0
    assert value(v, "layak_tidak_terlayani", program="pkh") == 2
    assert value(v, "layak_tidak_terlayani", program="pbi-jk") == 1
    # people of desil 1-4 families: f1 3, f2 2, f4 1; PBI-JK covers f1 and f4 (4 of 6)
    assert value(v, "pbi_jk_uhc") == pytest.approx(200 / 3, abs=1e-4)
    assert value(v, "pbi_jk_uhc", breakdown="jenis_kelamin", part="2") == 0
    # aged 7-18: 10 and 8 at school, 14 left, 17 never went
    assert value(v, "anak_tidak_sekolah") == 50
    assert value(v, "anak_tidak_sekolah", breakdown="kelompok_umur", part="7-12") == 0
    assert value(v, "anak_tidak_sekolah", breakdown="kelompok_umur", part="13-15") == 100
    assert value(v, "anak_tidak_sekolah", breakdown="kelompok_umur", part="16-18") == 100
    assert value(v, "anak_tidak_sekolah", DESA_A) == pytest.approx(100 * 2 / 3, abs=1e-4)
    assert value(v, "anak_tidak_sekolah", "3603") is None  # no child there
    # updated 2026-01 (2 months before 2026-03) except f4, 2025-03 (12 months)
    assert value(v, "kesegaran_data") == 4.5
    assert value(v, "kesegaran_data", DESA_C) == 12
    # eight members: one without education, one with NIK '123'
    assert value(v, "kelengkapan_data") == 87.5
    assert value(v, "nik_tidak_valid") == 12.5
    assert value(v, "nik_tidak_valid", DESA_B) == 0
    # no approved proposal: no desa updating, of every desa of kab/kota 3603 and 3604
    assert value(v, "wilayah_memperbarui") == 0
    updating = v.filter(
        (pl.col("indicator_id") == "wilayah_memperbarui") & (pl.col("level") == "kabupaten")
    )
    assert set(updating["kode_wilayah"]) == {"3603", "3604"}
    assert value(v, "duplikat_menunggu") == 0
    # inputs this edition lacks give no data, never a value
    for missing in ("ifs_anak", "ifs_lansia", "kelulusan_desil", "dukcapil_tidak_cocok"):
        assert value(v, missing) is None
        assert missing in run.skipped


def test_social_functioning_index_is_the_mean_score(engine: Engine, tmp_path: Path) -> None:
    first_edition(engine, tmp_path)
    with Session(engine) as session, session.begin():
        for group, desa, sex, age, score in (
            ("anak", DESA_A, 1, 10, 0.4),
            ("anak", DESA_A, 2, 14, 0.2),
            ("anak", DESA_C, 2, 9, 0.6),
            ("lansia", DESA_C, 1, 70, 0.5),
        ):
            session.add(
                IndicatorSurveyScore(
                    period="2026-Q1",
                    kelompok=group,
                    kode_wilayah=desa,
                    respondent=f"{score}",
                    jenis_kelamin=sex,
                    umur=age,
                    score=score,
                    source_file="s.csv",
                    imported_by="t",
                )
            )
    v = compute_indicators(engine, "2026-Q1").values
    assert value(v, "ifs_anak") == pytest.approx(0.4)
    assert value(v, "ifs_anak", DESA_A) == pytest.approx(0.3)
    assert value(v, "ifs_anak", breakdown="jenis_kelamin", part="2") == pytest.approx(0.4)
    assert value(v, "ifs_lansia", "36") == pytest.approx(0.5)
    assert value(v, "ifs_disabilitas") is None


def later_editions(reg: Registry) -> None:
    """2026-Q2: f2 graduates, f4 leaves, f5 is new, f1 moves to desa B, f3 falls to desil 4.
    2026-Q3: f3 graduates."""
    reg.change("f4", status="nonaktif")
    reg.change("f1", kode_wilayah=DESA_B)
    reg.family("f5", DESA_B)
    reg.person("f5", nik(8), dt.date(1985, 1, 1))
    reg.publish("2026-Q2", {"f1": 1, "f2": 5, "f3": 4, "f5": 2}, {})
    reg.publish("2026-Q3", {"f1": 1, "f2": 5, "f3": 7, "f5": 2}, {})


def test_the_change_in_a_family_count_is_explained(engine: Engine, tmp_path: Path) -> None:
    reg = first_edition(engine, tmp_path)
    later_editions(reg)
    v = compute_indicators(engine, "2026-Q2").values
    assert value(v, "keluarga_desil_1_4") == 3  # f1, f3, f5
    change = {
        r["breakdown_value"]: r["value"]
        for r in v.filter(
            (pl.col("indicator_id") == "keluarga_desil_1_4")
            & (pl.col("breakdown") == "perubahan")
            & (pl.col("level") == "nasional")
        ).iter_rows(named=True)
    }
    assert change == {"baru": 1, "masuk": 1, "lulus": -1, "nonaktif": -1, "pindah": 0}
    part = lambda code, why: value(  # noqa: E731
        v, "keluarga_desil_1_4", code, breakdown="perubahan", part=why
    )
    assert (part(DESA_A, "lulus"), part(DESA_A, "pindah")) == (-1, -1)
    assert (part(DESA_B, "baru"), part(DESA_B, "masuk"), part(DESA_B, "pindah")) == (1, 1, 1)
    assert part(DESA_C, "nonaktif") == -1
    # of f1, f2, f4 (desil 1-4 before), f2 is active above desil 4 now
    assert value(v, "kelulusan_desil") == pytest.approx(100 / 3, abs=1e-4)
    assert value(v, "kelulusan_desil", DESA_A) == 50


def test_trend_over_three_editions(engine: Engine, tmp_path: Path) -> None:
    reg = first_edition(engine, tmp_path)
    later_editions(reg)
    for period in ("2026-Q1", "2026-Q2", "2026-Q3"):
        compute_indicators(engine, period)
    frame = trend(engine, "keluarga_desil_1_4", None, ["2026-Q1", "2026-Q2", "2026-Q3"])
    assert frame["value"].to_list() == [3, 3, 2]
    assert frame["change"].to_list() == [None, 0, -1]
    assert frame["perubahan_lulus"].to_list() == [None, -1, -1]
    assert frame["perubahan_baru"].to_list() == [None, 1, 0]
    reasons = [c for c in frame.columns if c.startswith("perubahan_")]
    last = frame.row(2, named=True)
    assert sum(last[c] for c in reasons) == last["change"]
    kab = trend(engine, "keluarga_desil_1_4", "36.04", ["2026-Q1", "2026-Q2", "2026-Q3"])
    assert kab["value"].to_list() == [2, 3, 2]


def test_recomputing_an_edition_gives_the_same_values(engine: Engine, tmp_path: Path) -> None:
    first_edition(engine, tmp_path)
    first = compute_indicators(engine, "2026-Q1")
    second = compute_indicators(engine, "2026-Q1")
    assert second.values_sha256 == first.values_sha256
    assert second.inputs_sha256 == first.inputs_sha256
    assert second.values.equals(first.values)
    with Session(engine) as session:
        runs = session.scalars(select(IndicatorRunRow).order_by(IndicatorRunRow.id)).all()
        assert [r.is_current for r in runs] == [0, 1]
        assert runs[1].catalogue_sha256 == first.catalogue_sha256
    stored = indicator_values(engine, "2026-Q1", "3604", "desa")
    fresh = stored.filter(pl.col("indicator_id") == "kesegaran_data")
    assert set(fresh["kode_wilayah"]) == {DESA_A, DESA_B}
    assert set(stored["level"]) == {"desa"}
    assert value(stored, "keluarga_desil_1_4", DESA_A) == 2


def test_a_region_run_gives_the_region_values_of_a_national_run(
    engine: Engine, tmp_path: Path
) -> None:
    first_edition(engine, tmp_path)
    national = compute_indicators(engine, "2026-Q1").values
    regional = compute_indicators(engine, "2026-Q1", region="36.04").values
    assert set(regional["level"]) == {"kabupaten", "kecamatan", "desa"}
    within = national.filter(pl.col("kode_wilayah").str.starts_with("3604"))
    # the count of desa updating is over the region's desa list in both
    assert within.sort(within.columns).equals(regional.sort(regional.columns))


def test_scorecard_statuses(engine: Engine, tmp_path: Path) -> None:
    first_edition(engine, tmp_path)
    compute_indicators(engine, "2026-Q1")
    rows = {(r.indicator.id, r.program): r for r in scorecard(engine, "2026-Q1", None)}
    assert rows[("anak_tidak_sekolah", "")].status == "behind"  # 50 % against 0
    assert rows[("kesegaran_data", "")].status == "on_track"  # 4.5 months against 12
    assert rows[("keluarga_desil_1_4", "")].status == "no_target"
    assert rows[("ifs_anak", "")].status == "no_data"
    assert rows[("ifs_anak", "")].target == 0.35
    assert rows[("kebocoran_program", "pbi-jk")].status == "on_track"
    assert rows[("kebocoran_program", "pkh")].status == "behind"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IndicatorRunRow)) == 1


@pytest.mark.spark
def test_spark_computes_the_same_values_as_duckdb(sqlite_template: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from registries import sqlite_copy

    engine = sqlite_copy(sqlite_template, tmp_path / "terpadu.db")
    reg = first_edition(engine, tmp_path)
    later_editions(reg)
    duck = compute_indicators(engine, "2026-Q2")
    spark = compute_indicators(engine, "2026-Q2", batch_kind="spark")
    assert spark.values_sha256 == duck.values_sha256
