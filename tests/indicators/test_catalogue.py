"""The catalogue is checked when loaded, and every shipped indicator is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from terpadu.indicators.catalogue import CATALOGUE_PATH, load_catalogue, parse_catalogue

DOCS = Path(__file__).parents[2] / "docs" / "indicators.md"


def test_the_shipped_catalogue_holds_the_planners_indicators() -> None:
    catalogue = load_catalogue()
    targets = {i.id: i.targets.for_year(2026) for i in catalogue.indicators}
    assert (targets["ifs_anak"], targets["ifs_pmks"], targets["ifs_lansia"]) == (0.35, 0.35, 0.27)
    assert targets["ifs_disabilitas"] == 0.35 and targets["wilayah_memperbarui"] == 100
    assert catalogue.get("anak_tidak_sekolah").disaggregations[0] == "kelompok_umur"
    assert len(catalogue.sha256) == 64
    text = DOCS.read_text()
    assert all(f"`{i}`" in text for i in catalogue.ids)


def _with(replace: str, by: str) -> str:
    text = CATALOGUE_PATH.read_text()
    assert replace in text
    return text.replace(replace, by, 1)


def test_a_catalogue_with_a_fault_is_refused_saying_where() -> None:
    with pytest.raises(ValidationError, match="unknown disaggregation"):
        parse_catalogue(_with("[jenis_kelamin, kelompok_umur]", "[agama]"))
    with pytest.raises(ValidationError, match="given twice"):
        parse_catalogue(_with("id: ifs_pmks", "id: ifs_anak"))
    with pytest.raises(ValidationError, match="direction"):
        parse_catalogue(_with("direction: higher", "direction: up"))
    with pytest.raises(ValidationError, match=r"satuan|extra"):
        parse_catalogue(_with("unit: index", "unit: index\n    satuan: x"))
