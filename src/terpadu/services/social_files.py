"""Reading the lists of institutions and workers the way registry intake reads its files.

A list is read by :func:`terpadu.files.read_table`, cleaned against its layout by
:func:`terpadu.files.clean_table` and checked across rows here (a key given twice, a
region outside the importer's). Every bad row is reported with the file, row, column,
value and a Bahasa Indonesia reason (:class:`ListReport`, the problem file's columns of
``terpadu import --errors``); the good rows land.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from terpadu.access import Actor
from terpadu.files import ISSUE_SCHEMA, ROW, CleanTable, clean_table, read_table
from terpadu.files.parsing import over_series, parse_date
from terpadu.intake import messages as intake_messages
from terpadu.intake.report import PROBLEM_SCHEMA
from terpadu.intake.validate import duplicate_key_issues, issues_frame
from terpadu.layouts import Column
from terpadu.regions import region_exists

MESSAGES: Final[dict[str, str]] = {
    "region_outside": "Kode wilayah '{value}' di luar wilayah kerja Anda; baris ini tidak dimuat.",
    "region_list_invalid": "{column} '{value}' harus berisi kode wilayah Kemendagri (2, 4, 6 atau 10 digit) yang ada, dipisah titik koma.",
    "expiry_before_accreditation": "{column} '{value}' lebih awal dari TGL_AKREDITASI.",
    "accreditation_date_missing": "AKREDITASI '{value}' diisi tetapi TGL_AKREDITASI kosong.",
    "certification_date_without_flag": "TGL_SERTIFIKASI '{value}' diisi tetapi SERTIFIKASI bukan 'ya'; dianggap bersertifikat.",
    "institution_elsewhere": "Lembaga '{value}' sudah terdaftar di wilayah lain, di luar wilayah kerja Anda; baris ini tidak dimuat. Periksa nomor registrasinya.",
    "worker_elsewhere": "Petugas NIK '{value}' sudah terdaftar bertugas di wilayah lain, di luar wilayah kerja Anda; baris ini tidak dimuat.",
    "tracking_too_long": "NO_PENGADUAN '{value}' lebih dari 20 karakter; nomor ini menjadi kode pelacakan pengaduan. Singkatkan (mis. tanpa garis miring dan tahun).",
    "state_before_received": "TGL_STATUS '{value}' lebih awal dari TGL_PENGADUAN.",
    "outcome_before_decision": "HASIL '{value}' diisi padahal STATUS belum 'diputuskan' atau 'selesai'.",
    "outcome_missing": "STATUS 'diputuskan' memerlukan HASIL (keputusan yang diambil).",
    "referral_missing": "STATUS 'dirujuk' memerlukan RUJUKAN_KE (layanan tujuan rujukan).",
    "complaint_elsewhere": "Pengaduan '{value}' sudah tercatat di wilayah lain, di luar wilayah kerja Anda; baris ini tidak dimuat.",
    "complaint_known": "Pengaduan '{value}' sudah tercatat di Terpadu dengan status lain; riwayat di Terpadu yang berlaku, baris ini tidak mengubahnya.",
    "subject_not_registered": "NIK '{value}' tidak ada di registri; pengaduan dimuat dengan NIK ini tanpa tautan ke keluarga.",
    "subject_ambiguous": "NIK '{value}' dipakai lebih dari satu orang di registri; pengaduan dimuat tanpa tautan ke keluarga sampai review linkage selesai.",
    "institution_unknown": "NO_REGISTRASI '{value}' tidak ada di daftar lembaga; impor dulu lembaganya (daftar lembaga).",
    "resident_not_registered": "NIK '{value}' tidak ada di registri; penghuni lembaga harus orang yang terdaftar (daftarkan dulu lewat usulan keluarga/anggota baru).",
    "resident_ambiguous": "NIK '{value}' dipakai lebih dari satu orang di registri; selesaikan dulu di review linkage.",
    "resident_elsewhere": "NIK '{value}' masih tercatat sebagai penghuni lembaga lain (atau dengan tanggal masuk lain); catat dulu kepulangannya.",
    "discharge_before_admission": "TGL_KELUAR '{value}' lebih awal dari TGL_MASUK.",
    "organisation_without_region": "NAMA_KARANG_TARUNA '{value}' diisi tetapi WILAYAH_TUGAS tidak memuat satu kode desa/kelurahan (10 digit) tempat Karang Taruna itu.",
}


#: What an import of a list tells its ``progress`` callback, step by step.
PROGRESS_STEPS: Final = ("read", "check", "write")
#: The callback told each step's key as it starts.
Step = Callable[[str], None]


def _silent(_key: str) -> None:
    """The callback when nobody follows the import."""


def message(code: str, column: str | None, value: str | None) -> str:
    """The operator's message for ``code`` (this module's, else intake's and the files')."""
    template = MESSAGES.get(code)
    if template is None:
        return intake_messages.message(code, column, value)
    return template.format(column=column or "-", value="" if value is None else value)


@dataclass
class ListReport:
    """What an import of a list did: rows read, landed (new, updated), rejected; the issues."""

    path: Path
    rows_read: int = 0
    rows_landed: int = 0
    new: int = 0
    updated: int = 0
    issues: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - self.rows_landed

    def problem_list(self) -> pl.DataFrame:
        """The problem file's rows (``terpadu import --errors`` columns)."""
        return self.issues


