from pathlib import Path

import pytest

from terpadu.targeting.catalogue import (
    ProgramConfigError,
    load_catalogue,
    parse_program,
    with_program,
)

GOOD = """\
program: bansos-x
name: Bansos X
version: "1"
desil: [1, 3]
conditions:
  - field: n_lansia_70
    op: ">="
    value: 1
exclusions: [asn_tni_polri]
conflicts: [pkh]
amount:
  per: bulan
  family: 100000
"""


def test_shipped_programmes_load_with_amounts_versions_and_symmetric_conflicts() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.programs) == {"pkh", "sembako", "pbi-jk", "blt", "rtlh", "kube"}
    pkh = catalogue.get("PKH")
    amounts = {c.code: (c.amount, c.cap) for c in pkh.components}
    assert amounts["anak_usia_dini"] == (3_000_000, 2)
    assert amounts["lansia"] == (2_400_000, 1)
    assert amounts["disabilitas_berat"] == (2_400_000, 1)
    assert amounts["sd"][0] == 900_000 and amounts["smp"][0] == 1_500_000
    assert amounts["sma"][0] == 2_000_000 and amounts["hamil"][0] == 3_000_000
    assert catalogue.get("sembako").amount_family == 200_000
    assert catalogue.get("pbi-jk").amount_member == 42_000
    # blt lists pkh and sembako; they conflict back.
    assert "blt" in catalogue.get("pkh").conflicts and "blt" in catalogue.get("sembako").conflicts
    assert all(p.version for p in catalogue)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.replace("desil: [1, 3]", "desil: [4, 2]"), 4, "lebih besar"),
        (GOOD.replace("field: n_lansia_70", "field: gaji"), 6, "gaji"),
        (GOOD.replace('op: ">="', "op: '~'"), 7, "operator"),
        (GOOD.replace("[asn_tni_polri]", "[asn_tni_polri, kaya]"), 9, "kaya"),
        (GOOD.replace("per: bulan", "per: minggu"), 12, "per"),
        (GOOD.replace("family: 100000", "family: -5"), 13, "family"),
        (GOOD.replace('version: "1"\n', ""), None, "version"),
        (GOOD + "bonus: 1\n", 14, "bonus"),
        (GOOD.replace("desil: [1, 3]", "desil: [1, 3"), None, "YAML"),
    ],
)
def test_a_bad_file_is_refused_with_file_line_and_reason(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(ProgramConfigError) as info:
        load_catalogue(tmp_path)
    assert str(path) in str(info.value) and words in str(info.value)
    if line is not None:
        assert info.value.line == line
        assert f"{path}:{line}:" in str(info.value)
    else:
        assert info.value.line is not None or "version" in words


def test_user_folder_overrides_and_extends(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(GOOD)
    (tmp_path / "pkh.yaml").write_text(
        GOOD.replace("bansos-x", "pkh")
        .replace("Bansos X", "PKH lokal")
        .replace("conflicts: [pkh]", "conflicts: []")
    )
    catalogue = load_catalogue(tmp_path)
    assert catalogue.get("pkh").name == "PKH lokal"
    assert catalogue.get("bansos-x").conflicts == ("pkh",)
    assert "bansos-x" in catalogue.get("pkh").conflicts


def test_conflict_with_unknown_programme_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(GOOD.replace("[pkh]", "[tidak-ada]"))
    with pytest.raises(ProgramConfigError, match="tidak-ada"):
        load_catalogue(tmp_path)
    with pytest.raises(ProgramConfigError, match="tidak-ada"):
        with_program(load_catalogue(), parse_program(GOOD.replace("[pkh]", "[tidak-ada]")))


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ("n_lansia_70", "n_lansia_70"),
        ("lansia_70", "n_lansia_70"),
        ("jumlah_disabilitas", "n_disabilitas"),
        ("lansia", "n_lansia_60"),
    ],
)
def test_a_count_may_be_named_as_welfare_names_it(written: str, column: str) -> None:
    program = parse_program(GOOD.replace("field: n_lansia_70", f"field: {written}"))
    assert program.conditions[0].field == column
