"""NIK levels and the prepared columns behind them: a serial one or two apart, one digit of
the region code, another serial, and a NIK that is not its holder's, each kept apart from a
plain typo so its weight is learned on its own; a missing birth date; a father's name added."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from terpadu.linkage.comparisons import BLOCKS
from terpadu.linkage.fallback import DEFAULT, default_settings
from terpadu.linkage.model import base_settings
from terpadu.linkage.prepare import prepare_records
from terpadu.linkage.training import unseen_u

TODAY = dt.date(2026, 12, 6)


def _prepared(rows: list[dict[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [{"unique_id": i + 1, "nama": "SITI AMINAH", **row} for i, row in enumerate(rows)]
    )
    return prepare_records(frame, TODAY)


def _nik_level(left: dict[str, Any], right: dict[str, Any], comparison: str = "nik") -> str:
    """A comparison's level label for two records, as the model scores them."""
    from splink import DuckDBAPI, Linker, block_on

    prepared = _prepared([left, right])
    # Both records have the same name: blocking on it puts the pair before the model.
    base = base_settings(rules=[block_on("name_norm")]).get_settings("duckdb").as_dict()
    settings = default_settings(base, 10_000)
    api = DuckDBAPI()
    linker = Linker(api.register(prepared.to_arrow()), settings, log_level=None)
    scored = linker.inference.predict().as_pandas_dataframe()
    gamma = int(scored[f"gamma_{comparison}"].iloc[0])
    nik = next(c for c in settings["comparisons"] if c["output_column_name"] == comparison)
    levels = [lv for lv in nik["comparison_levels"] if not lv.get("is_null_level")]
    return "null" if gamma == -1 else str(levels[len(levels) - 1 - gamma]["label_for_charts"])


def test_nik_fit_says_whether_the_nik_is_its_holders() -> None:
    frame = _prepared(
        [
            {"nik": "3329014506800001", "tgl_lahir": "1980-06-05"},  # as stated
            {"nik": "3329014506800001", "tgl_lahir": "1980-06-08"},  # one digit mistyped
            {"nik": "3329014506800001", "tgl_lahir": "1980-05-06"},  # day and month swapped
            {"nik": "3329014506800001", "tgl_lahir": "2003-12-16"},  # another person's NIK
            {"nik": "3329014506800001", "tgl_lahir": None},
            {"nik": None, "tgl_lahir": "1980-06-05"},
        ]
    )
    assert frame["nik_fit"].to_list() == [1, 1, 1, 0, None, None]
    assert frame["nik_serial"].to_list()[:1] == [1]


@pytest.mark.parametrize(
    ("stated", "fit"),
    [
        ("1980-01-01", 1),  # only the year known, written as 1 January
        ("1980-07-01", 1),
        ("1980-12-31", 1),
        ("1981-01-01", 0),  # a year-only date of another year
        ("1908-06-05", 1),  # the two digits of the year swapped (the NIK holds only those)
        ("1908-06-15", 0),  # ... and another day: two faults, not this NIK's date
        ("1978-06-05", 0),  # another year
    ],
)
def test_nik_fit_allows_a_year_only_date_and_swapped_year_digits(stated: str, fit: int) -> None:
    frame = _prepared([{"nik": "3329014506800001", "tgl_lahir": stated}])
    assert frame["nik_fit"].to_list() == [fit]


def test_one_nik_on_two_records_whose_dates_both_fit_it_is_one_holder() -> None:
    # Year typed 2001 for 2000 in one record, day 12 for 10 in the other: neither year nor day
    # and month agree, but both dates are one typo from the NIK's, so the NIK is theirs.
    left = {"nik": "3329155006000034", "tgl_lahir": "2000-06-12"}
    right = {"nik": "3329155006000034", "tgl_lahir": "2001-06-10"}
    assert _nik_level(left, right) == "NIK sama persis"
    # A child's date on the parent's NIK does not fit it: the NIK says nothing.
    child = {"nik": "3329155006000034", "tgl_lahir": "2019-03-14"}
    assert _nik_level(left, child) == "null"


def test_a_record_in_the_kecamatan_that_issued_the_others_nik() -> None:
    moved = {"nik": "3329155006000034", "tgl_lahir": "2000-06-10", "desa": "3329032012"}
    at_home = {"nik": None, "tgl_lahir": "2000-06-10", "desa": "3329152005"}
    label = "tinggal di kecamatan asal NIK catatan lain"
    assert _nik_level(moved, at_home, "region") == label
    assert _nik_level(at_home, moved, "region") == label
    # Both in the NIK's kecamatan: simply the same kecamatan.
    home_too = {**moved, "desa": "3329152003"}
    assert _nik_level(home_too, at_home, "region") == "kecamatan sama"
    # Elsewhere in the kabupaten: nothing to say beyond the kabupaten.
    elsewhere = {**at_home, "desa": "3329082016"}
    assert _nik_level(moved, elsewhere, "region") == "kab/kota sama"


