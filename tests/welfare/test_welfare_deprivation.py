import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from welfare_frames import families, persons

from terpadu.engine import DuckDBEngine
from terpadu.welfare import DeprivationConfigError, load_deprivation_config
from terpadu.welfare.deprivation import af_measures, deprivation_sql, parse_deprivation_config
from terpadu.welfare.features import profile_sql

SMALL = """\
poverty_cutoff: 0.4
dimension_cutoff: 0.5
dimensions:
  housing:
    label: Perumahan
    weight: 0.5
    indicators:
      lantai_tanah:
        column: jenis_lantai
        deprived_if: in
        value: [7, 8]
        weight: 1
      sempit:
        column: luas_lantai_per_kapita
        deprived_if: "<"
        value: 8
        weight: 3
  education:
    weight: 0.5
    indicators:
      kepala:
        column: kepala_pendidikan
        deprived_if: "<="
        value: 1
        weight: 1
"""


def test_default_config_has_the_five_dimensions() -> None:
    config = load_deprivation_config()
    assert [d.name for d in config.dimensions] == [
        "economic",
        "housing",
        "education",
        "health",
        "social",
    ]
    assert sum(i.weight for i in config.indicators) == pytest.approx(1.0)
    assert 0 < config.poverty_cutoff <= 1


@pytest.mark.parametrize(
    ("old", "new", "line", "reason"),
    [
        (
            "weight: 0.5\n    indicators:\n      lantai",
            "weight: 0.6\n    indicators:\n      lantai",
            3,
            "jumlah bobot dimensi harus 1",
        ),
        ("column: kepala_pendidikan", "column: kepala_sekolah", 22, "kolom 'kepala_sekolah'"),
        ('deprived_if: "<="', 'deprived_if: "=<"', 23, "deprived_if '=<'"),
        ("value: [7, 8]", "value: 7", 11, "butuh daftar angka"),
        ("weight: 3", "weight: -3", 17, "bobot harus lebih dari 0"),
        ("poverty_cutoff: 0.4", "poverty_cutoff: 1.4", 1, "poverty_cutoff"),
        ("label: Perumahan", "label: [Perumahan", 6, "YAML tidak valid"),
        ("        weight: 1\n", "        wieght: 1\n", 12, "kunci 'wieght' tidak dikenal"),
    ],
)
def test_bad_config_is_refused_with_file_line_and_reason(
    tmp_path: Path, old: str, new: str, line: int, reason: str
) -> None:
    assert old in SMALL
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL.replace(old, new, 1))
    with pytest.raises(DeprivationConfigError) as caught:
        load_deprivation_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message


def _scored(config_text: str) -> pl.DataFrame:
    config = parse_deprivation_config(config_text)
    duck = DuckDBEngine()
    duck.register_arrow(
        "families",
        families(
            [
                {"id": 1, "jenis_lantai": 8, "luas_lantai": 5.0},  # both housing indicators
                {"id": 2, "jenis_lantai": 2, "luas_lantai": 5.0},  # small floor only
                {"id": 3, "jenis_lantai": 8, "luas_lantai": 100.0},  # earth floor only
                {"id": 4, "jenis_lantai": 2, "luas_lantai": 100.0},  # none
            ]
        ),
    )
    duck.register_arrow(
        "persons",
        persons(
            [
                {"id": 1, "family_id": 1, "hub_keluarga": 1, "pendidikan_tertinggi": 0},
                {"id": 2, "family_id": 2, "hub_keluarga": 1, "pendidikan_tertinggi": 3},
                {"id": 3, "family_id": 3, "hub_keluarga": 1, "pendidikan_tertinggi": 1},
                {"id": 4, "family_id": 4, "hub_keluarga": 1, "pendidikan_tertinggi": None},
            ]
        ),
    )
    table = duck.sql(
        deprivation_sql(config, f"({profile_sql(dt.date(2025, 7, 1))}) p") + " ORDER BY family_id"
    )
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def test_family_scores_and_deprived_dimensions() -> None:
    frame = _scored(SMALL)
    assert frame["skor_deprivasi"].round(9).to_list() == [1.0, 0.375, 0.625, 0.0]
    assert frame["dimensi_deprivasi"].to_list() == [
        "housing;education",
        "housing",  # 0.375 of housing's 0.5 is at least half of it
        "education",  # 0.125 of 0.5 is not
        None,  # a blank diploma is not a deprivation
    ]
    assert frame["indikator_deprivasi"][0] == "lantai_tanah;sempit;kepala"
    assert frame["miskin_multidimensi"].to_list() == [1, 0, 1, 0]


def test_alkire_foster_measures_add_up() -> None:
    config = parse_deprivation_config(SMALL)
    frame = _scored(SMALL)
    m = af_measures(frame, config)
    assert m["n"] == 4 and m["q"] == 2
    assert m["H"] == pytest.approx(0.5)
    assert m["A"] == pytest.approx((1.0 + 0.625) / 2)
    assert m["M0"] == pytest.approx(m["H"] * m["A"])
    # Censored: family 2 (0.375 < k) does not count in the contributions.
    parts = {d["dimensi"]: d["kontribusi"] for d in m["dimensi"]}
    assert parts["housing"] == pytest.approx((0.5 + 0.125) / 4)
    assert sum(parts.values()) == pytest.approx(m["M0"], abs=1e-12)
    assert sum(d["persen_kontribusi"] for d in m["dimensi"]) == pytest.approx(1.0)
