"""NIK corrections proposed for designated recipients who have none.

When the designated recipient (the mother, or the head) has no usable NIK, another adult
member with one receives in their place; the designated one still needs their NIK
recorded, so a draft correction (verval usulan, kind ``correct``) is raised for them. The
desa fills in the NIK from the person's KTP-el or family card and submits it; the draft
cannot be submitted before (``pending``). One open proposal per person: a rerun raises none
twice.
"""

from __future__ import annotations

import logging

import polars as pl
from sqlalchemy import Engine, select

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.store.models.verval import Proposal
from terpadu.targeting.catalogue import Program
from terpadu.verval import create_proposal
from terpadu.verval.errors import VervalError

log = logging.getLogger(__name__)
OPEN_STATES = ("draft", "submitted", "verified", "returned")


def propose_nik_corrections(
    engine: Engine, program: Program, enrolled: pl.DataFrame, actor: str
) -> tuple[int, ...]:
    """Draft a NIK correction for each stand-in family's designated recipient; their ids."""
    rows = enrolled.filter(pl.col("penerima_pengganti") == 1)
    with engine.connect() as conn:
        open_ = {
            int(p)
            for (p,) in conn.execute(
                select(Proposal.person_id).where(
                    Proposal.kind == "correct", Proposal.state.in_(OPEN_STATES)
                )
            )
            if p is not None
        }
    made: list[int] = []
    for row in rows.iter_rows(named=True):
        person = row["ditunjuk_id"]
        if person is None or int(person) in open_:
            continue
        try:
            made.append(
                create_proposal(
                    engine,
                    Actor(f"terpadu-{actor}", OPERATOR_DESA, str(row["kode_wilayah"])),
                    "correct",
                    family_id=int(row["family_id"]),
                    person_id=int(person),
                    pending=("nik",),
                    note=(
                        f"Penerima {program.id.upper()} yang ditunjuk belum punya NIK yang sah; "
                        f"sementara diterima {row['nama_penerima']}. Isi NIK dari KTP-el/KK."
                    ),
                )
            )
        except VervalError as exc:  # e.g. the family changed since the snapshot
            log.info("no NIK correction for person %s: %s", person, exc)
    return tuple(made)
