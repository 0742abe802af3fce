"""Region codes by their digits alone."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terpadu.regions import RegionCodeError, format_code, level_of, normalize_code
from terpadu.regions.codes import kind_of, parent_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("36", "36"),
        ("36.04", "3604"),
        ("36.04.01", "360401"),
        ("36.04.01.2001", "3604012001"),
        ("3604012001", "3604012001"),
        (" 36.04.01.2001 ", "3604012001"),
        ("36 04 01 2001", "3604012001"),
    ],
)
def test_normalize_code_accepts_dotted_and_undotted(raw: str, expected: str) -> None:
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "3", "360", "36040", "36040120011", "36.4.1", "3a04", "36..04"]
)
def test_normalize_code_rejects_malformed(raw: str) -> None:
    with pytest.raises(RegionCodeError) as info:
        normalize_code(raw)
    assert "Kode wilayah" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_length_message_counts_digits() -> None:
    with pytest.raises(RegionCodeError, match="tertulis 5 digit"):
        normalize_code("36040")


def test_format_and_level() -> None:
    assert format_code("3604012001") == "36.04.01.2001"
    assert format_code("3604") == "36.04"
    assert [level_of(c) for c in ("36", "3604", "360401", "3604012001")] == [
        "provinsi",
        "kabupaten",
        "kecamatan",
        "desa",
    ]


def test_kind_from_digits() -> None:
    assert kind_of("3204") == "kabupaten"
    assert kind_of("3273") == "kota"
    assert kind_of("3302012001") == "desa"
    assert kind_of("3273011001") == "kelurahan"
    assert kind_of("9103013007") == "desa"  # desa adat in Kabupaten Jayapura


def test_parent_code() -> None:
    assert parent_code("36") is None
    assert parent_code("3604") == "36"
    assert parent_code("360401") == "3604"
    assert parent_code("36.04.01.2001") == "360401"


@given(st.from_regex(r"[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{4})?)?)?", fullmatch=True))
def test_format_normalize_round_trip(code: str) -> None:
    assert normalize_code(format_code(code)) == code
