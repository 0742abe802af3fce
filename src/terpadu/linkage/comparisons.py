"""Comparisons and blocking rules for Indonesian registry data (and a generic baseline).

Each comparison is a ladder of levels from most to least alike; Splink learns how much each
level says about a match (its m and u probabilities). The SQL is dialect-neutral (Splink's level
creators translate similarity functions for DuckDB and Spark) and reads only columns made by
:mod:`terpadu.linkage.prepare`.
"""

from __future__ import annotations

from typing import Any, Final

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import block_on

#: Necessary for two NIKs one edit apart: a substitution leaves the head (region + date),
#: the tail (date + serial) or region + serial intact, a transposition leaves the sorted
#: digits, an inserted or dropped digit changes the length. Tested first, so the edit
#: distances (most of the scoring time at a million records) are computed only for the few
#: pairs that pass.
_NIK_ONE_EDIT_POSSIBLE: Final = (
    "nik_head_l = nik_head_r OR nik_tail_l = nik_tail_r "
    "OR nik_rs_l = nik_rs_r OR nik_sorted_l = nik_sorted_r "
    "OR LENGTH(nik_l) <> LENGTH(nik_r)"
)
#: Two ISO dates at most two edits apart keep their year, month or day.
_DOB_CLOSE_POSSIBLE: Final = (
    "SUBSTR(dob_l, 1, 4) = SUBSTR(dob_r, 1, 4) OR SUBSTR(dob_l, 6, 2) = SUBSTR(dob_r, 6, 2)"
    " OR SUBSTR(dob_l, 9, 2) = SUBSTR(dob_r, 9, 2)"
)


def _guarded(guard: str, level: Any, label: str) -> Any:
    """``level`` tested only where the cheap necessary condition ``guard`` holds."""
    return cll.And(cll.CustomLevel(guard), level).configure(label_for_charts=label)


#: Two NIKs whose date parts differ exactly as the two stated birth dates do: each is right
#: for its own person. Dukcapil numbers people born the same day in one kecamatan 0001, 0002…,
#: so such NIKs are often one digit apart without either being mistyped.
_NIK_DATES_AS_STATED: Final = (
    "COALESCE(nik_dob_l <> nik_dob_r AND dob_l = nik_dob_l AND dob_r = nik_dob_r, FALSE)"
)


def _nik_lent() -> Any:
    """One NIK on two people: equal NIKs with stated birth dates that share neither year nor
    day and month (and do not both fit the NIK), or with another sex and no name word in common (a spouse or child given
    the head's NIK). Such a NIK says nothing about who is who, and as evidence for one person
    it would add up with the shared KK and desa."""
    return cll.And(
        cll.CustomLevel("nik_l = nik_r"),
        cll.Or(
            # Unless both stated dates fit the NIK (each a typo, a swap or only the year away
            # from its date): then both records are its holder's.
            cll.CustomLevel(
                "SUBSTR(dob_l, 1, 4) <> SUBSTR(dob_r, 1, 4)"
                " AND SUBSTR(dob_l, 6, 5) <> SUBSTR(dob_r, 6, 5)"
                " AND NOT COALESCE(nik_fit_l = 1 AND nik_fit_r = 1, FALSE)"
            ),
            cll.And(
                cll.CustomLevel("sex_l <> sex_r"),
                cll.Not(cll.ArrayIntersectLevel("name_tokens", 1)),
            ),
        ),
    )


def nik_comparison() -> Any:
    """NIK: exact, one substituted digit, two adjacent digits swapped, same region and date
    with another serial, two digits, one NIK not its holder's (its date is not the stated
    birth date), else; null when missing or when one NIK was clearly given to two people."""
    one_edit = f"({_NIK_ONE_EDIT_POSSIBLE}) AND NOT {_NIK_DATES_AS_STATED}"
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_description="NIK",
        comparison_levels=[
            cll.Or(cll.CustomLevel("nik_l IS NULL OR nik_r IS NULL"), _nik_lent()).configure(
                is_null_level=True
            ),
            cll.ExactMatchLevel("nik").configure(label_for_charts="NIK sama persis"),
            # Same kecamatan code and birth date, serials one or two apart: Dukcapil numbers the
            # people born the same day in one kecamatan 0001, 0002, …, so these are as often
            # two people (twins among them) as one NIK mistyped. Its own level, so its weight
            # is learned apart from other one-digit differences.
            cll.CustomLevel(
                "nik_head_l = nik_head_r AND ABS(nik_serial_l - nik_serial_r) <= 2"
            ).configure(label_for_charts="NIK nomor urut berdekatan"),
            # One digit of the region code: the serials restart in every kecamatan, so two
            # people born the same day in neighbouring kecamatans often share date and serial.
            _guarded(
                f"nik_tail_l = nik_tail_r AND NOT {_NIK_DATES_AS_STATED}",
                cll.LevenshteinLevel("nik", 1),
                "NIK beda satu digit kode wilayah",
            ),
            _guarded(one_edit, cll.LevenshteinLevel("nik", 1), "NIK beda satu digit"),
            _guarded(
                one_edit, cll.DamerauLevenshteinLevel("nik", 1), "NIK dua digit bertukar tempat"
            ),
            # Same kecamatan code and birth date, another serial: the serial typed wrong or
            # reissued by the same office. People born the same day in one kecamatan share
            # this too, and the name and family tell them apart.
            cll.CustomLevel("nik_head_l = nik_head_r").configure(
                label_for_charts="NIK sama kecuali nomor urut"
            ),
            # Two digits mistyped within the same part of the NIK.
            _guarded(one_edit, cll.LevenshteinLevel("nik", 2), "NIK beda dua digit"),
            # One of the two NIKs is not its holder's: its date is another than the stated
            # birth date (a parent's or spouse's NIK, a NIK typed into the wrong row). That
            # it differs from the other NIK says little about whether they are one person.
            cll.CustomLevel("nik_fit_l = 0 OR nik_fit_r = 0").configure(
                label_for_charts="NIK tidak sesuai tanggal lahir pemegangnya"
            ),
            cll.ElseLevel(),
        ],
    )


