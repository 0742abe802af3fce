"""Data preparation: the columns the linkage model compares, computed once per record.

Everything the comparisons need is a plain column here (normalised and variant-folded names,
the birth date and sex decoded from the NIK, the day/month-swapped birth date, region levels,
blocking keys), so the comparison SQL stays trivial and runs the same on DuckDB and Spark.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

from terpadu.identity import nik_birth_frame, normalize_name_series
from terpadu.linkage.variants import variant_token

#: Columns of a prepared frame, in order; Splink's ``unique_id`` is the registry person id.
LINK_COLUMNS: Final[tuple[str, ...]] = (
    "unique_id",
    "nik",
    "nik_head",
    "nik_tail",
    "nik_rs",
    "nik_sorted",
    "nik_serial",
    "nik_dob",
    "nik_sex",
    "nik_fit",
    "nik_kec",
    "sex",
    "dob",
    "dob_swap",
    "dob_year",
    "birth_key",
    "birth_best",
    "name_norm",
    "name_first",
    "first_key",
    "last_key",
    "name_key",
    "name_abbrev",
    "name_compact",
    "name_letters",
    "name_tokens",
    "mother_key",
    "mother_tokens",
    "desa",
    "kec",
    "kab",
    "no_kk",
)


def _nik_parts(nik: pl.Series, stated: pl.Series, today: dt.date) -> pl.DataFrame:
    """Birth date (YYYY-MM-DD) and sex (1 male, 2 female) decoded from 16-digit NIKs with
    identity's century rule; null where they cannot be."""
    decoded = nik_birth_frame(nik, stated, today)
    return decoded.select(
        pl.col("birth_date").cast(pl.String).alias("nik_dob"),
        pl.when(pl.col("female"))
        .then(2)
        .when(~pl.col("female"))
        .then(1)
        .cast(pl.Int32)
        .alias("nik_sex"),
    )


def _nik_fit() -> pl.Expr:
    """1 where the NIK's date part is the stated birth date (give or take one mistyped digit,
    day and month swapped, the two last digits of the year swapped, or only the year stated,
    as 1 January, 1 July or 31 December), 0 where it is another date: a NIK that is not its
    holder's (a parent's or spouse's NIK, a KK number, a NIK typed into the wrong row). Null
    where either date is missing."""
    nik_dob, dob = pl.col("nik_dob"), pl.col("dob")
    # ISO dates: the digits are at these places (the dashes always agree).
    digits = (0, 1, 2, 3, 5, 6, 8, 9)
    differ = pl.sum_horizontal(
        (nik_dob.str.slice(i, 1) != dob.str.slice(i, 1)).cast(pl.Int8) for i in digits
    )
    year, rest = dob.str.slice(0, 4), dob.str.slice(4)
    nik_year = nik_dob.str.slice(0, 4)
    # The two digits of the year swapped (1945 for 1954): the NIK holds only those two, so its
    # century follows the stated date and is compared no further.
    yy, nik_yy = year.str.slice(2, 2), nik_dob.str.slice(2, 2)
    year_swapped = (
        (nik_dob.str.slice(4) == rest)
        & (nik_yy != yy)
        & (nik_yy == pl.concat_str(yy.str.slice(1, 1), yy.str.slice(0, 1)))
    )
    # Only the year known: registries write it as 1 January, 1 July or 31 December.
    year_only = (year == nik_year) & rest.is_in(["-01-01", "-07-01", "-12-31"])
    return (
        pl.when(nik_dob.is_null() | dob.is_null())
        .then(None)
        .when((differ <= 1) | (nik_dob == pl.col("dob_swap")) | year_swapped | year_only)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
        .alias("nik_fit")
    )


def _nik_sorted() -> pl.Expr:
    """A key equal for two NIKs exactly when one is the other's characters in another order
    (any transposition): for NIKs of digits only, how many of each digit, as ``c0,c1,…,c9``
    (ten counts instead of sorting a million lists of characters: a third of the preparation's
    CPU); for the rare others, their characters sorted. The two forms never meet: a sorted
    text puts every comma before every digit, the counts interleave them."""
    nik = pl.col("nik")
    counts = pl.concat_str(
        [nik.str.count_matches(str(d), literal=True).cast(pl.String) for d in range(10)],
        separator=",",
    )
    digits = nik.str.contains(r"^[0-9]+$")
    other = pl.when(~digits).then(nik)  # null for digit NIKs: nothing to split and sort
    return pl.coalesce(
        pl.when(digits).then(counts), other.str.split("").list.sort().list.join("")
    ).alias("nik_sorted")


