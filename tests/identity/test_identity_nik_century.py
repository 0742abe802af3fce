"""The NIK's century: the stated birth date's when there is one, else an age of 0 to ~115.

Every birth date from 1900-01-01 to the day the test runs, for both sexes, is checked through
the vectorised form; the scalar form and the decoder other packages use are sampled with
Hypothesis and must agree with it.
"""

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from identity_strategies import KECAMATAN

from terpadu.identity import check_nik, check_nik_frame, nik_birth_date_expr

TODAY = date.today()
FIRST = date(1900, 1, 1)
#: The oldest age the century rule may give when no birth date is stated.
MAX_AGE = 115


def build_nik(region: str, born: date, female: bool, serial: int = 1) -> str:
    """A NIK as Dukcapil writes it: kecamatan, DDMMYY with day + 40 for women, serial."""
    day = born.day + 40 if female else born.day
    return f"{region}{day:02d}{born:%m%y}{serial:04d}"


def age_in_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def every_birth_date() -> pl.DataFrame:
    days = (TODAY - FIRST).days + 1
    born = [FIRST + timedelta(days=i) for i in range(days)]
    niks = [build_nik("330201", b, female) for female in (False, True) for b in born]
    return pl.DataFrame(
        {"nik": niks, "born": born + born, "female": [False] * days + [True] * days}
    )


def test_every_birth_date_since_1900_decodes_to_itself_with_the_stated_date() -> None:
    frame = every_birth_date()
    checked = check_nik_frame(frame["nik"], TODAY, stated_birth_date=frame["born"])
    assert checked["error_code"].null_count() == frame.height, checked["error_code"].drop_nulls()
    assert (checked["nik_birth_date"] == frame["born"]).all()
    assert (checked["nik_sex"] == frame["female"].cast(pl.Int8) + 1).all()


def test_every_birth_date_since_1900_gives_a_plausible_age_without_a_stated_date() -> None:
    frame = every_birth_date()
    checked = check_nik_frame(frame["nik"], TODAY)
    assert checked["error_code"].null_count() == frame.height, checked["error_code"].drop_nulls()
    decoded = checked["nik_birth_date"]
    assert decoded.null_count() == 0
    assert (decoded <= TODAY).all()
    assert (decoded > date(TODAY.year - MAX_AGE - 1, TODAY.month, 1)).all()
    # Day, month and two-digit year are the person's; only the century is inferred.
    assert (decoded.dt.day() == frame["born"].dt.day()).all()
    assert (decoded.dt.month() == frame["born"].dt.month()).all()
    assert ((decoded.dt.year() - frame["born"].dt.year()) % 100 == 0).all()


births = st.dates(FIRST, TODAY)


@settings(max_examples=300, deadline=None)
@given(
    born=births,
    female=st.booleans(),
    region=st.sampled_from(KECAMATAN),
    serial=st.integers(1, 9999),
)
def test_scalar_decodes_every_birth_date(
    born: date, female: bool, region: str, serial: int
) -> None:
    nik = build_nik(region, born, female, serial)
    stated = check_nik(nik, stated_birth_date=born)
    assert stated.ok, stated.error
    assert stated.birth_date == born and stated.sex == (2 if female else 1)
    alone = check_nik(nik)
    assert alone.ok, alone.error
    assert alone.birth_date is not None
    assert 0 <= age_in_years(alone.birth_date, TODAY) <= MAX_AGE
    assert (alone.birth_date.day, alone.birth_date.month) == (born.day, born.month)


@settings(max_examples=80, deadline=None)
@given(
    today=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    data=st.data(),
)
def test_frame_and_decoder_agree_with_scalar_given_stated_dates(
    today: date, data: st.DataObject
) -> None:
    born = data.draw(st.lists(st.dates(FIRST, today), min_size=1, max_size=25))
    niks = [build_nik("330201", b, data.draw(st.booleans())) for b in born]
    # Stated dates: the true one, another one (a typing error), or none.
    stated = [data.draw(st.sampled_from([b, None]) | st.dates(FIRST, today)) for b in born]
    series = pl.Series(stated, dtype=pl.Date)
    frame = check_nik_frame(pl.Series(niks), today, stated_birth_date=series)
    scalar = [check_nik(n, today, stated_birth_date=s) for n, s in zip(niks, stated, strict=True)]
    assert frame["nik_birth_date"].to_list() == [c.birth_date for c in scalar]
    assert frame["error_code"].to_list() == [c.error.code if c.error else None for c in scalar]
    decoded = pl.DataFrame({"nik": niks, "stated": series}).select(
        nik_birth_date_expr(pl.col("nik"), today, pl.col("stated"))
    )
    assert decoded.to_series().to_list() == [c.birth_date for c in scalar]