#: One record's stated birth date is the other's NIK date, and the two NIK dates differ (with
#: equal NIK dates it says no more than each record agreeing with itself).
_STATED_IS_OTHERS_NIK_DATE: Final = (
    "COALESCE((dob_l = nik_dob_r OR nik_dob_l = dob_r)"
    " AND (nik_dob_l IS NULL OR nik_dob_r IS NULL OR nik_dob_l <> nik_dob_r), FALSE)"
)


def birth_comparison() -> Any:
    """Birth date: stated dates equal, one stated date equals the other's NIK-encoded date,
    day and month swapped, one typo, same year, else.

    When two different NIKs carry the same date part the NIK comparison already counts the
    birth date; counting it again would make two people born the same day in one kecamatan,
    whose NIKs differ only in the serial, look like one. Such pairs take the null level here
    unless their stated dates disagree. Two equal NIKs are compared on their stated dates: a
    spouse or child given the head's NIK has another date, and EM learns how often true
    duplicates share the date from the NIK block.
    """
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="tanggal lahir (tertulis dan dari NIK)",
        comparison_levels=[
            # Missing, or already counted: two different NIKs with the same date part (one
            # digit apart in the serial, say) already say the birth date. Stated dates that
            # disagree are still compared (evidence against), and so are those of two equal
            # NIKs: a NIK given to another family member is told apart by the stated date.
            # One stated date missing is missing, not different: unless it is the other's NIK
            # date (the next level but one), the NIK comparison has said what the NIK dates say.
            cll.CustomLevel(
                f"((dob_l IS NULL OR dob_r IS NULL) AND NOT {_STATED_IS_OTHERS_NIK_DATE})"
                " OR (nik_dob_l = nik_dob_r AND nik_l <> nik_r"
                " AND (dob_l IS NULL OR dob_r IS NULL OR dob_l = dob_r))"
            ).configure(is_null_level=True),
            # Term-frequency adjusted: 1 January, 1 July and 31 December stand for "only the
            # year is known" in many registries, and one such date says far less than another.
            cll.ExactMatchLevel("dob", term_frequency_adjustments=True).configure(
                label_for_charts="tanggal lahir sama", disable_tf_exact_match_detection=True
            ),
            # One stated date is the other's NIK date: informative only when the NIK dates
            # differ (with equal NIK dates it says no more than each record agreeing with
            # itself, as when one NIK was given to two people).
            cll.CustomLevel(
                _STATED_IS_OTHERS_NIK_DATE, label_for_charts="sama dengan tanggal lahir di NIK"
            ),
            cll.CustomLevel(
                "dob_swap_l = dob_r OR dob_l = dob_swap_r",
                label_for_charts="tanggal dan bulan tertukar",
            ),
            _guarded(_DOB_CLOSE_POSSIBLE, cll.LevenshteinLevel("dob", 1), "beda satu angka"),
            _guarded(_DOB_CLOSE_POSSIBLE, cll.DamerauLevenshteinLevel("dob", 2), "beda dua angka"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="tahun lahir sama"),
            cll.ElseLevel(),
        ],
    )


def sex_comparison() -> Any:
    """Sex as stated, or as encoded in the NIK (day + 40 for women) where not stated."""
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_description="jenis kelamin",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="jenis kelamin sama"),
            cll.ElseLevel(),
        ],
    )


