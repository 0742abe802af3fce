"""Importing targets and assessment scores: bad rows named, good rows land; which target
applies where."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from small_editions import DESA_A, DESA_C

from terpadu.access import Actor, PermissionDenied
from terpadu.indicators import import_survey, import_targets, targets_for
from terpadu.store.models.indicators import IndicatorSurveyScore

NATIONAL = Actor("analis", "analis_pusat")
SERANG = Actor("prov", "admin_provinsi", "36")


def _file(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_target_rows_with_errors_are_named_and_the_rest_land(
    engine: Engine, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        "target.csv",
        "INDIKATOR,TAHUN,KODE_WILAYAH,TARGET\n"
        "ifs_anak,2026,,0.4\n"  # 2: national
        "anak_tidak_sekolah,2026,36.04,2.5\n"  # 3: a kab/kota
        "tidak_ada,2026,,1\n"  # 4: unknown indicator
        "ifs_lansia,2026,9999,0.3\n"  # 5: no such region
        "ifs_lansia,2026,36,1.5\n"  # 6: an index above 1
        "anak_tidak_sekolah,2026,3604,3\n"  # 7: row 3 again
        "ifs_anak,dua ribu,,0.3\n"  # 8: not a year
        "wilayah_memperbarui,2026,3604052001,150\n",  # 9: a percentage above 100
    )
    report = import_targets(engine, NATIONAL, path)
    assert (report.rows_read, report.rows_landed) == (8, 2)
    problems = {(r["__row"], r["column"], r["code"]) for r in report.issues.iter_rows(named=True)}
    assert {
        (4, "INDIKATOR", "indicator_unknown"),
        (5, "KODE_WILAYAH", "target_region_unknown"),
        (6, "TARGET", "target_out_of_range"),
        (7, "INDIKATOR", "target_twice"),
        (9, "TARGET", "target_out_of_range"),
    } <= problems
    assert any(row == 8 and column == "TAHUN" for row, column, _ in problems)
    words = report.issues.filter(report.issues["__row"] == 4)["message"][0]
    assert "tidak_ada" in words and "katalog" in words
    assert set(report.issues["file"]) == {"target.csv"}
    # the nearest region's target applies, else the national one, else the catalogue's
    assert targets_for(engine, 2026, DESA_A)["anak_tidak_sekolah"] == 2.5
    assert targets_for(engine, 2026, DESA_C)["anak_tidak_sekolah"] == 0
    assert targets_for(engine, 2026, DESA_C)["ifs_anak"] == 0.4
    assert targets_for(engine, 2027, None)["ifs_anak"] == 0.35
    # a later file replaces the target of its indicator, year and region
    again = _file(tmp_path, "t2.csv", "INDIKATOR,TAHUN,KODE_WILAYAH,TARGET\nifs_anak,2026,,0.45\n")
    assert import_targets(engine, NATIONAL, again).rows_landed == 1
    assert targets_for(engine, 2026, None)["ifs_anak"] == 0.45


def test_a_regional_account_sets_only_its_own_targets(engine: Engine, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "target.csv",
        "INDIKATOR,TAHUN,KODE_WILAYAH,TARGET\n"
        "ifs_anak,2026,3604,0.5\n"
        "ifs_anak,2026,3273,0.5\n"  # another province
        "ifs_anak,2026,,0.5\n",  # national
    )
    report = import_targets(engine, SERANG, path)
    assert report.rows_landed == 1
    assert report.issues.filter(report.issues["__row"] == 3)["code"][0] == "region_outside"
    assert targets_for(engine, 2026, "3604")["ifs_anak"] == 0.5
    assert targets_for(engine, 2026, None)["ifs_anak"] == 0.35
    with pytest.raises(PermissionDenied):
        import_targets(engine, Actor("op", "operator_desa", DESA_A), path)


def test_assessment_scores_land_for_the_period(engine: Engine, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "asesmen.csv",
        "KELOMPOK,KODE_WILAYAH,ID_RESPONDEN,JENIS_KELAMIN,UMUR,SKOR\n"
        f"anak,{DESA_A},R1,L,10,0.4\n"
        f"Lansia,{DESA_C},R2,perempuan,70,0.5\n"
        f"remaja,{DESA_A},R3,L,15,0.4\n"  # unknown group
        f"anak,{DESA_A},R1,L,10,0.2\n"  # R1 again in the same group
        f"anak,{DESA_A},R4,L,10,1.4\n"  # score above 1
        "anak,3604,R5,L,10,0.4\n",  # not a desa code
    )
    report = import_survey(engine, NATIONAL, path, "2026-q1")
    assert (report.rows_read, report.rows_landed) == (6, 2)
    codes = dict(report.issues.select("__row", "code").iter_rows())
    assert codes[4] == "survey_group_unknown" and codes[5] == "respondent_twice"
    assert 6 in codes and 7 in codes
    with Session(engine) as session:
        rows = session.execute(
            select(IndicatorSurveyScore.period, IndicatorSurveyScore.kelompok,
                   IndicatorSurveyScore.jenis_kelamin, IndicatorSurveyScore.score)
            .order_by(IndicatorSurveyScore.id)
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [("2026-Q1", "anak", 1, 0.4), ("2026-Q1", "lansia", 2, 0.5)]
    # the same file again replaces the period's scores of those groups and desa
    import_survey(engine, NATIONAL, path, "2026-Q1")
    with Session(engine) as session:
        assert len(session.scalars(select(IndicatorSurveyScore)).all()) == 2


def test_the_layouts_are_documented_column_by_column() -> None:
    import re

    from terpadu.indicators.imports import SURVEY_COLUMNS, TARGET_COLUMNS

    formats = (Path(__file__).parents[2] / "docs" / "formats.md").read_text("utf-8")
    for title, layout in (
        ("Indicator targets", TARGET_COLUMNS),
        ("Social-functioning assessments", SURVEY_COLUMNS),
    ):
        start = formats.index(f"### {title}")
        section = formats[start : formats.find("\n#", start + 1)]
        rows = dict(re.findall(r"^\| `([A-Z_]+)` \| (yes|) \|", section, re.M))
        assert set(rows) == {c.name for c in layout}, title
        assert {n for n, flag in rows.items() if flag} == {c.name for c in layout if c.required}
