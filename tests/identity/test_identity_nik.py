"""NIK and KK structural checks, scalar and vectorised."""

from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from identity_strategies import mutate, valid_niks

from terpadu.identity import (
    ISSUE_MESSAGES,
    check_kk,
    check_kk_frame,
    check_nik,
    check_nik_frame,
    compare_nik_with_stated,
)

TODAY = date(2025, 6, 1)


def test_real_life_example_woman() -> None:
    check = check_nik("3604014107870002", TODAY)
    assert check.ok and check.error is None
    assert check.nik == "3604014107870002"
    assert check.birth_date == date(1987, 7, 1)
    assert check.sex == 2
    assert (check.province_code, check.kab_code, check.kec_code, check.serial) == (
        "36",
        "3604",
        "360401",
        "0002",
    )
    # 36.04.01 went to Kota Serang in a pemekaran: still a valid NIK, only a warning.
    assert [w.code for w in check.warnings] == ["nik_region_unknown"]
    assert "pemekaran" in check.warnings[0].message


def test_known_region_has_no_warning() -> None:
    check = check_nik("3302011507870001", TODAY)
    assert check.ok and check.warnings == ()
    assert check.sex == 1 and check.birth_date == date(1987, 7, 15)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("360401150787000", "nik_length", "tertulis 15 digit"),
        ("", "nik_length", "tertulis 0 digit"),
        ("36040115O7870001", "nik_not_digits", "'O'"),
        ("3604-0115-0787-0001", "nik_not_digits", "'-'"),
        ("9904011507870001", "nik_province_unknown", "99"),
        ("0000000000000000", "nik_province_unknown", "00"),
        ("3600011507870001", "nik_region_zero", "36.00.01"),
        ("3302001507870001", "nik_region_zero", "00"),
        ("3302010007870001", "nik_date_invalid", "00-07-87"),
        ("3302013207870001", "nik_date_invalid", "32-07-87"),
        ("3302014007870001", "nik_date_invalid", "40-07-87"),
        ("3302017207870001", "nik_date_invalid", "72-07-87"),
        ("3302013102870001", "nik_date_invalid", "31-02"),
        ("3302011513870001", "nik_date_invalid", "15-13"),
        ("3302011507870000", "nik_serial_zero", "0000"),
    ],
)
def test_errors(value: str, code: str, fragment: str) -> None:
    check = check_nik(value, date(2025, 5, 31))
    assert not check.ok
    assert check.error is not None and check.error.code == code
    assert fragment in check.error.message


def test_first_error_wins_and_nik_is_kept() -> None:
    check = check_nik("9900003207870000", TODAY)
    assert check.error is not None and check.error.code == "nik_province_unknown"
    assert check.nik == "9900003207870000"
    assert check.birth_date is None and check.sex is None


def test_century_pivot_and_leap_years() -> None:
    assert check_nik("3302012902000001", TODAY).birth_date == date(2000, 2, 29)
    assert check_nik("3302010101250001", TODAY).birth_date == date(2025, 1, 1)
    assert check_nik("3302010101260001", TODAY).birth_date == date(1926, 1, 1)
    # YY 99 is 1999 or 2099: neither is a leap year.
    assert check_nik("3302012902990001", date(2099, 12, 31)).error is not None
    assert check_nik("3302016902040001", TODAY).birth_date == date(2004, 2, 29)


def test_later_this_year_is_the_previous_century() -> None:
    # 2 July 2025 has not come yet on 1 June 2025: the person was born in 1925.
    check = check_nik("3302010207250001", TODAY)
    assert check.ok and check.birth_date == date(1925, 7, 2)
    assert check_nik("3302010106250001", TODAY).birth_date == date(2025, 6, 1)


def test_stated_birth_date_gives_the_century() -> None:
    today = date(2026, 12, 6)
    # A parent of 99 born on 6 December 1926 (woman: day + 40) and one born this week in 1926.
    for nik, born in [
        ("3302014612260001", date(1926, 12, 6)),
        ("3302012012260001", date(1926, 12, 20)),
    ]:
        check = check_nik(nik, today, stated_birth_date=born)
        assert check.ok and check.birth_date == born, check.error
        assert compare_nik_with_stated(check, born, None) == ()
    # Without the stated date the most recent century that is not in the future is taken.
    assert check_nik("3302014612260001", today).birth_date == date(2026, 12, 6)
    assert check_nik("3302012012260001", today).birth_date == date(1926, 12, 20)
    # A stated date that disagrees still picks the nearest century, and the comparison warns.
    wrong = check_nik("3302010101250001", today, stated_birth_date=date(1926, 1, 1))
    assert wrong.birth_date == date(1925, 1, 1)
    assert [i.code for i in compare_nik_with_stated(wrong, date(1926, 1, 1), 1)] == [
        "nik_birth_date_mismatch"
    ]


def test_surrounding_whitespace_is_ignored() -> None:
    assert check_nik(" 3302011507870001\t", TODAY).nik == "3302011507870001"


def test_compare_with_stated() -> None:
    check = check_nik("3604014107870002", TODAY)
    assert compare_nik_with_stated(check, date(1987, 7, 1), 2) == ()
    assert compare_nik_with_stated(check, None, None) == ()
    codes = [i.code for i in compare_nik_with_stated(check, date(1987, 7, 2), 1)]
    assert codes == ["nik_birth_date_mismatch", "nik_sex_mismatch"]
    message = compare_nik_with_stated(check, None, 1)[0].message
    assert "perempuan" in message and "laki-laki" in message