def _birth_key() -> pl.Expr:
    """A blocking key for the birth date as either record may give it: the stated date, else
    the NIK's, with day and month in sorted order (so a date written day-first in one record
    and month-first in the other gives the same key)."""
    date = pl.coalesce(pl.col("dob"), pl.col("nik_dob"))
    a, b = date.str.slice(5, 2), date.str.slice(8, 2)
    return pl.format(
        "{}-{}-{}", date.str.slice(0, 4), pl.min_horizontal(a, b), pl.max_horizontal(a, b)
    ).alias("birth_key")


def _birth_best() -> pl.Expr:
    """A blocking key that lets a record whose stated birth date is mistyped meet a record
    without NIK on the true date: the NIK's date where it is not the stated one, the stated
    date where there is no NIK, and null where the two agree (the stated date's own rules
    cover those records, and leaving them out keeps the key's blocks small)."""
    nik_dob, dob = pl.col("nik_dob"), pl.col("dob")
    return (
        pl.when(nik_dob.is_null())
        .then(dob)
        .when(dob.is_null() | (nik_dob != dob))
        .then(nik_dob)
        .alias("birth_best")
    )


def _name_columns(names: pl.Series, prefix: str) -> pl.DataFrame:
    """Normalised name, first word, variant key, abbreviated form, variant tokens and the
    variant-folded first and last words (blocking keys: a name with one word changed or
    mistyped still shares one of them).

    Computed once per distinct name, and the variant folding once per distinct word, in
    Polars (names and words repeat; Python objects per row cost seconds at a million rows).
    """
    # "BIN …" / "BINTI …" adds the father's name, written in one registration and left out in
    # another: the person's own name is what comes before it.
    normalised = (
        normalize_name_series(names)
        .str.replace(r" (BIN|BINTI) .*$", "")
        .replace("", None)
        .alias("norm")
    )
    distinct = pl.DataFrame({"norm": normalised.drop_nulls().unique()})
    words = distinct["norm"].str.split(" ").explode().drop_nulls().unique()
    fold = pl.DataFrame(
        {"w": words, "t": [variant_token(w) for w in words.to_list()]},
        schema={"w": pl.String, "t": pl.String},
    )
    tokens = (
        distinct.with_row_index("_i")
        .with_columns(pl.col("norm").str.split(" ").alias("w"))
        .explode("w")
        .filter(pl.col("w") != "")
        .join(fold, on="w", how="left", maintain_order="left")
        .group_by("_i", maintain_order=True)
        .agg(pl.col("norm").first(), pl.col("t").alias("tokens"))
    )
    t = pl.col("tokens")
    rest = t.list.slice(1).list.sort().list.join(" ")
    per_name = tokens.select(
        "norm",
        pl.col("norm").str.split(" ").list.first().alias(f"{prefix}_first"),
        t.list.first().alias(f"{prefix}_first_key"),
        t.list.last().alias(f"{prefix}_last_key"),
        # The variant-folded words sorted, so word order does not matter.
        t.list.sort().list.join(" ").alias(f"{prefix}_key"),
        pl.when(t.list.len() > 1)
        .then(pl.format("{} {}", t.list.first().str.slice(0, 1), rest))
        .alias(f"{prefix}_abbrev"),
        # The name as one word in written order: "NUR HAYATI" = "NURHAYATI".
        t.list.join("").alias(f"{prefix}_compact"),
        # Its letters sorted: the same for two letters swapped or a word split or joined.
        t.list.join("").str.split("").list.sort().list.join("").alias(f"{prefix}_letters"),
        t.alias(f"{prefix}_tokens"),
    )
    return (
        normalised.to_frame()
        .join(per_name, on="norm", how="left", maintain_order="left")
        .rename({"norm": f"{prefix}_norm"})
    )