@dataclass(frozen=True)
class CheckedList:
    """A list's values that may land (one row per key), and every issue with its message."""

    landed: pl.DataFrame
    issues: pl.DataFrame
    rows_read: int


def raw_column(clean: CleanTable, name: str) -> pl.Series:
    """The cells of layout column ``name`` as received (nulls when the file lacks it)."""
    header = next((h for h, c in clean.mapping.items() if c == name), None)
    if header is None:
        return pl.Series([None] * clean.raw.height, dtype=pl.Utf8)
    return clean.raw[header]


def any_date(
    clean: CleanTable, name: str, target: str, today: dt.date
) -> tuple[pl.Series, pl.DataFrame]:
    """A date column that may lie in the future (an expiry): read as text, parsed here."""
    text = clean.values[target]
    value = over_series(text, lambda cell: parse_date(cell, today))
    bad = text.is_not_null() & value.is_null()
    rows = clean.values[ROW].filter(bad)
    return value, issues_frame(rows, name, text.filter(bad), "error", "date_invalid")


def region_scope_issues(
    values: pl.DataFrame, actor: Actor, column: str, target: str
) -> pl.DataFrame:
    """Rows whose region lies outside the importing account's region."""
    if actor.region is None:
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    outside = values.filter(
        pl.col(target).is_not_null() & ~pl.col(target).str.starts_with(actor.region)
    )
    return issues_frame(outside[ROW], column, outside[target], "error", "region_outside")


def region_list(cell: str | None) -> list[str] | None:
    """``3604; 3604052001`` → the codes; None when any part is not an existing region code."""
    if cell is None:
        return []
    codes = [part.replace(".", "").strip() for part in cell.replace(",", ";").split(";")]
    codes = [c for c in codes if c]
    if not all(c.isdigit() and len(c) in (2, 4, 6, 10) and region_exists(c) for c in codes):
        return None
    return codes


def check_list(
    path: Path,
    columns: tuple[Column, ...],
    *,
    key: tuple[str, str],
    today: dt.date,
    sheet: str | None,
    extra: Callable[[CleanTable], list[pl.DataFrame]],
    progress: Step | None = None,
) -> tuple[CleanTable, CheckedList]:
    """Read and check a list: ``key`` is (layout column, target) of its natural key; ``extra``
    gives the checks of this kind of list (issue frames). ``progress`` is told ``read`` and
    ``check`` as each starts (:data:`PROGRESS_STEPS`; the importer tells ``write``)."""
    tell = progress or _silent
    tell("read")
    raw = read_table(path, sheet, report_long_rows=True)
    tell("check")
    clean = clean_table(raw, columns, today)
    column, target = key
    duplicates = duplicate_key_issues(clean.values, target, column, raw_column(clean, column))
    issues = pl.concat([clean.issues, raw.row_issues.cast(ISSUE_SCHEMA), duplicates, *extra(clean)])
    rejected = issues.filter(pl.col("severity") == "error")[ROW].unique()
    landed = clean.values.filter(~pl.col(ROW).is_in(rejected.implode()))
    return clean, CheckedList(landed, _with_messages(issues.sort(ROW), path), clean.values.height)


def _with_messages(issues: pl.DataFrame, path: Path) -> pl.DataFrame:
    texts = [message(c, col, v) for c, col, v in issues.select("code", "column", "value").rows()]
    return issues.select(
        pl.lit(path.name).alias("file"),
        pl.col(ROW),
        pl.col("column"),
        pl.col("value"),
        pl.lit(None, dtype=pl.Utf8).alias("repaired"),
        pl.col("severity"),
        pl.col("code"),
        pl.Series("message", texts, dtype=pl.Utf8),
    ).cast(PROBLEM_SCHEMA)


__all__ = [
    "PROGRESS_STEPS",
    "CheckedList",
    "ListReport",
    "Step",
    "any_date",
    "check_list",
    "message",
    "region_list",
    "region_scope_issues",
]