def test_compare_ignores_inferred_century() -> None:
    old = check_nik("3302010101200001", TODAY)  # decodes to 2020
    assert compare_nik_with_stated(old, date(1920, 1, 1), 1) == ()


def test_compare_skips_undecodable_nik() -> None:
    bad = check_nik("3302013207870001", TODAY)
    assert compare_nik_with_stated(bad, date(1987, 7, 1), 1) == ()


def test_kk() -> None:
    good = check_kk("3302012205150003", TODAY)
    assert good.ok and good.issue_date == date(2015, 5, 22) and good.warnings == ()
    odd = check_kk("3302014205150003", TODAY)  # day 42: no +40 rule for KK
    assert odd.ok and [w.code for w in odd.warnings] == ["kk_date_invalid"]
    assert odd.issue_date is None
    future = check_kk("3302010112250003", TODAY)
    assert future.ok and [w.code for w in future.warnings] == ["kk_date_invalid"]
    for value, code in [
        ("330201220515000", "kk_length"),
        ("33020122051500O3", "kk_not_digits"),
        ("0000000000000000", "kk_province_unknown"),
        ("3300002205150003", "kk_region_zero"),
        ("3302012205150000", "kk_serial_zero"),
    ]:
        check = check_kk(value, TODAY)
        assert check.error is not None and check.error.code == code, value
        assert not check.ok


def test_every_code_has_a_generic_message() -> None:
    codes = {
        "nik_length",
        "nik_not_digits",
        "nik_province_unknown",
        "nik_region_zero",
        "nik_date_invalid",
        "nik_date_future",
        "nik_serial_zero",
        "nik_region_unknown",
        "nik_birth_date_mismatch",
        "nik_sex_mismatch",
        "kk_length",
        "kk_not_digits",
        "kk_province_unknown",
        "kk_region_zero",
        "kk_serial_zero",
        "kk_date_invalid",
        "number_digits_lost",
    }
    assert codes == set(ISSUE_MESSAGES)


def test_frame_null_stays_null_and_dtypes() -> None:
    frame = check_nik_frame(pl.Series([None, "3604014107870002"], dtype=pl.String), TODAY)
    assert frame.schema == pl.Schema(
        {
            "nik": pl.String,
            "error_code": pl.String,
            "warning_code": pl.String,
            "nik_birth_date": pl.Date,
            "nik_sex": pl.Int8,
        }
    )
    assert frame.row(0) == (None, None, None, None, None)
    assert frame.row(1) == (
        "3604014107870002",
        None,
        "nik_region_unknown",
        date(1987, 7, 1),
        2,
    )
    assert check_nik_frame(pl.Series([None, None]), TODAY).height == 2


def _scalar_rows(values: list[str | None], today: date) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for value in values:
        if value is None:
            rows.append((None, None, None, None, None))
            continue
        check = check_nik(value, today)
        rows.append(
            (
                check.nik,
                check.error.code if check.error else None,
                check.warnings[0].code if check.warnings else None,
                check.birth_date,
                check.sex,
            )
        )
    return rows


todays = st.dates(date(2000, 1, 1), date(2099, 12, 31))
anything = st.text(alphabet=st.sampled_from("0123456789 aO-./\u0663\n"), max_size=20)
digit_strings = st.text(alphabet="0123456789", min_size=14, max_size=18)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(today=todays, data=st.data())
def test_frame_agrees_with_scalar(today: date, data: st.DataObject) -> None:
    valid = valid_niks(today)
    values: list[str | None] = data.draw(
        st.lists(st.none() | anything | digit_strings | valid, max_size=30)
    )
    values += [mutate(data.draw(valid), data) for _ in range(10)]
    frame = check_nik_frame(pl.Series(values, dtype=pl.String), today)
    assert frame.rows() == _scalar_rows(values, today)


@settings(max_examples=40, deadline=None)
@given(today=todays, data=st.data())
def test_valid_generated_niks_pass(today: date, data: st.DataObject) -> None:
    nik = data.draw(valid_niks(today))
    check = check_nik(nik, today)
    assert check.ok, check.error
    assert check.birth_date is not None and check.birth_date <= today
    assert check.sex == (2 if int(nik[6:8]) > 40 else 1)


@settings(max_examples=60, deadline=None)
@given(today=todays, values=st.lists(st.none() | anything | digit_strings, max_size=30))
def test_kk_frame_agrees_with_scalar(today: date, values: list[str | None]) -> None:
    frame = check_kk_frame(pl.Series(values, dtype=pl.String), today)
    expected = []
    for value in values:
        if value is None:
            expected.append((None, None, None, None))
            continue
        check = check_kk(value, today)
        expected.append(
            (
                check.kk,
                check.error.code if check.error else None,
                check.warnings[0].code if check.warnings else None,
                check.issue_date,
            )
        )
    assert frame.rows() == expected


def test_frame_is_fast_enough_for_intake() -> None:
    """Intake needs at least 100k rows/s; leave a wide margin for slow CI machines."""
    import time

    base = ["3302011507870001", "3604014107870002", "9904011507870001", "12345", None]
    series = pl.Series(base * 40_000, dtype=pl.String)
    started = time.perf_counter()
    frame = check_nik_frame(series, TODAY)
    elapsed = time.perf_counter() - started
    assert frame.height == 200_000
    assert elapsed < 2.0, f"{200_000 / elapsed:.0f} rows/s"
