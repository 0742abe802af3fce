"""``terpadu payments``: reconcile a disbursement file (penyaluran) with the enrolments.

Every row of the bank's or post office's file gets its problems (``masalah``,
``;``-joined; blank when none):

- ``nik_rusak``: the NIK is damaged beyond repair or invalid (Excel damage is
  repaired first, as in intake);
- ``gagal``, ``saldo_nol``, ``tidak_ditemukan_bank``: the payer's own status
  (GAGAL, SALDO_NOL, TIDAK_DITEMUKAN);
- ``tidak_terdaftar``: neither the NIK nor the NO_KK is in the registry;
- ``bukan_peserta``: paid (BERHASIL) but the family is not enrolled in that
  programme and period;
- ``tidak_layak_lagi``: paid and enrolled, but the family fails the programme's
  rules on today's registry (the reasons are given);
- ``dibayar_ganda``: the same person (resolved PERSON_ID, else NIK) or family paid
  in two rows of one programme and period (e.g. two regions) or in two programmes
  that conflict;
- ``nominal_berbeda``: paid amount differs from the enrolment's NOMINAL.

NIK problems (``nik_rusak``, ``saldo_nol``, ``tidak_ditemukan_bank``,
``tidak_terdaftar``) become correction proposals in a file beside the report
(``usulan_perbaikan_nik_*.csv``, and sheet ``Usulan_Perbaikan``): the verval
proposal API needs the corrected value and an operator desa to sign it, which
only the field check can give, so the file is what the desa works from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from terpadu.files import write_table
from terpadu.store.ids import family_code, person_code
from terpadu.targeting.catalogue import Catalogue, load_catalogue
from terpadu.targeting.exports import family_id, person_id
from terpadu.targeting.payment_checks import match_registry, paid_twice, problems, still_eligible
from terpadu.targeting.payment_file import read_payment_rows
from terpadu.targeting.workbook import write_workbook

NIK_PROBLEMS = ("nik_rusak", "saldo_nol", "tidak_ditemukan_bank", "tidak_terdaftar")
PROBLEM_LABELS = {
    "nik_rusak": "NIK rusak/tidak sah",
    "gagal": "penyaluran gagal",
    "saldo_nol": "saldo nol (NIK tidak cocok dengan Dukcapil)",
    "tidak_ditemukan_bank": "penerima tidak ditemukan oleh penyalur",
    "tidak_terdaftar": "NIK dan NO_KK tidak ada di registri",
    "bukan_peserta": "dibayar tetapi bukan peserta program/periode ini",
    "tidak_layak_lagi": "dibayar tetapi tidak lagi memenuhi aturan program",
    "dibayar_ganda": "orang/keluarga yang sama dibayar dua kali",
    "nominal_berbeda": "nominal berbeda dari kepesertaan",
    "status_tidak_dikenal": "STATUS tidak dikenal",
    "program_tidak_dikenal": "PROGRAM tidak ada di katalog",
}
PROPOSAL_TEXT = {
    "nik_rusak": "ketik ulang NIK dari KTP/KK; ajukan koreksi NIK bila data registri salah",
    "saldo_nol": "padankan NIK, nama, tanggal lahir dan jenis kelamin dengan Dukcapil; "
    "ajukan koreksi data",
    "tidak_ditemukan_bank": "periksa NIK dan rekening penerima; ajukan koreksi NIK bila salah",
    "tidak_terdaftar": "cari keluarga di registri; ajukan koreksi NIK atau keluarga baru",
}


@dataclass(frozen=True)
class PaymentReconciliation:
    rows: pl.DataFrame  # every input row with its matches and problems
    summary: pl.DataFrame  # per region
    proposals: pl.DataFrame  # NIK correction proposals
    path: Path
    sha256: str

    @property
    def problems(self) -> pl.DataFrame:
        return self.rows.filter(pl.col("MASALAH") != "")


def reconcile_payments(
    engine: Engine,
    path: Path,
    *,
    catalogue: Catalogue | None = None,
    programs_dir: Path | None = None,
    work_dir: Path,
    today: dt.date | None = None,
) -> PaymentReconciliation:
    """Check every disbursement row of ``path`` against the registry and the enrolments.

    ``work_dir``: where the live registry is frozen (the CLI: a new folder under the
    settings' ``targeting_snapshots_dir``)."""
    cat = catalogue or load_catalogue(programs_dir)
    today = today or dt.date.today()
    rows, sha256 = read_payment_rows(path, cat, today)
    rows = match_registry(engine, rows)
    rows = paid_twice(rows, cat)
    rows = still_eligible(engine, cat, rows, today, work_dir)
    out = _report_rows(problems(rows))
    return PaymentReconciliation(out, _summary(out), _proposals(out), path, sha256)


def _report_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """The report's columns: the row as received, what it matched, its problems."""
    return rows.sort("BARIS").select(
        "BARIS",
        "KODE_WILAYAH",
        "PROGRAM",
        "PERIODE",
        pl.col("NIK").alias("NIK_BERKAS"),
        pl.col("nik").alias("NIK"),
        "NO_KK",
        "NOMINAL",
        "STATUS",
        "TANGGAL",
        pl.when(pl.col("family_match").is_not_null())
        .then(family_id("family_match"))
        .alias("FAMILY_ID"),
        pl.when(pl.col("person_id").is_not_null())
        .then(person_id(pl.coalesce("resolved_person_id", "person_id")))
        .alias("PERSON_ID"),
        pl.col("terdaftar").alias("TERDAFTAR"),
        pl.col("nominal_kepesertaan").alias("NOMINAL_KEPESERTAAN"),
        "MASALAH",
        pl.col("alasan_kini").alias("ALASAN_TIDAK_LAYAK"),
        "BARIS_GANDA",
    )


def _summary(rows: pl.DataFrame) -> pl.DataFrame:
    has = pl.col("MASALAH").str.split(";")
    counts = [
        has.list.contains(code).sum().alias(code)
        for code in (
            "gagal",
            "saldo_nol",
            "tidak_ditemukan_bank",
            "tidak_terdaftar",
            "nik_rusak",
            "dibayar_ganda",
            "bukan_peserta",
            "tidak_layak_lagi",
            "nominal_berbeda",
        )
    ]
    nominal = pl.col("NOMINAL").str.replace_all(r"[^\d]", "").cast(pl.Int64, strict=False)
    return (
        rows.group_by("KODE_WILAYAH")
        .agg(
            pl.len().alias("baris"),
            (pl.col("STATUS").str.to_uppercase().str.strip_chars() == "BERHASIL")
            .sum()
            .alias("berhasil"),
            nominal.filter(pl.col("STATUS").str.to_uppercase().str.strip_chars() == "BERHASIL")
            .sum()
            .alias("nominal_berhasil"),
            *counts,
            (pl.col("MASALAH") != "").sum().alias("baris_bermasalah"),
        )
        .sort("KODE_WILAYAH")
    )


def _proposals(rows: pl.DataFrame) -> pl.DataFrame:
    frames = []
    for code in NIK_PROBLEMS:
        frames.append(
            rows.filter(pl.col("MASALAH").str.split(";").list.contains(code)).select(
                "KODE_WILAYAH",
                "FAMILY_ID",
                "PERSON_ID",
                "PROGRAM",
                "PERIODE",
                pl.col("NIK_BERKAS").alias("NIK_PENYALURAN"),
                "NO_KK",
                pl.lit(code).alias("MASALAH"),
                pl.lit(PROPOSAL_TEXT[code]).alias("USULAN"),
                pl.lit("koreksi").alias("JENIS_USULAN"),
                "BARIS",
            )
        )
    return pl.concat(frames).sort(["KODE_WILAYAH", "BARIS"])


def default_payments_path(reports_dir: Path, source: Path) -> Path:
    """Today's reconciliation workbook of the payment file ``source`` in ``reports_dir``."""
    return reports_dir / f"rekonsiliasi_{source.stem}_{dt.date.today():%Y%m%d}.xlsx"


def write_payments_report(result: PaymentReconciliation, out: Path) -> tuple[Path, Path]:
    """The XLSX report (Ringkasan, Rincian, Usulan_Perbaikan) and the proposals CSV beside it."""
    sheets = (
        ("Ringkasan", result.summary),
        ("Rincian", result.problems),
        ("Usulan_Perbaikan", result.proposals),
    )
    write_workbook(out, sheets, "laporan rekonsiliasi")
    proposals = out.with_name(f"usulan_perbaikan_nik_{out.stem}.csv")
    write_table(result.proposals, proposals)
    return out, proposals


__all__ = [
    "PROBLEM_LABELS",
    "PaymentReconciliation",
    "family_code",
    "person_code",
    "reconcile_payments",
    "write_payments_report",
]
