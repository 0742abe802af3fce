"""Reading a disbursement file (penyaluran): its columns found, its values repaired and parsed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from terpadu.files import ROW, read_table
from terpadu.identity import check_nik_frame, repair_identity_frame
from terpadu.layouts import normalize_header
from terpadu.periods import InvalidPeriod, parse_period
from terpadu.targeting.catalogue import Catalogue
from terpadu.targeting.inputs import TargetingError

HEADERS = {
    "program": "PROGRAM",
    "periode": "PERIODE",
    "nik": "NIK",
    "nikpenerima": "NIK",
    "nokk": "NO_KK",
    "nominal": "NOMINAL",
    "status": "STATUS",
    "statuspenyaluran": "STATUS",
    "tanggal": "TANGGAL",
}
REQUIRED = ("PROGRAM", "NIK", "STATUS")
OPTIONAL = ("PERIODE", "NO_KK", "NOMINAL", "TANGGAL")


def _named_columns(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """The file's columns under their standard names; absent optional ones as blanks."""
    rename: dict[str, str] = {}
    for header in frame.columns:
        target = HEADERS.get(normalize_header(header)) if header != ROW else None
        if target and target not in rename.values():
            rename[header] = target
    frame = frame.rename(rename)
    for needed in REQUIRED:
        if needed not in frame.columns:
            raise TargetingError(
                f"{path}: kolom {needed} tidak ada (penyaluran: PROGRAM, PERIODE, NIK, NO_KK, "
                "NOMINAL, STATUS, TANGGAL)"
            )
    for optional in OPTIONAL:
        if optional not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(optional))
    return frame


def _period_label(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parse_period(value)[0]
    except InvalidPeriod:
        return value.strip()


def read_payment_rows(path: Path, catalogue: Catalogue, today: dt.date) -> tuple[pl.DataFrame, str]:
    """Every row of the file as received (upper-case columns) beside its parsed values
    (lower-case: ``program``, ``period``, ``nik``, ``nik_rusak``, ``no_kk``, ``nominal``,
    ``status``), numbered by ``row_id``; and the file's SHA-256."""
    raw = read_table(path)
    frame = _named_columns(raw.frame, path)
    nik_fix = repair_identity_frame(frame["NIK"])
    nik_check = check_nik_frame(nik_fix["value"], today)
    kk_fix = repair_identity_frame(frame["NO_KK"])
    names = {p.id: p.id for p in catalogue}
    names.update({p.name.lower(): p.id for p in catalogue})
    rows = frame.select(
        pl.col(ROW).alias("BARIS"),
        pl.col("PROGRAM"),
        pl.col("PROGRAM")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(names, default=None)
        .alias("program"),
        pl.col("PERIODE"),
        pl.col("PERIODE").map_elements(_period_label, return_dtype=pl.Utf8).alias("period"),
        pl.col("NIK"),
        nik_check["nik"].alias("nik"),
        (nik_fix["error_code"].is_not_null() | nik_check["error_code"].is_not_null()).alias(
            "nik_rusak"
        ),
        pl.col("NO_KK"),
        kk_fix["value"].alias("no_kk"),
        pl.col("NOMINAL"),
        pl.col("NOMINAL")
        .str.replace_all(r"[^\d]", "")
        .cast(pl.Int64, strict=False)
        .alias("nominal"),
        pl.col("STATUS"),
        pl.col("STATUS")
        .fill_null("")
        .str.strip_chars()
        .str.to_uppercase()
        .str.replace_all(r"[ \-]", "_")
        .alias("status"),
        pl.col("TANGGAL"),
    ).with_row_index("row_id")
    rows = rows.with_columns(
        pl.when(pl.col("no_kk").str.contains(r"^\d{16}$")).then(pl.col("no_kk")).alias("no_kk")
    )
    return rows, raw.sha256
