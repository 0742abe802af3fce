"""Excel damage to identity numbers: exact repair or an honest error."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terpadu.identity import repair_identity_frame, repair_identity_number
from terpadu.identity.repair import Repair


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("'3604011507870001", "3604011507870001"),
        ("\u20183604011507870001", "3604011507870001"),
        ("3604011505870001.0", "3604011505870001"),
        ("3604011505870001.00", "3604011505870001"),
        ("3604011505870001,0", "3604011505870001"),
        ("3.604011505870001E+15", "3604011505870001"),
        ("3,604011505870001E+15", "3604011505870001"),
        ("3.604011505870001e15", "3604011505870001"),
        ("3.6040115058700010E+15", "3604011505870001"),
        (" 3604 0115 0587 0001 ", "3604011505870001"),
        ("3604\u00a00115\u00a005870001", "3604011505870001"),
    ],
)
def test_exact_repairs(raw: str, value: str) -> None:
    assert repair_identity_number(raw) == Repair(value, True)


def test_clean_value_is_not_repaired() -> None:
    assert repair_identity_number("3604011507870001") == Repair("3604011507870001", False)
    assert repair_identity_number("  3604011507870001 ") == Repair("3604011507870001", False)


@pytest.mark.parametrize("raw", [None, "", "   ", "'"])
def test_blank_is_none_without_error(raw: str | None) -> None:
    assert repair_identity_number(raw) == Repair(None, False)


def test_lost_digits_are_an_error() -> None:
    result = repair_identity_number("3.60401E+15")
    assert result.value is None and not result.repaired
    assert result.error is not None and result.error.code == "number_digits_lost"
    assert result.error.message == (
        "NIK rusak oleh Excel (notasi ilmiah 3.60401E+15): digit hilang, tidak bisa "
        "dipulihkan. Ketik ulang sebagai teks."
    )
    kk = repair_identity_number("3,30201220515E+15", label="Nomor KK")
    assert kk.error is not None and kk.error.message.startswith("Nomor KK rusak")
    # Excel keeps 15 significant digits: the 16th is gone even when the rest is there.
    assert repair_identity_number("3.60401150587000E+15").error is not None


def test_other_text_is_returned_unvalidated() -> None:
    assert repair_identity_number("abc") == Repair("abc", False)
    assert repair_identity_number("36.04.01") == Repair("36.04.01", False)
    # Not an integer: left for check_nik to reject as not digits.
    assert repair_identity_number("3.6040115058700012E+15").value == "3.6040115058700012E+15"


def test_frame_shape() -> None:
    frame = repair_identity_frame(pl.Series(["3.60401E+15", None, "'3604011507870001"]))
    assert frame.schema == pl.Schema(
        {"value": pl.String, "repaired": pl.Boolean, "error_code": pl.String}
    )
    assert frame.rows() == [
        (None, False, "number_digits_lost"),
        (None, False, None),
        ("3604011507870001", True, None),
    ]


@st.composite
def excel_damage(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(original 16 digits, damaged text, whether the digits are still all there)."""
    digits = draw(st.from_regex(r"[1-9][0-9]{15}", fullmatch=True))
    sep = draw(st.sampled_from([".", ","]))
    way = draw(st.sampled_from(["apostrophe", "float", "sci", "sci_short", "spaces", "clean"]))
    if way == "apostrophe":
        text = "'" + digits
    elif way == "float":
        text = digits + sep + "0" * draw(st.integers(1, 2))
    elif way == "spaces":
        text = " ".join(digits[i : i + 4] for i in range(0, 16, 4))
    elif way == "clean":
        text = digits
    else:
        keep = 16 if way == "sci" else draw(st.integers(1, 15))
        mantissa = digits[0] + sep + digits[1:keep]
        exp = draw(st.sampled_from(["E+15", "e+15", "E15", "e15"]))
        text = mantissa + exp
    pad = draw(st.sampled_from(["", " ", "\t", "  "]))
    return digits, pad + text + pad, way != "sci_short"


@settings(max_examples=300)
@given(excel_damage())
def test_exact_repair_gives_back_the_original(case: tuple[str, str, bool]) -> None:
    digits, damaged, recoverable = case
    result = repair_identity_number(damaged)
    if recoverable:
        assert result.value == digits and result.error is None
        assert result.repaired == (damaged.strip() != digits)
    else:
        assert result.value is None
        assert result.error is not None and result.error.code == "number_digits_lost"


noisy = st.text(alphabet=st.sampled_from("0123456789.,eE+-'` \u00a0\u2019x\t"), max_size=24)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.none() | noisy | excel_damage().map(lambda c: c[1]), max_size=40))
def test_frame_agrees_with_scalar(values: list[str | None]) -> None:
    given_series = pl.Series(values, dtype=pl.String)
    frame = repair_identity_frame(given_series)
    assert given_series.to_list() == values  # the caller's column is left as it was
    expected = []
    for value in values:
        result = repair_identity_number(value)
        expected.append((result.value, result.repaired, result.error and result.error.code))
    assert frame.rows() == expected
