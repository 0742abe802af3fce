"""The institution and workforce tables the pages and the API show, filtered and as frames.

Both faces read through here so a filter means the same on a page, in its download and in
the API. Reads are limited to the reader's region by the services; what a masked role sees
(NIK, region codes beyond the kab/kota) goes through its :class:`~terpadu.access.Disclosure`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl
from sqlalchemy import Engine

from terpadu.access import Disclosure
from terpadu.locale import text
from terpadu.registry import region_name
from terpadu.services.institutions import (
    InstitutionRow,
    Occupancy,
    Pipeline,
    ResidentRow,
    accreditation_pipeline,
    list_institutions,
)
from terpadu.services.workforce import Caseload, WorkerRow, list_workers
from terpadu.store.ids import person_code

#: The accreditation states a list is filtered by.
ACCREDITATION_STATES: Final = ("valid", "expiring", "expired", "never")
#: Months ahead an accreditation counts as expiring, unless the reader says otherwise.
EXPIRING_MONTHS: Final = 6


def months_ahead(today: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = today.month - 1 + months
    year, month = today.year + index // 12, index % 12 + 1
    return today.replace(
        year=year, month=month, day=min(today.day, calendar.monthrange(year, month)[1])
    )


def pipeline_within(engine: Engine, region: str | None, today: dt.date, months: int) -> Pipeline:
    """The accreditation pipeline with "expiring" meaning within ``months`` months."""
    days = (months_ahead(today, months) - today).days
    return accreditation_pipeline(engine, region=region, today=today, within_days=days)


def accreditation_state(row: InstitutionRow, today: dt.date, horizon: dt.date) -> str:
    """valid, expiring (before ``horizon``), expired or never."""
    if not row.accreditation or row.accreditation_expires is None:
        return "never"
    if row.accreditation_expires < today:
        return "expired"
    return "expiring" if row.accreditation_expires <= horizon else "valid"


@dataclass(frozen=True)
class InstitutionFilter:
    """The list's filters; empty means all."""

    kind: str = ""
    owner: str = ""
    region: str = ""
    accreditation: str = ""
    months: int = EXPIRING_MONTHS


def institutions(
    engine: Engine, reader_region: str | None, chosen: InstitutionFilter, today: dt.date
) -> list[InstitutionRow]:
    """The reader's institutions matching ``chosen``, by name."""
    rows = list_institutions(engine, region=reader_region, kind=chosen.kind or None)
    horizon = months_ahead(today, chosen.months)
    return [
        r
        for r in rows
        if (not chosen.owner or r.owner == chosen.owner)
        and (not chosen.region or r.kode_wilayah.startswith(chosen.region))
        and (
            not chosen.accreditation
            or accreditation_state(r, today, horizon) == chosen.accreditation
        )
    ]


def institution_counts(rows: list[InstitutionRow]) -> dict[str, int]:
    """Institutions per kind (the list's counts line)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts


def institutions_frame(rows: list[InstitutionRow], lang: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "no_registrasi": [r.registration_no for r in rows],
            "nama": [r.name for r in rows],
            "bentuk": [text(f"social.form.{r.form}", lang) for r in rows],
            "jenis": [text(f"social.kind.{r.kind}", lang) for r in rows],
            "pemilik": [text(f"social.owner.{r.owner}", lang) for r in rows],
            "akreditasi": [r.accreditation for r in rows],
            "berlaku_sampai": [r.accreditation_expires for r in rows],
            "daya_tampung": [r.capacity for r in rows],
            "penghuni": [r.residents for r in rows],
            "pegawai": [r.staff_count for r in rows],
            "kode_wilayah": [r.kode_wilayah for r in rows],
        },
        schema_overrides={"akreditasi": pl.Utf8, "berlaku_sampai": pl.Date},
    )


def residents_frame(rows: list[ResidentRow]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": [person_code(r.person_id) for r in rows],
            "nama": [r.name for r in rows],
            "nik": [r.nik for r in rows],
            "tgl_masuk": [r.admitted_on for r in rows],
            "alasan_masuk": [r.admission_reason for r in rows],
            "tgl_keluar": [r.discharged_on for r in rows],
            "alasan_keluar": [r.discharge_reason for r in rows],
        },
        schema_overrides={"nik": pl.Utf8, "tgl_keluar": pl.Date, "alasan_keluar": pl.Utf8},
    )


def occupancy_frame(rows: list[Occupancy], lang: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kode_wilayah": [r.kode_wilayah for r in rows],
            "nama_wilayah": [region_name(r.kode_wilayah) for r in rows],
            "jenis": [text(f"social.kind.{r.kind}", lang) for r in rows],
            "lembaga": [r.institutions for r in rows],
            "daya_tampung": [r.capacity for r in rows],
            "penghuni": [r.residents for r in rows],
            "keterisian_persen": [None if r.rate is None else round(100 * r.rate, 1) for r in rows],
        },
        schema_overrides={"keterisian_persen": pl.Float64},
    )


def occupancy_by_region(rows: list[Occupancy]) -> list[tuple[str, int, int]]:
    """(region, capacity, residents) over every kind: the chart's bars."""
    totals: dict[str, list[int]] = {}
    for row in rows:
        pair = totals.setdefault(row.kode_wilayah, [0, 0])
        pair[0] += row.capacity
        pair[1] += row.residents
    return [(code, cap, res) for code, (cap, res) in sorted(totals.items())]