def test_a_mistyped_birth_date_meets_the_nik_date_of_the_other_record() -> None:
    frame = _prepared(
        [
            {"nik": "3329155006000034", "tgl_lahir": "2001-06-10"},  # year mistyped
            {"nik": None, "tgl_lahir": "2000-06-10"},
            {"nik": "3329155006000034", "tgl_lahir": "2000-06-10"},  # as stated: no key
        ]
    )
    assert frame["birth_best"].to_list() == ["2000-06-10", "2000-06-10", None]
    assert ("birth_best", "first_key") in BLOCKS
    # Without any NIK the key would repeat the stated date's rules: it is left empty.
    no_nik = _prepared([{"tgl_lahir": "2000-06-10"}, {"tgl_lahir": "2001-06-10"}])
    assert no_nik["birth_best"].null_count() == 2


def test_birth_key_is_the_same_for_day_first_and_month_first_dates() -> None:
    frame = _prepared(
        [
            {"tgl_lahir": "2003-12-08"},
            {"tgl_lahir": "2003-08-12"},
            {"nik": "3329011208030022", "tgl_lahir": None},  # the NIK's date where none given
        ]
    )
    assert frame["birth_key"].n_unique() == 1


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # Serials 0001 and 0002 of one day in one kecamatan: as often two people as a typo.
        ("3329014506800001", "3329014506800002", "NIK nomor urut berdekatan"),
        ("3329014506800001", "3329014506800007", "NIK beda satu digit"),
        # Same date and serial, one digit of the kecamatan code: serials restart per kecamatan.
        ("3329014506800001", "3329024506800001", "NIK beda satu digit kode wilayah"),
        ("3329014506800001", "3329014506800471", "NIK sama kecuali nomor urut"),
        ("3329014506800001", "3329014506800001", "NIK sama persis"),
    ],
)
def test_nik_levels_tell_kinds_of_difference_apart(left: str, right: str, level: str) -> None:
    assert _nik_level({"nik": left, "tgl_lahir": "1980-06-05"}, {"nik": right}) == level


def test_a_nik_that_is_not_its_holders_is_its_own_level() -> None:
    mine = {"nik": "3329171612030019", "tgl_lahir": "2003-12-16"}
    parents = {"nik": "3329125104890018", "tgl_lahir": "2003-12-16"}  # NIK of a 1989 birth
    assert _nik_level(mine, parents) == "NIK tidak sesuai tanggal lahir pemegangnya"
    unrelated = {"nik": "3329125104890018", "tgl_lahir": "1989-04-11"}
    assert _nik_level(mine, unrelated) == "All other comparisons"


def test_levels_sampling_never_drew_get_at_most_one_in_the_sample() -> None:
    settings = base_settings().get_settings("duckdb").as_dict()
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["u_probability"] = None
    unseen_u(settings, 2_000_000)
    nik = next(c for c in settings["comparisons"] if c["output_column_name"] == "nik")
    typo = next(
        lv for lv in nik["comparison_levels"] if lv.get("label_for_charts") == "NIK beda satu digit"
    )
    assert typo["u_probability"] == pytest.approx(5e-7)
    # Never more than the default model's value.
    region = next(c for c in settings["comparisons"] if c["output_column_name"] == "region")
    other = next(
        lv for lv in region["comparison_levels"] if lv.get("label_for_charts") == "desa sama"
    )
    assert other["u_probability"] <= DEFAULT["levels"]["region"]["desa sama"]["u"]
    # Without a sample the levels stay unset for the default model.
    fresh = base_settings().get_settings("duckdb").as_dict()
    assert unseen_u(fresh, 0) == fresh


def test_a_birth_date_missing_on_one_side_is_not_a_different_one() -> None:
    dated = {"nik": "3329175209910012", "tgl_lahir": "1991-09-12"}
    undated = {"nik": "3329175209910012", "tgl_lahir": None}
    assert _nik_level(dated, undated, "dob") == "null"
    # The stated date is the other's NIK date (the NIKs differ): that still counts.
    other = {"nik": "3329175209910099", "tgl_lahir": None}
    retyped = {"nik": "3329171309910012", "tgl_lahir": "1991-09-12"}
    assert _nik_level(retyped, other, "dob") == "sama dengan tanggal lahir di NIK"


def test_a_fathers_name_added_with_bin_or_binti_is_not_part_of_the_name() -> None:
    frame = prepare_records(
        pl.DataFrame(
            {
                "unique_id": [1, 2, 3, 4],
                "nama": [
                    "Putri Khoirunnisa binti Husein",
                    "PUTRI KHOIRUNNISA",
                    "Joko bin Fauzi",
                    "Bin Ali",
                ],
                "nama_ibu_kandung": ["Siti binti Ahmad", "SITI", None, None],
            }
        ),
        TODAY,
    )
    assert frame["name_norm"].to_list()[:3] == ["PUTRI KHOIRUNNISA", "PUTRI KHOIRUNNISA", "JOKO"]
    assert frame["name_norm"][3] == "BIN ALI"  # nothing before it: kept
    assert frame["mother_key"][0] == frame["mother_key"][1]
