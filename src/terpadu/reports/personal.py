"""Exports of personal data as an account may take them: scoped, masked, purposeful, audited.

UU 27/2022 (PDP) asks that personal data leave the registry only for a stated
purpose and that the controller can say who took what. So an export of persons
or families (NIK, KK, names, birth dates) holds only the rows within the
viewer's region, shows NIK and KK as the viewer's role may see them
(:func:`terpadu.access.show_nik`), gives masked roles the birth year only, needs a
purpose, and leaves an audit event: who, what, how many rows, the purpose.
"""

from __future__ import annotations

from typing import Final, Literal

import polars as pl
from sqlalchemy import Engine

from terpadu.access import Actor, allows, show_nik
from terpadu.audit import record_event
from terpadu.errors import TerpaduError
from terpadu.reports.export import export_families, export_persons

MIN_PURPOSE_CHARS: Final = 10
ExportKind = Literal["persons", "families"]
# Columns that identify a person or a family card, masked for roles that see masked NIKs.
_IDENTIFIERS: Final = ("NIK", "NO_KK")


class PurposeRequired(TerpaduError):
    """An export of personal data was asked for without a purpose."""

    code = "export_purpose"


def checked_purpose(purpose: str | None) -> str:
    """The purpose, stripped; refuses a missing or token one (a few letters say nothing)."""
    text = " ".join((purpose or "").split())
    if len(text) < MIN_PURPOSE_CHARS:
        raise PurposeRequired(min=MIN_PURPOSE_CHARS)
    return text[:500]


def as_seen_by(frame: pl.DataFrame, viewer: Actor) -> pl.DataFrame:
    """The rows ``viewer`` may take (its region) with identifiers as its role may see them."""
    if viewer.region is not None and "KODE_WILAYAH" in frame.columns:
        frame = frame.filter(pl.col("KODE_WILAYAH").str.starts_with(viewer.region))
    if allows(viewer.role, "see_full_nik"):
        return frame
    masked = [
        pl.col(c).map_elements(lambda v: show_nik(viewer, v), return_dtype=pl.Utf8)
        for c in _IDENTIFIERS
        if c in frame.columns
    ]
    if "TGL_LAHIR" in frame.columns:
        # The full birth date with the region code rebuilds a masked NIK's hidden digits.
        masked.append(pl.col("TGL_LAHIR").str.slice(0, 4))
    return frame.with_columns(masked) if masked else frame


def record_personal_export(
    engine: Engine,
    viewer: Actor,
    *,
    what: str,
    rows: int,
    purpose: str,
    destination: str | None,
) -> None:
    """Audit one export of personal data: who, what, how many rows, why, where to."""
    with engine.begin() as conn:
        record_event(
            conn,
            actor=viewer,
            action=f"export.{what}",
            entity="export",
            entity_id=what,
            region=viewer.region,
            before=None,
            after={
                "rows": rows,
                "purpose": purpose,
                "file": destination,
                "masked": not allows(viewer.role, "see_full_nik"),
                "scope": viewer.region or "nasional",
            },
        )


def personal_export(
    engine: Engine,
    viewer: Actor,
    kind: ExportKind,
    *,
    purpose: str | None,
    destination: str | None = None,
) -> pl.DataFrame:
    """The persons or families export as ``viewer`` may take it, audited with its purpose."""
    reason = checked_purpose(purpose)
    frame = export_persons(engine) if kind == "persons" else export_families(engine)
    frame = as_seen_by(frame, viewer)
    record_personal_export(
        engine, viewer, what=kind, rows=frame.height, purpose=reason, destination=destination
    )
    return frame


__all__ = [
    "MIN_PURPOSE_CHARS",
    "PurposeRequired",
    "as_seen_by",
    "checked_purpose",
    "personal_export",
    "record_personal_export",
]
