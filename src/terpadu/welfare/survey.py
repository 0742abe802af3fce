"""Read survey-style files (keluarga + anggota with PENGELUARAN_PERKAPITA) for fitting.

The files go through the file readers and cleaners (:mod:`terpadu.files`), so a
survey is read and checked exactly as a registry batch would be (forgiving about form, strict about
content), but nothing touches the database. Rows the cleaner rejects are left
out and counted; the survey is shaped like a registry snapshot (``families``,
``persons``) so the same profile SQL derives the proxies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from terpadu.files import ROW, InputFileError, clean_table, read_table
from terpadu.layouts import ANGGOTA_COLUMNS, KELUARGA_COLUMNS


@dataclass(frozen=True)
class Survey:
    """A survey in snapshot shape, with what was left out and the files' checksums."""

    families: pl.DataFrame  # id, source_key, kode_wilayah, status, dwelling..., pengeluaran
    persons: pl.DataFrame  # id, family_id, status, membership_hub, person columns...
    families_rejected: int
    persons_rejected: int
    families_without_consumption: int
    sha256: dict[str, str]


def _rejected_rows(issues: pl.DataFrame) -> pl.Series:
    return issues.filter(pl.col("severity") == "error")[ROW].unique()


def read_survey(keluarga: Path, anggota: Path, today: dt.date | None = None) -> Survey:
    """Read and clean both files; keep families with a measured consumption per capita."""
    today = today or dt.date.today()
    raw_k = read_table(keluarga)
    raw_a = read_table(anggota)
    clean_k = clean_table(raw_k, KELUARGA_COLUMNS, today)
    clean_a = clean_table(raw_a, ANGGOTA_COLUMNS, today)
    if "PENGELUARAN_PERKAPITA" not in clean_k.mapping.values():
        raise InputFileError(
            f"{keluarga}: kolom PENGELUARAN_PERKAPITA tidak ada; berkas survei harus memuat "
            "pengeluaran per kapita terukur"
        )
    fam = clean_k.values.filter(~pl.col(ROW).is_in(_rejected_rows(clean_k.issues).implode()))
    fam = fam.unique("source_key", keep="first", maintain_order=True)
    rejected_f = clean_k.values.height - fam.height
    measured = fam.filter(pl.col("pengeluaran_perkapita").is_not_null())
    without = fam.height - measured.height
    if measured.height == 0:
        raise InputFileError(
            f"{keluarga}: tidak ada keluarga dengan PENGELUARAN_PERKAPITA terisi; berkas survei "
            "harus memuat pengeluaran per kapita terukur"
        )
    measured = measured.with_columns(
        pl.int_range(1, measured.height + 1, dtype=pl.Int64).alias("id"),
        pl.lit("aktif").alias("status"),
    )
    people = clean_a.values.filter(~pl.col(ROW).is_in(_rejected_rows(clean_a.issues).implode()))
    rejected_p = clean_a.values.height - people.height
    people = people.join(
        measured.select(pl.col("source_key").alias("family_key"), pl.col("id").alias("family_id")),
        on="family_key",
        how="inner",
    ).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("id"),
        pl.lit("aktif").alias("status"),
        pl.col("hub_keluarga").alias("membership_hub"),
    )
    keep_f = [c.target for c in KELUARGA_COLUMNS]
    keep_p = [c.target for c in ANGGOTA_COLUMNS]
    return Survey(
        families=measured.select("id", "status", *keep_f),
        # A survey is not linked: no resolved PERSON_ID (the profile keys identities on NIK).
        persons=people.select(
            "id",
            "family_id",
            "status",
            "membership_hub",
            pl.lit(None, dtype=pl.Int64).alias("resolved_person_id"),
            *keep_p,
        ),
        families_rejected=rejected_f,
        persons_rejected=rejected_p,
        families_without_consumption=without,
        sha256={"keluarga": raw_k.sha256, "anggota": raw_a.sha256},
    )
