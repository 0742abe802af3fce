"""Hypothesis strategies for the identity tests (a plain module, not a conftest, so that its
name cannot clash with other packages' test helpers)."""

from datetime import date, timedelta

from hypothesis import strategies as st
from lokal import PROVINCES

from terpadu.regions import regions_frame

KECAMATAN = sorted(regions_frame("kecamatan")["code"].to_list())
DIGITS = "0123456789"


@st.composite
def valid_niks(draw: st.DrawFn, today: date) -> str:
    """A NIK that passes every rule for ``today`` (its kecamatan may be real or not)."""
    region = draw(
        st.sampled_from(KECAMATAN)
        | st.builds(
            lambda p, k, c: p + k + c,
            st.sampled_from(sorted(PROVINCES)),
            st.integers(1, 99).map("{:02d}".format),
            st.integers(1, 99).map("{:02d}".format),
        )
    )
    born = draw(st.dates(max(date(1900, 1, 1), today - timedelta(days=36_000)), today))
    female = draw(st.booleans())
    serial = draw(st.integers(1, 9999))
    day = born.day + 40 if female else born.day
    return f"{region}{day:02d}{born:%m%y}{serial:04d}"


def mutate(value: str, data: st.DataObject) -> str:
    """Damage a NIK the ways typing and data entry do."""
    kind = data.draw(st.sampled_from(["digit", "drop", "insert", "letter", "day", "zero"]))
    pos = data.draw(st.integers(0, max(len(value) - 1, 0)))
    if kind == "digit":
        return value[:pos] + data.draw(st.sampled_from(DIGITS)) + value[pos + 1 :]
    if kind == "drop":
        return value[:pos] + value[pos + 1 :]
    if kind == "insert":
        return value[:pos] + data.draw(st.sampled_from(DIGITS)) + value[pos:]
    if kind == "letter":
        return value[:pos] + data.draw(st.sampled_from("OolI -/.")) + value[pos + 1 :]
    if kind == "day":
        day = data.draw(st.sampled_from(["00", "32", "40", "41", "71", "72", "99", "31", "30"]))
        return value[:6] + day + value[8:]
    part = data.draw(st.sampled_from([(2, 4), (4, 6), (12, 16), (8, 10)]))
    return value[: part[0]] + "0" * (part[1] - part[0]) + value[part[1] :]
