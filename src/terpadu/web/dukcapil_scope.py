"""A Dukcapil check started from the web touches only persons in the uploader's region.

Before the check, every row of the extract is placed: by its own KODE_WILAYAH when it has
one, else by the region of the registry persons holding its NIK. A row outside the
uploader's region is refused (kept aside with the reason, never matched, never proposed);
the rest is checked as ``terpadu dukcapil`` checks it. After the check, its stored results
for persons outside the region are dropped, so a kab/kota's extract never marks another
region's persons "not found" (golden-record survivorship reads the latest result), and
draft proposals are raised for persons within the region only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, and_, delete, not_, or_, select, update

from terpadu.files import ROW, clean_table, read_table, write_table
from terpadu.linkage import store as S
from terpadu.store.models.registry import Family, Membership, Person

REFUSED_SCHEMA = {"BARIS": pl.Int64, "NIK": pl.Utf8, "ALASAN": pl.Utf8, "KODE": pl.Utf8}


@dataclass
class Split:
    """The extract's rows within the region (written to ``kept``) and those refused."""

    kept: Path
    refused: pl.DataFrame  # BARIS (the file's row), NIK, ALASAN (code|registry), KODE


def _registered_regions(engine: Engine, niks: list[str]) -> dict[str, set[str]]:
    """NIK → the region codes of the active families its active persons belong to."""
    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for start in range(0, len(niks), 1000):
            rows = conn.execute(
                select(Person.nik, Family.kode_wilayah)
                .join(Membership, and_(Membership.person_id == Person.id,
                                       Membership.left_at.is_(None)))
                .join(Family, Family.id == Membership.family_id)
                .where(Person.nik.in_(niks[start : start + 1000]), Person.status == "aktif")
            )  # fmt: skip
            for nik, code in rows:
                if code:
                    found.setdefault(str(nik), set()).add(str(code))
    return found


def split_extract(engine: Engine, path: Path, region: str, today: dt.date | None = None) -> Split:
    """Refuse the rows of the extract at ``path`` that lie outside ``region``."""
    from terpadu.linkage.dukcapil import DUKCAPIL_COLUMNS

    raw = read_table(path)
    clean = clean_table(raw, DUKCAPIL_COLUMNS, today or dt.date.today())
    values = clean.values
    niks = values["nik"] if "nik" in values.columns else pl.Series([None] * values.height)
    codes = (
        values["kode_wilayah"].str.replace_all(r"\D", "")
        if "kode_wilayah" in values.columns
        else pl.Series([None] * values.height, dtype=pl.Utf8)
    )
    registered = _registered_regions(engine, [str(n) for n in niks.drop_nulls().unique()])
    refused: list[tuple[int, str | None, str, str]] = []
    for row, nik, code in zip(values[ROW].to_list(), niks.to_list(), codes.to_list(), strict=True):
        if code and not code.startswith(region) and not region.startswith(code):
            refused.append((row, nik, "code", code))
            continue
        places = registered.get(str(nik), set()) if nik else set()
        if places and not any(p.startswith(region) for p in places):
            refused.append((row, nik, "registry", min(places)))
    frame = pl.DataFrame(refused, schema=REFUSED_SCHEMA, orient="row")
    kept = raw.frame.filter(~pl.col(ROW).is_in(frame["BARIS"].implode())).drop(ROW)
    target = write_table(kept, path.with_name(f"{path.stem}-wilayah.csv"))
    return Split(target, frame)


def keep_region_results(engine: Engine, check_id: int, region: str) -> dict[str, int]:
    """Drop the check's results for persons outside ``region``; the counts per finding of
    those left (stored on the check, as the check itself counts them)."""
    r = S.RESULT
    inside = r.c.kode_wilayah.startswith(region, autoescape=True)
    with engine.begin() as conn:
        conn.execute(delete(r).where(r.c.check_id == check_id, or_(
            r.c.kode_wilayah.is_(None), not_(inside))))  # fmt: skip
        counts: dict[str, int] = {}
        left = conn.execute(select(r.c.findings).where(r.c.check_id == check_id)).scalars()
        total = 0
        for value in left:
            total += 1
            for finding in str(value).split(";"):
                counts[finding] = counts.get(finding, 0) + 1
        conn.execute(
            update(S.CHECK)
            .where(S.CHECK.c.id == check_id)
            .values(persons_checked=total, counts=counts)
        )
    return counts


def in_region(results: pl.DataFrame, region: str) -> pl.DataFrame:
    """The check's result rows of persons within ``region``."""
    return results.filter(pl.col("kode_wilayah").str.starts_with(region))


__all__ = ["REFUSED_SCHEMA", "Split", "in_region", "keep_region_results", "split_extract"]
