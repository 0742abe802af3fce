"""The family page: the registry record with the family's welfare ranking and programmes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import Engine

from terpadu.registry import FamilyRecord, Viewer, family_record
from terpadu.targeting.reads import FamilyProgram, family_programs
from terpadu.welfare.reads import FamilyWelfare, current_welfare


@dataclass
class FamilyDetail(FamilyRecord):
    """Everything the family page and ``GET /api/v1/families/{ref}`` show."""

    welfare: FamilyWelfare | None = None
    programs: list[FamilyProgram] | None = None


def family_detail(engine: Engine, viewer: Viewer, family_id: int) -> FamilyDetail | None:
    """The family as its page shows it; None when it lies outside the reader's scope."""
    record = family_record(engine, viewer, family_id)
    if record is None:
        return None
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return FamilyDetail(
        **fields,
        welfare=current_welfare(engine, family_id),
        programs=family_programs(engine, family_id),
    )