def prepare_records(
    records: pl.DataFrame, today: dt.date | None = None, *, use_nik: bool = True
) -> pl.DataFrame:
    """The linkage frame from generic records.

    ``records`` has ``unique_id`` (int), ``nama`` and any of ``nik``, ``jenis_kelamin`` (1/2),
    ``tgl_lahir`` (date or ISO text), ``nama_ibu_kandung``, ``desa``, ``kec``, ``kab``,
    ``no_kk``; missing ones are null. ``use_nik=False`` leaves the NIK-derived columns null
    (for identity numbers that encode nothing, as in FEBRL).
    """
    today = today or dt.date.today()
    n = records.height

    def col(name: str, dtype: pl.DataType) -> pl.Series:
        if name in records.columns:
            return records[name].cast(dtype, strict=False)
        return pl.Series(name, [None] * n, dtype=dtype)

    nik = col("nik", pl.String()).str.strip_chars().replace("", None)
    desa = col("desa", pl.String())
    dob_text = col("tgl_lahir", pl.String()).str.slice(0, 10).str.to_date(strict=False)
    base = pl.DataFrame(
        {
            "unique_id": col("unique_id", pl.Int64()),
            "nik": nik,
            "sex_stated": col("jenis_kelamin", pl.Int32()),
            "dob_date": dob_text,
            "desa": desa,
            "kec": col("kec", pl.String()) if "kec" in records.columns else desa.str.slice(0, 6),
            "kab": col("kab", pl.String()) if "kab" in records.columns else desa.str.slice(0, 4),
            "no_kk": col("no_kk", pl.String()).replace("", None),
        }
    )
    names = _name_columns(col("nama", pl.String()), "name")
    mothers = _name_columns(col("nama_ibu_kandung", pl.String()), "mother").select(
        "mother_key", "mother_tokens"
    )
    names = names.rename({"name_first_key": "first_key", "name_last_key": "last_key"})
    frame = pl.concat([base, names.drop("name_tokens"), mothers], how="horizontal").with_columns(
        names["name_tokens"]
    )
    nik_cols = (
        _nik_parts(frame["nik"], frame["dob_date"], today).get_columns()
        if use_nik
        else [pl.lit(None, pl.String).alias("nik_dob"), pl.lit(None, pl.Int32).alias("nik_sex")]
    )
    dob = pl.col("dob_date")
    frame = frame.with_columns(
        *nik_cols,
        dob.cast(pl.String).alias("dob"),
        pl.when((dob.dt.day() <= 12) & (dob.dt.day() != dob.dt.month()))
        .then(
            pl.format(
                "{}-{}-{}",
                dob.dt.year().cast(pl.String),
                dob.dt.day().cast(pl.String).str.zfill(2),
                dob.dt.month().cast(pl.String).str.zfill(2),
            )
        )
        .alias("dob_swap"),
        dob.dt.year().cast(pl.Int32).alias("dob_year"),
        pl.col("nik").str.slice(0, 12).alias("nik_head"),
        # The kecamatan that issued the NIK: a person keeps it after moving away.
        pl.when(pl.col("nik").str.contains(r"^\d{16}$"))
        .then(pl.col("nik").str.slice(0, 6))
        .alias("nik_kec"),
        pl.col("nik").str.slice(6, 10).alias("nik_tail"),
        # Region and serial (a typo in the date part); the digits sorted (any transposition).
        # With head and tail, one of these agrees whenever two NIKs are one edit apart: the
        # comparison computes edit distances only then (they dominate scoring time).
        (pl.col("nik").str.slice(0, 6) + pl.col("nik").str.slice(12, 4)).alias("nik_rs"),
        _nik_sorted(),
        # The serial as a number: Dukcapil numbers people born the same day in one kecamatan
        # 0001, 0002, … so two NIKs a serial or two apart are usually two people.
        pl.when(pl.col("nik").str.contains(r"^\d{16}$"))
        .then(pl.col("nik").str.slice(12, 4).cast(pl.Int32, strict=False))
        .alias("nik_serial"),
    ).with_columns(
        # The stated sex, else the one the NIK encodes.
        pl.coalesce(pl.col("sex_stated"), pl.col("nik_sex")).alias("sex"),
        _nik_fit(),
        _birth_key(),
        _birth_best(),
    )
    if frame["nik_dob"].null_count() == frame.height:
        # No NIK date anywhere: the key would only repeat the stated date's blocks.
        frame = frame.with_columns(pl.lit(None, pl.String).alias("birth_best"))
    if not use_nik:
        # An identity number without NIK structure: block on its two halves instead, so one
        # typo still leaves a shared block.
        half = (pl.col("nik").str.len_chars() // 2).cast(pl.Int64)
        frame = frame.with_columns(
            pl.col("nik").str.head(half).alias("nik_head"),
            pl.col("nik").str.slice(half).alias("nik_tail"),
            pl.lit(None, pl.String).alias("nik_rs"),
            pl.lit(None, pl.String).alias("nik_kec"),
            pl.lit(None, pl.Int32).alias("nik_serial"),
        )
    return frame.select(LINK_COLUMNS)


def prepare_snapshot(
    persons: pl.DataFrame, families: pl.DataFrame, today: dt.date | None = None
) -> pl.DataFrame:
    """The linkage frame of a registry snapshot: every person registration, active or not.

    Region and KK come from the person's current family (``family_id`` in the snapshot).
    """
    fam = families.select(
        pl.col("id").alias("family_id"),
        pl.col("kode_wilayah").cast(pl.String).alias("desa"),
        pl.col("no_kk").cast(pl.String),
    )
    joined = persons.join(fam, on="family_id", how="left").with_columns(
        pl.col("id").alias("unique_id")
    )
    return prepare_records(joined, today)
