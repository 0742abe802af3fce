"""Exports of personal data as an account may take them: scoped, masked, purposeful, audited.

UU 27/2022 (PDP) asks that personal data leave the registry only for a stated
purpose and that the controller can say who took what. So an export of persons
or families (NIK, KK, names, birth dates) holds only the rows within the
viewer's region, shows personal fields as the viewer's role may see them
(:func:`terpadu.access.disclosure`: masked roles get NIK and KK masked, the birth
year, the region to kab/kota, no mother's name or address), needs a purpose, and leaves an audit event: who, what, how many rows, the purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

import polars as pl
from sqlalchemy import Engine

from terpadu.access import Actor, allows, disclosure
from terpadu.audit import record_event
from terpadu.errors import TerpaduError
from terpadu.reports.export import export_families, export_persons

MIN_PURPOSE_CHARS: Final = 10
ExportKind = Literal["persons", "families"]


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
    # One masking policy for every reader (NIK, KK, birth year, region to kab/kota,
    # mother's name and address hidden): terpadu.access decides.
    return disclosure(viewer).frame(frame)


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
    progress: Callable[[str], None] | None = None,
) -> pl.DataFrame:
    """The persons or families export as ``viewer`` may take it, audited with its purpose.

    ``progress`` is told ``export_read`` and then ``export_audit`` as each starts."""
    reason = checked_purpose(purpose)
    tell = progress or (lambda _step: None)
    tell("export_read")
    frame = export_persons(engine) if kind == "persons" else export_families(engine)
    frame = as_seen_by(frame, viewer)
    tell("export_audit")
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
