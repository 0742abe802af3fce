"""Indonesian name normalisation for matching."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terpadu.identity import normalize_name, normalize_name_series
from terpadu.identity.names import name_tokens, normalize_name_expr, split_patronymic


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hj. Siti Aminah, S.Pd.", "SITI AMINAH"),
        ("SITI AMINAH", "SITI AMINAH"),
        ("siti  aminah SPd", "SITI AMINAH"),
        ("Dr. H. Moh. Ali, S.Pd., M.Si.", "MUHAMMAD ALI"),
        ("Drs. Bambang Susilo, M.M.", "BAMBANG SUSILO"),
        ("Ir. Joko Widodo", "JOKO WIDODO"),
        ("Prof. Dr. Ir. Budi Santoso, M.Kes", "BUDI SANTOSO"),
        ("K.H. Ahmad Dahlan", "AHMAD DAHLAN"),
        ("KH Ahmad Dahlan", "AHMAD DAHLAN"),
        ("Ustadz Abdul Somad", "ABDUL SOMAD"),
        ("Tgk. Hasan", "HASAN"),
        ("dr. Andi Wijaya, Sp.OG", "ANDI WIJAYA"),
        ("Rina Wati, A.Md.Keb", "RINA WATI"),
        ("Rina Wati, A.Md.", "RINA WATI"),
        ("Dewi, S.E., S.H.", "DEWI"),
        ("Dewi S. E.", "DEWI"),
        ("Nur Hidayah, S.Pd.I", "NUR HIDAYAH"),
        ("José Müller", "JOSE MULLER"),
        ("Ma'ruf Amin", "MARUF AMIN"),
        ("Siti-Nurbaya", "SITI NURBAYA"),
        ("Hajjah Fatimah", "FATIMAH"),
        ("R.A. Kartini", "KARTINI"),
        ("Ust. Abdul Somad, Lc., M.A.", "ABDUL SOMAD"),
        ("Bpk. Joko Susilo", "JOKO SUSILO"),
        ("Ny. Rahayu", "RAHAYU"),
        ("Sdri. Dewi", "DEWI"),
        ("Tn. Budi", "BUDI"),
        ("St. Aminah", "SITI AMINAH"),
        ("Hj. St. Aminah", "SITI AMINAH"),
        ("Budi Santoso, S.T.", "BUDI SANTOSO"),
        ("Budi Santoso, ST.", "BUDI SANTOSO"),
        ("Abd. Rahman", "ABDUL RAHMAN"),
        ("Ahmad bin Abd Rahman", "AHMAD BIN ABDUL RAHMAN"),
        ("Nyoman Tn", "NYOMAN TN"),
    ],
)
def test_titles_accents_punctuation(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Muhammad Yusuf",
        "Mohammad Yusuf",
        "Mohamad Yusuf",
        "Muhamad Yusuf",
        "Mochammad Yusuf",
        "Mohammed Yusuf",
        "Muh. Yusuf",
        "Moh. Yusuf",
        "Mhd. Yusuf",
        "Md. Yusuf",
        "M. Yusuf",
        "M Yusuf",
        "M.Yusuf",
        "H. M. Yusuf",
        "Haji M Yusuf",
    ],
)
def test_muhammad_family(raw: str) -> None:
    assert normalize_name(raw) == "MUHAMMAD YUSUF"


def test_lone_m_elsewhere_is_an_initial() -> None:
    assert normalize_name("Budi M.") == "BUDI M"
    assert normalize_name("Ahmad M Yusuf") == "AHMAD M YUSUF"
    assert normalize_name("Ahmad Moh. Yusuf") == "AHMAD MUHAMMAD YUSUF"


def test_single_letters_are_titles_only_in_front() -> None:
    assert normalize_name("Ahmad H. Siregar") == "AHMAD H SIREGAR"
    assert normalize_name("H Ahmad") == "H AHMAD"  # no dot: may be an initial


def test_patronymic() -> None:
    assert normalize_name("Ahmad bin Yusuf") == "AHMAD BIN YUSUF"
    assert normalize_name("Ahmad bn Yusuf") == "AHMAD BIN YUSUF"
    assert normalize_name("Siti bt. Yusuf") == "SITI BINTI YUSUF"
    assert normalize_name("Siti bte Yusuf") == "SITI BINTI YUSUF"
    assert split_patronymic("Hj. Siti Aminah binti H. Abdullah") == ("SITI AMINAH", "ABDULLAH")
    assert split_patronymic("Ahmad Yusuf") == ("AHMAD YUSUF", None)
    assert split_patronymic("Ahmad bin") == ("AHMAD BIN", None)
    assert normalize_name("Ahmad bin M. Yusuf") == "AHMAD BIN MUHAMMAD YUSUF"
    assert name_tokens("M. Yusuf bin Ali") == ["MUHAMMAD", "YUSUF", "BIN", "ALI"]


def test_only_titles_keeps_the_words() -> None:
    assert normalize_name("Haji") == "HAJI"
    assert normalize_name("") == ""
    assert normalize_name("  ,. ") == ""


def test_series_and_expr() -> None:
    s = pl.Series("nama", ["Hj. Siti", None, "M. Yusuf", "Hj. Siti"])
    assert normalize_name_series(s).to_list() == ["SITI", None, "MUHAMMAD YUSUF", "SITI"]
    assert normalize_name_series(s).name == "nama"
    frame = pl.DataFrame({"nama": s}).with_columns(normalize_name_expr(pl.col("nama")).alias("n"))
    assert frame["n"].to_list() == ["SITI", None, "MUHAMMAD YUSUF", "SITI"]
    assert normalize_name_series(pl.Series([], dtype=pl.String)).len() == 0


GIVEN_NAMES = [
    "SITI",
    "AMINAH",
    "BUDI",
    "SANTOSO",
    "DEWI",
    "LESTARI",
    "AGUS",
    "SETIAWAN",
    "NUR",
    "HIDAYAH",
    "YUSUF",
    "PUTRI",
    "RAHMAT",
    "WAHYUNI",
    "ANDI",
    "SUKARNO",
]
PREFIXES = ["H.", "Hj.", "Haji", "Hajjah", "Drs.", "Dra.", "Dr.", "dr.", "Ir.", "Prof.", "KH."]
PREFIXES += ["Ust.", "Ustadz", "Tgk.", "drg."]
SUFFIXES = ["S.Pd.", "S.Pd.I", "S.E.", "S.H.", "S.Kom.", "S.T.", "S.Ag.", "S.Sos.", "S.Kep."]
SUFFIXES += ["A.Md.", "M.Si.", "M.Pd.", "M.M.", "M.Kes.", "S.Ked.", "Sp.PD", "S.Farm", "M.Ak"]
SUFFIXES += ["S.Gz", "S.Pt", "S.IP", "S.E.I", "S.Psi", "S.I.Kom", "M.TI.", "M.Farm", "M.Kom."]

names = st.lists(st.sampled_from(GIVEN_NAMES), min_size=1, max_size=4)


@settings(max_examples=200)
@given(
    names,
    st.lists(st.sampled_from(PREFIXES), max_size=3),
    st.lists(st.sampled_from(SUFFIXES), max_size=3),
    st.sampled_from([", ", " "]),
)
def test_title_insensitive(
    words: list[str], prefixes: list[str], suffixes: list[str], joiner: str
) -> None:
    plain = " ".join(words)
    decorated = " ".join([*prefixes, plain]) + "".join(joiner + s for s in suffixes)
    assert normalize_name(decorated) == normalize_name(plain) == plain


@settings(max_examples=200)
@given(names, st.data())
def test_case_and_punctuation_insensitive(words: list[str], data: st.DataObject) -> None:
    styled = [data.draw(st.sampled_from([w, w.lower(), w.title()])) for w in words]
    seps = [data.draw(st.sampled_from([" ", "  ", " - ", ", ", "_", "/"])) for _ in words]
    text = "".join(w + s for w, s in zip(styled, seps, strict=True))
    assert normalize_name(text) == " ".join(words)


@settings(max_examples=500)
@given(st.text())
def test_idempotent_and_never_raises(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == once.upper().strip()
    assert "  " not in once


title_soup = st.lists(
    st.sampled_from([*PREFIXES, *SUFFIXES, *GIVEN_NAMES, "M.", "M", "Moh.", "bin", "bt", ",", "."]),
    max_size=8,
).map(" ".join)


@settings(max_examples=500)
@given(title_soup)
def test_idempotent_on_title_soup(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


# Plain words (letters and spaces) with the words a title, degree, Muhammad variant,
# abbreviation or patronymic could be, written without dots and in any case: the Series
# takes these in Polars, and must give what normalize_name gives one by one.
plain_words = st.sampled_from(
    [
        *GIVEN_NAMES,
        *("M", "MOH", "MUH", "ABD", "ST", "H", "HJ", "HAJI", "DRS", "SE", "MA", "SPD"),
        *("BIN", "BINTI", "BT", "BN", "RADEN", "SP", "MD", "MUHAMMAD", "R", "T", "NY", "ALI"),
    ]
)


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(plain_words, st.sampled_from([str.upper, str.lower, str.title])),
        max_size=5,
    ),
    st.lists(st.sampled_from([" ", "  ", "   "]), min_size=6, max_size=6),
    st.lists(st.text(max_size=12), max_size=3),
)
def test_series_matches_one_by_one(
    words: list[tuple[str, object]], gaps: list[str], other: list[str]
) -> None:
    styled = [case(w) for w, case in words]  # type: ignore[operator]
    plain = gaps[0] + "".join(w + g for w, g in zip(styled, gaps[1:], strict=False))
    values = [plain, plain.strip(), *other, None]
    got = normalize_name_series(pl.Series("nama", values, dtype=pl.String)).to_list()
    assert got == [None if v is None else normalize_name(v) for v in values]
