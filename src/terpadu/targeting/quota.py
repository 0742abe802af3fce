"""Read a ``kuota`` file (docs/formats.md): PROGRAM, KODE_WILAYAH, KUOTA, PERIODE.

Forgiving about form (CSV/XLSX/Parquet, header spelling, Excel's ``120.0``,
thousands separators ``1.250``, dotted region codes), strict about content: a
row with a bad region code or quota, or a region given twice, refuses the file
with every problem listed by row. Rows for another programme or period are
skipped and counted; a blank PROGRAM or PERIODE applies to any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from terpadu.errors import TerpaduError
from terpadu.files import ROW, read_table
from terpadu.layouts import normalize_header
from terpadu.locale import Phrase
from terpadu.periods import InvalidPeriod, parse_period
from terpadu.regions import RegionCodeError, normalize_code, region_exists

HEADERS = {
    "program": "PROGRAM",
    "programbansos": "PROGRAM",
    "kodewilayah": "KODE_WILAYAH",
    "kodewil": "KODE_WILAYAH",
    "wilayah": "KODE_WILAYAH",
    "kuota": "KUOTA",
    "kuotakpm": "KUOTA",
    "periode": "PERIODE",
}
LEVEL_SIZES = (2, 4, 6, 10)
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_INTEGRAL = re.compile(r"^(\d+)(?:[.,]0+)?$")


class QuotaFileError(TerpaduError, ValueError):
    """The quota file cannot be used; the message lists every problem by row."""

    code = "quota_file"


@dataclass(frozen=True)
class Quotas:
    """The quota regions of one programme and period."""

    path: Path
    sha256: str
    frame: pl.DataFrame  # kode (str), kuota (int64), row (int64)
    skipped_rows: int
    warnings: tuple[Phrase, ...]  # said in the reader's language

    @property
    def total(self) -> int:
        return int(self.frame["kuota"].sum()) if self.frame.height else 0

    def arrow(self) -> pa.Table:
        return pa.table(
            {
                "kode": pa.array(self.frame["kode"].to_list(), type=pa.string()),
                "kuota": pa.array(self.frame["kuota"].to_list(), type=pa.int64()),
            }
        )


def _integer(text: str | None) -> int | None:
    if text is None:
        return None
    value = text.strip().replace(" ", "")
    if _THOUSANDS.match(value):
        value = re.sub(r"[.,]", "", value)
    match = _INTEGRAL.match(value)
    return int(match.group(1)) if match else None


def _same_period(given: str, wanted: str) -> bool:
    try:
        return parse_period(given)[0] == parse_period(wanted)[0]
    except InvalidPeriod:
        return given.strip() == wanted.strip()


def read_quotas(path: Path, program: str, period: str, aliases: tuple[str, ...] = ()) -> Quotas:
    """The rows of ``path`` for ``program`` (its id, name or an alias) and ``period``."""
    raw = read_table(path)
    rename: dict[str, str] = {}
    for header in raw.frame.columns:
        if header == ROW:
            continue
        target = HEADERS.get(normalize_header(header))
        if target and target not in rename.values():
            rename[header] = target
    frame = raw.frame.rename(rename)
    for needed in ("KODE_WILAYAH", "KUOTA"):
        if needed not in frame.columns:
            raise QuotaFileError(
                f"{path}: kolom {needed} tidak ada (kolom kuota: PROGRAM, KODE_WILAYAH, "
                "KUOTA, PERIODE)"
            )
    names = {program.lower(), *(a.lower() for a in aliases)}
    problems: list[str] = []
    warnings: list[Phrase] = []
    rows: list[tuple[str, int, int]] = []
    skipped = 0
    seen: dict[str, int] = {}
    for record in frame.iter_rows(named=True):
        row = int(record[ROW])
        values = [v for k, v in record.items() if k != ROW and v not in (None, "")]
        if not values:
            continue  # an empty line left by Excel
        name = (record.get("PROGRAM") or "").strip()
        if name and name.lower() not in names:
            skipped += 1
            continue
        given_period = (record.get("PERIODE") or "").strip()
        if given_period and not _same_period(given_period, period):
            skipped += 1
            continue
        code_text = record.get("KODE_WILAYAH")
        try:
            code = normalize_code(code_text or "")
            if len(code) not in LEVEL_SIZES:
                raise RegionCodeError("panjang kode")
        except RegionCodeError:
            problems.append(
                f"baris {row}: KODE_WILAYAH '{code_text}' bukan kode provinsi, kab/kota, "
                "kecamatan atau desa"
            )
            continue
        quota = _integer(record.get("KUOTA"))
        if quota is None:
            problems.append(f"baris {row}: KUOTA '{record.get('KUOTA')}' bukan bilangan bulat ≥ 0")
            continue
        if code in seen:
            problems.append(f"baris {row}: wilayah {code} sudah diberi kuota di baris {seen[code]}")
            continue
        if not region_exists(code):
            warnings.append(Phrase.of("console.target.quota_region_unknown", row=row, code=code))
        seen[code] = row
        rows.append((code, quota, row))
    if problems:
        raise QuotaFileError(f"{path}: berkas kuota ditolak:\n" + "\n".join(problems))
    if not rows:
        raise QuotaFileError(
            f"{path}: tidak ada baris kuota untuk program {program} periode {period}"
        )
    data = pl.DataFrame(
        rows, schema={"kode": pl.Utf8, "kuota": pl.Int64, "row": pl.Int64}, orient="row"
    )
    return Quotas(path, raw.sha256, data, skipped, tuple(warnings))


def quotas_from_mapping(mapping: dict[str, int], path: Path | None = None) -> Quotas:
    """Quotas given in code (tests, simulations): region code → households."""
    data = pl.DataFrame(
        [(normalize_code(k), int(v), i + 2) for i, (k, v) in enumerate(mapping.items())],
        schema={"kode": pl.Utf8, "kuota": pl.Int64, "row": pl.Int64},
        orient="row",
    )
    return Quotas(path or Path("<kuota>"), "", data, 0, ())
