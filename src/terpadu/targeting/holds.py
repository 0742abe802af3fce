"""Families held for their data ("tertahan data"), and the fix each needs.

A family eligible by welfare and components that fails only data reasons
(``rules.DATA_HOLDS``: a recipient or component registered in another family, no adult
member with a usable NIK to receive) is not enrolled, and not silently dropped either: it
is listed, with what the desa must fix, in the BNBA workbook, the run's summary and
``terpadu explain``, so an office sees it before signing the list.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from terpadu.files import write_table
from terpadu.locale import DEFAULT_LANGUAGE, Phrase
from terpadu.targeting.catalogue import Program
from terpadu.targeting.exports import exported, exported_text, programme_columns

HELD = "tertahan_data"
#: Where the fixes' words live in the catalogue.
_FIX = "console.explain.fix"
HELD_COLUMNS = [
    "PROGRAM",
    "PERIODE",
    "FAMILY_ID",
    "ID_KELUARGA",
    "NO_KK",
    "KODE_WILAYAH",
    "ALAMAT",
    "DESIL",
    "KOMPONEN",
    "ALASAN",
    "PERBAIKAN",
]
STAND_IN_COLUMNS = [
    "PROGRAM",
    "PERIODE",
    "FAMILY_ID",
    "ID_KELUARGA",
    "KODE_WILAYAH",
    "PENERIMA_DITUNJUK",
    "NIK_PENERIMA",
    "NAMA_PENERIMA",
    "PERBAIKAN",
]


#: One registration counted elsewhere, as the rules' SQL writes it (``rules.decisions_sql``).
_ELSEWHERE = re.compile(r"^(?P<name>.*) \(NIK (?P<nik>[^)]*)\) dihitung di (?P<family>KLG\d+)$")


def counted_elsewhere(value: Any) -> tuple[Phrase, ...]:
    """The family's registrations that count in another family, each in words."""
    if not value:
        return (Phrase.as_written("-"),)
    phrases = []
    for item in str(value).split(";"):
        found = _ELSEWHERE.match(item)
        phrases.append(
            Phrase.of("console.explain.counted_in", **found.groupdict())
            if found
            else Phrase.as_written(item)
        )
    return tuple(phrases)


def fix_phrases(row: dict[str, Any]) -> list[Phrase]:
    """What must be fixed for a decision row to stop being held (or to need no stand-in),
    to be said in the reader's language."""
    reasons = set(filter(None, str(row.get("alasan") or "").split(";")))
    recipient = row.get("nama_penerima") or "-"
    out: list[Phrase] = []
    if "anggota_ganda" in reasons:
        out.append(Phrase.of(f"{_FIX}.double", where=counted_elsewhere(row.get("anggota_ganda"))))
    if "tanpa_nik" in reasons:
        out.append(Phrase.of(f"{_FIX}.no_nik", recipient=recipient))
    if "nik_ditolak" in reasons:
        out.append(Phrase.of(f"{_FIX}.nik_rejected", recipient=recipient))
    if row.get("penerima_pengganti"):
        out.append(
            Phrase.of(
                f"{_FIX}.stand_in", chosen=row.get("nama_ditunjuk") or "-", recipient=recipient
            )
        )
    return out


def fixes(row: dict[str, Any]) -> list[str]:
    """:func:`fix_phrases` in Bahasa Indonesia (the workbook's PERBAIKAN column)."""
    return [p.say(DEFAULT_LANGUAGE) for p in fix_phrases(row)]


def _with_fix(rows: pl.DataFrame) -> pl.DataFrame:
    texts = [" ".join(fixes(r)) for r in rows.iter_rows(named=True)]
    return rows.with_columns(pl.Series("perbaikan", texts, dtype=pl.Utf8))


def held_frame(program: Program, period: str, decisions: pl.DataFrame) -> pl.DataFrame:
    """The held families, poorest first, with the reasons and the fix (sheet Tertahan_Data)."""
    rows = decisions.filter(pl.col("keputusan") == HELD)
    if rows.height == 0:
        return pl.DataFrame(
            schema={c: (pl.Int64 if c == "DESIL" else pl.Utf8) for c in HELD_COLUMNS}
        )
    return (
        _with_fix(rows)
        .sort(["desil", "pmt_score", "family_id"], nulls_last=True)
        .select(
            *programme_columns(program.id, period),
            *exported_text("no_kk", "kode_wilayah", "alamat"),
            exported("desil", pl.Int64),
            *exported_text("komponen", "alasan"),
            pl.col("perbaikan").alias("PERBAIKAN"),
        )
    )


def stand_in_frame(program: Program, period: str, enrolled: pl.DataFrame) -> pl.DataFrame:
    """Enrolled families whose payment goes to a stand-in recipient (sheet Penerima_Pengganti)."""
    rows = enrolled.filter(pl.col("penerima_pengganti") == 1)
    if rows.height == 0:
        return pl.DataFrame(schema=dict.fromkeys(STAND_IN_COLUMNS, pl.Utf8))
    return (
        _with_fix(rows)
        .sort("family_id")
        .select(
            *programme_columns(program.id, period),
            exported("kode_wilayah"),
            pl.col("nama_ditunjuk").cast(pl.Utf8).alias("PENERIMA_DITUNJUK"),
            *exported_text("nik_penerima", "nama_penerima"),
            pl.col("perbaikan").alias("PERBAIKAN"),
        )
    )


def notes_frame(decisions: pl.DataFrame, enrolled: pl.DataFrame, relative: str) -> pl.DataFrame:
    """Sheet Keterangan: which desil the allocation used, for how many families.

    ``relative`` names the registry-relative desil (:func:`terpadu.welfare.desil_scope`).
    """
    labels = {"nasional": "desil nasional DTSEN (diimpor)", "relatif": relative}
    rows = []
    for source, label in labels.items():
        rows.append(
            {
                "KETERANGAN": f"DESIL menurut {label}",
                "KELUARGA_TERDAFTAR": enrolled.filter(pl.col("sumber_desil") == source).height,
                "KELUARGA_DINILAI": decisions.filter(pl.col("sumber_desil") == source).height,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "KETERANGAN": pl.Utf8,
            "KELUARGA_TERDAFTAR": pl.Int64,
            "KELUARGA_DINILAI": pl.Int64,
        },
    )


def held_per_region(decisions: pl.DataFrame) -> pl.DataFrame:
    """Held families per quota region (``kode_wilayah``, ``tertahan_data``)."""
    return (
        decisions.filter(pl.col("keputusan") == HELD)
        .group_by(pl.col("kuota_wilayah").alias("kode_wilayah"))
        .agg(pl.len().cast(pl.Int64).alias("tertahan_data"))
    )


def write_bnba(
    out: Path, sheets: dict[str, pl.DataFrame], first: str = "BNBA"
) -> tuple[Path, list[Path]]:
    """The BNBA workbook (.xlsx: one sheet per frame, ``first`` first), or for .csv/.parquet
    the BNBA at ``out`` and each other list beside it as ``<stem>_<sheet>.<ext>``."""
    if out.suffix.lower() != ".xlsx":
        written = write_table(sheets[first], out, sheet=first)
        beside = [
            write_table(frame, out.with_name(f"{out.stem}_{name.lower()}{out.suffix}"))
            for name, frame in sheets.items()
            if name != first
        ]
        return written, beside
    import xlsxwriter

    out.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(out)) as workbook:
        for name, frame in sheets.items():
            frame.write_excel(
                workbook,
                worksheet=name,
                autofit=frame.height <= 10_000,
                dtype_formats={pl.Utf8: "@"},
            )
    return out, []