def pipeline_frame(pipeline: Pipeline, lang: str) -> pl.DataFrame:
    stages = (
        ("expired", pipeline.expired),
        ("expiring", pipeline.expiring),
        ("never", pipeline.never),
    )
    rows = [(stage, r) for stage, group in stages for r in group]
    return pl.DataFrame(
        {
            "tahap": [text(f"socialpages.accreditation.{s}", lang) for s, _ in rows],
            "no_registrasi": [r.registration_no for _, r in rows],
            "nama": [r.name for _, r in rows],
            "jenis": [text(f"social.kind.{r.kind}", lang) for _, r in rows],
            "akreditasi": [r.accreditation for _, r in rows],
            "berlaku_sampai": [r.accreditation_expires for _, r in rows],
            "kode_wilayah": [r.kode_wilayah for _, r in rows],
        },
        schema_overrides={"akreditasi": pl.Utf8, "berlaku_sampai": pl.Date},
    )


# -- workforce ------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkerFilter:
    role: str = ""
    region: str = ""
    certified: str = ""  # "ya", "tidak" or all
    inactive: bool = False  # include the inactive


def workers(engine: Engine, reader_region: str | None, chosen: WorkerFilter) -> list[WorkerRow]:
    rows = list_workers(
        engine,
        region=reader_region,
        role=chosen.role or None,
        active_only=not chosen.inactive,
    )
    wanted = {"ya": True, "tidak": False}.get(chosen.certified)
    return [
        r
        for r in rows
        if (wanted is None or r.certified == wanted)
        and (
            not chosen.region
            or any(c.startswith(chosen.region) or chosen.region.startswith(c) for c in r.regions)
        )
    ]


def worker_counts(rows: list[WorkerRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.role] = counts.get(row.role, 0) + 1
    return counts


def shown_regions(row: WorkerRow, shown: Disclosure) -> list[str]:
    """The worker's assigned regions as the reader may see them (masked: kab/kota, once)."""
    return list(dict.fromkeys(shown.region(c) or "" for c in row.regions))


def workers_frame(rows: list[WorkerRow], lang: str, shown: Disclosure) -> pl.DataFrame:
    yes, no = text("social.flag_yes", lang), text("social.flag_no", lang)
    return pl.DataFrame(
        {
            "nik": [r.nik for r in rows],
            "nama": [r.name for r in rows],
            "peran": [text(f"social.role.{r.role}", lang) for r in rows],
            "sertifikasi": [yes if r.certified else no for r in rows],
            "tgl_sertifikasi": [r.certified_on for r in rows],
            "wilayah_tugas": ["; ".join(shown_regions(r, shown)) for r in rows],
            "karang_taruna": [r.organisation for r in rows],
            "jabatan": [r.position for r in rows],
            "aktif": [yes if r.active else no for r in rows],
            "pengaduan_terbuka": [r.open_complaints for r in rows],
        },
        schema_overrides={
            "nik": pl.Utf8,
            "tgl_sertifikasi": pl.Date,
            "karang_taruna": pl.Utf8,
            "jabatan": pl.Utf8,
        },
    )


def caseload_frame(rows: list[Caseload], lang: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kode_wilayah": [r.kode_wilayah for r in rows],
            "nama_wilayah": [region_name(r.kode_wilayah) for r in rows],
            "peran": [text(f"social.role.{r.role}", lang) for r in rows],
            "beban": [r.load for r in rows],
            "petugas": [r.staff for r in rows],
            "per_petugas": [None if r.per_staff is None else round(r.per_staff, 1) for r in rows],
            "norma": [r.norm for r in rows],
            "dibutuhkan": [r.needed for r in rows],
            "kekurangan": [r.shortfall for r in rows],
        },
        schema_overrides={"per_petugas": pl.Float64},
    )


__all__ = [
    "ACCREDITATION_STATES",
    "EXPIRING_MONTHS",
    "InstitutionFilter",
    "WorkerFilter",
    "accreditation_state",
    "caseload_frame",
    "institution_counts",
    "institutions",
    "institutions_frame",
    "months_ahead",
    "occupancy_by_region",
    "occupancy_frame",
    "pipeline_frame",
    "pipeline_within",
    "residents_frame",
    "shown_regions",
    "worker_counts",
    "workers",
    "workers_frame",
]
