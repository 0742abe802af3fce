"""Shared set-up for the verval tests: a small registry and the actors who work on it."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
from batches import good_batch

from terpadu.access import Actor
from terpadu.intake import import_batch
from terpadu.store.models import Family, Person
from terpadu.verval.config import WorkflowConfig

# Kramatwatu, Kabupaten Serang (Banten): the desa of tests/intake/batches.py.
DESA = "3604052001"
OTHER_DESA = "3604052002"
OPERATOR = Actor("op_kramatwatu", "operator_desa", DESA)
OPERATOR_2 = Actor("op_lama", "operator_desa", OTHER_DESA)
KAB = Actor("verif_serang", "verifikator_kab", "3604")
KAB_2 = Actor("verif_serang_2", "verifikator_kab", "3604")
PROV = Actor("admin_banten", "admin_provinsi", "36")
OUTSIDER_KAB = Actor("verif_bogor", "verifikator_kab", "3201")
AUDITOR = Actor("bpk", "auditor", None)
CONFIG = WorkflowConfig()


def load_registry(engine: Engine, folder: Path) -> dict[str, int]:
    """Import the good batch; the ids of families K1, K2 and persons A1–A4."""
    import_batch(engine, *good_batch(folder), today=dt.date(2026, 11, 22))
    with Session(engine) as session:
        ids = {f.source_key: f.id for f in session.scalars(select(Family))}
        ids |= {p.source_key: p.id for p in session.scalars(select(Person))}
    return ids
