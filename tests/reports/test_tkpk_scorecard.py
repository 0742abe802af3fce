"""The TKPK profile's scorecard: the indicators stored for the edition against their targets,
or words saying they have not been computed."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parents[1] / "indicators"))
from test_compute import first_edition

from terpadu.indicators import compute_indicators
from terpadu.reports.tkpk.model import Section
from terpadu.reports.tkpk.profile import _say
from terpadu.reports.tkpk.scorecard import scorecard_section


def _scorecard(engine: Engine, lang: str = "id") -> Section:
    # The hand-made editions carry no deprivation settings, so the section is asked for
    # alone (region_profile adds it after the ranking's sections).
    return scorecard_section(engine, "", "2026-Q1", lang, _say(lang))


def test_the_scorecard_says_when_the_edition_has_no_values(engine: Engine, tmp_path: Path) -> None:
    first_edition(engine, tmp_path)
    section = _scorecard(engine)
    assert section.tables == []
    assert "terpadu indikator hitung --edition 2026-Q1" in section.text


def test_the_scorecard_lists_each_indicator_with_its_status(engine: Engine, tmp_path: Path) -> None:
    first_edition(engine, tmp_path)
    compute_indicators(engine, "2026-Q1")
    section = _scorecard(engine)
    table = section.tables[0].frame
    rows = {(r["indikator"], r["program"]): r for r in table.iter_rows(named=True)}
    assert rows[("anak_tidak_sekolah", "")]["status"] == "Tertinggal"
    assert rows[("kesegaran_data", "")]["status"] == "Sesuai target"
    assert rows[("ifs_anak", "")]["status"] == "Tidak ada data"
    assert rows[("ifs_anak", "")]["target"] == 0.35
    assert rows[("kebocoran_program", "pkh")]["status"] == "Tertinggal"
    behind = sum(1 for r in rows.values() if r["status"] == "Tertinggal")
    assert f"{behind} tertinggal" in section.text
    english = _scorecard(engine, "en").tables[0].frame
    assert "On track" in english["status"].to_list()
    assert "indikator" in section.tables[0].internal