def name_comparison(tf: bool = True) -> Any:
    """Normalised name: exact (term-frequency adjusted: SITI AMINAH is weaker evidence than a
    rare name), same variant family in any word order, the same written as one word
    (Nur Hayati / Nurhayati), close spelling, initials, shared words, one shared or close
    word."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="nama (dinormalkan)",
        comparison_levels=[
            cll.NullLevel("name_norm"),
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=tf).configure(
                label_for_charts="nama sama", disable_tf_exact_match_detection=True
            ),
            cll.ExactMatchLevel("name_key").configure(
                label_for_charts="varian ejaan / urutan kata sama"
            ),
            cll.ExactMatchLevel("name_compact").configure(
                label_for_charts="sama bila ditulis bersambung"
            ),
            cll.JaroWinklerLevel("name_norm", 0.94).configure(
                label_for_charts="nama mirip (JW≥0.94)"
            ),
            cll.ExactMatchLevel("name_abbrev").configure(label_for_charts="inisial cocok"),
            cll.ArrayIntersectLevel("name_tokens", 2).configure(label_for_charts="≥2 kata sama"),
            cll.JaroWinklerLevel("name_compact", 0.9).configure(
                label_for_charts="mirip bila ditulis bersambung"
            ),
            # Words in another order and one of them mistyped: the sorted variant keys.
            cll.JaroWinklerLevel("name_key", 0.9).configure(
                label_for_charts="urutan kata lain, mirip"
            ),
            cll.JaroWinklerLevel("name_norm", 0.85).configure(label_for_charts="nama agak mirip"),
            # Each TF level is an exact match itself, so it carries its own u (this also keeps
            # Spark's SQL parser from having to find the exact-match level).
            cll.ExactMatchLevel("name_first", term_frequency_adjustments=tf).configure(
                label_for_charts="kata pertama sama", disable_tf_exact_match_detection=True
            ),
            # One name word changed, dropped or added (a given name replaced, a surname or
            # "binti ..." left out): one word in common, or one close.
            cll.ArrayIntersectLevel("name_tokens", 1).configure(label_for_charts="satu kata sama"),
            cll.PairwiseStringDistanceFunctionLevel("name_tokens", "jaro_winkler", 0.9).configure(
                label_for_charts="satu kata mirip"
            ),
            cll.ElseLevel(),
        ],
    )


def household_comparison() -> Any:
    """Family context: the KK number and the mother's name, as one comparison.

    Registrations of one family share both, so counting them separately would let a sibling
    with the same name look like the same person; together they are one piece of evidence.
    A mother's name is often written in part (only her first name) or with another word, so
    one shared word is a level of its own; two mothers' names given in full that share no word
    are evidence against, while one left blank says nothing beyond the KK.
    """
    both_mothers = "mother_key_l IS NOT NULL AND mother_key_r IS NOT NULL"
    return cl.CustomComparison(
        output_column_name="household",
        comparison_description="KK dan nama ibu kandung",
        comparison_levels=[
            cll.CustomLevel(
                "(no_kk_l IS NULL OR no_kk_r IS NULL) AND (mother_key_l IS NULL OR mother_key_r IS NULL)"
            ).configure(is_null_level=True),
            cll.CustomLevel(
                "no_kk_l = no_kk_r AND mother_key_l = mother_key_r",
                label_for_charts="KK dan nama ibu sama",
            ),
            cll.ExactMatchLevel("mother_key").configure(label_for_charts="nama ibu sama"),
            cll.JaroWinklerLevel("mother_key", 0.9).configure(label_for_charts="nama ibu mirip"),
            cll.ArrayIntersectLevel("mother_tokens", 1).configure(
                label_for_charts="nama ibu satu kata sama"
            ),
            cll.ExactMatchLevel("no_kk").configure(label_for_charts="KK sama"),
            cll.CustomLevel(both_mothers, label_for_charts="nama ibu berbeda"),
            cll.ElseLevel(),
        ],
    )


#: One record has no NIK and is registered in the kecamatan that issued the other's NIK, while
#: the NIK's holder is registered elsewhere: a person keeps the NIK after moving, so this is
#: where the holder came from. Two namesakes born the same day have no reason to show it.
NIK_HOME: Final = (
    "(nik_l IS NULL AND nik_kec_r = kec_l AND kec_r <> kec_l)"
    " OR (nik_r IS NULL AND nik_kec_l = kec_r AND kec_l <> kec_r)"
)


def region_comparison() -> Any:
    """Where the person is registered: one record in the kecamatan the other's NIK comes from
    (the holder moved; see :data:`NIK_HOME`), same desa, kecamatan, kab/kota, else."""
    return cl.CustomComparison(
        output_column_name="region",
        comparison_description="wilayah",
        comparison_levels=[
            cll.NullLevel("desa"),
            cll.CustomLevel(NIK_HOME).configure(
                label_for_charts="tinggal di kecamatan asal NIK catatan lain"
            ),
            cll.ExactMatchLevel("desa").configure(label_for_charts="desa sama"),
            cll.ExactMatchLevel("kec").configure(label_for_charts="kecamatan sama"),
            cll.ExactMatchLevel("kab").configure(label_for_charts="kab/kota sama"),
            cll.ElseLevel(),
        ],
    )


def indonesian_comparisons() -> list[Any]:
    """The comparisons of the Terpadu model."""
    return [
        nik_comparison(),
        birth_comparison(),
        sex_comparison(),
        name_comparison(),
        household_comparison(),
        region_comparison(),
    ]


#: Which pairs are compared at all (column tuples; a pair is scored when any rule admits it).
#: Each rule catches a kind of duplicate the others miss: the same NIK; a typo in the NIK
#: serial (same region and date part) or in its region part (same date and serial); a blank or
#: badly mistyped NIK (same birth date and desa, name variant or mother's name, anywhere); a
#: mistyped birth date (same name variant and KK, or name variant and mother in the kecamatan
#: or with the birth year); a name with one word replaced or mistyped (one word kept, with the
#: birth date); a name with two letters swapped
#: or words joined or split (its letters, with the birth date); a stated birth date mistyped on
#: a record with a NIK, the other without (the NIK's date, with one name word or the letters;
#: see ``birth_best`` in :mod:`terpadu.linkage.prepare`). Every key is compound down to a desa
#: or a date, so no block grows with the kabupaten: at a million registrations of one
#: kabupaten the rules ask for about 5.5 M pairs, under the cap's budget. Birth date with
#: kecamatan, and last name word with birth year and desa, were dropped: at a million
#: registrations they asked for 3 M pairs, and on the development registries no pair linked
#: through them alone except a few on the messiest. First word with birth year and desa was
#: dropped for the same reason: a third of the pairs scored at a million registrations (2.0
#: of 5.9 M, after the pairs earlier rules found), and at 100,000 the pairs only it found and
#: the model linked were 12 true and 7 false (the worst precision of any rule).
BLOCKS: Final[tuple[tuple[str, ...], ...]] = (
    ("nik",),
    ("nik_head",),
    ("nik_tail",),
    ("dob", "desa"),
    ("dob", "name_key"),
    ("name_key", "birth_key"),
    ("dob", "mother_key"),
    ("name_key", "no_kk"),
    ("dob", "first_key"),
    ("dob", "last_key"),
    ("dob", "name_letters"),
    ("name_key", "mother_key", "kec"),
    ("name_key", "mother_key", "dob_year"),
    ("birth_best", "first_key"),
    ("birth_best", "last_key"),
    ("birth_best", "name_letters"),
)
GENERIC_BLOCKS: Final[tuple[tuple[str, ...], ...]] = (("nik",), ("dob", "desa"), ("name_norm",))


def blocking_rules() -> list[Any]:
    """:data:`BLOCKS` as Splink rules (unbounded; see :mod:`terpadu.linkage.blocking`)."""
    return [block_on(*cols) for cols in BLOCKS]


def training_rules() -> list[list[tuple[str, ...]]]:
    """Blocks (column tuples) for expectation maximisation, each a list of alternatives: the
    first whose columns all hold values (and whose EM succeeds) is used. Each leaves some
    comparisons free to learn. The first block asks for the stated birth date with the NIK:
    on the NIK alone, a NIK given to another member of the family (same KK, same desa) is
    common enough for EM to learn "same KK, another name" as what a duplicate looks like.
    Without NIKs, same name variant and birth date takes its place: it leaves the region and
    the family free to learn (on the other blocks EM can take namesakes with a common
    mother's name for the duplicates, and learn that duplicates rarely share a desa)."""
    return [
        [("nik", "dob"), ("nik",), ("name_key", "dob"), ("name_key", "kab")],
        [("dob", "desa"), ("dob", "kec")],
        [("name_key", "mother_key"), ("name_key", "kab")],
    ]


def deterministic_rules() -> list[tuple[str, ...]]:
    """Near-certain matches, used to estimate the share of matching pairs."""
    return [("nik", "name_key"), ("nik", "dob")]


def deterministic_rules_without_nik() -> list[tuple[str, ...]]:
    """Near-certain matches where no NIK helps: the same name (any spelling variant or word
    order), birth date and desa."""
    return [("name_key", "dob", "desa")]


def generic_comparisons() -> list[Any]:
    """A baseline without Indonesian rules: Splink's stock comparisons on raw-ish columns."""
    return [
        cl.ExactMatch("nik"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.JaroWinklerAtThresholds("name_norm", [0.92, 0.8]),
        cl.ExactMatch("mother_key"),
        cl.ExactMatch("desa"),
    ]


def generic_blocking_rules() -> list[Any]:
    """The baseline's blocks: stock single-column blocks."""
    return [block_on(*cols) for cols in GENERIC_BLOCKS]
