"""A sample office's services at work, for the demo: residents and a complaint's proposal.

Once the demo imported its lists (:mod:`terpadu.synth.services`), the homes take in
registry persons who fit them (children, the elderly, persons with disabilities) up to part
of their places, and one wrong-data complaint whose family was found becomes its correction
proposal, a draft that changes the registry only once approved. Both go through the domain
steps (:func:`~terpadu.services.institutions.admit`, :func:`~terpadu.services.propose`),
audited like any office's work; both are done once: a demo run again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.services.complaints import CHECKED, Clock, propose
from terpadu.services.institutions import admit, list_institutions
from terpadu.store.models.registry import Family, Membership, Person
from terpadu.store.models.services import Complaint
from terpadu.store.models.social import Resident

#: Share of a home's places the sample fills from the registry (homes are rarely full).
FILLED_SHARE: Final = 0.5
#: The most residents the sample's homes hold in all (the demo stays quick).
MAX_RESIDENTS: Final = 40
ADMISSION_REASON: Final = "Rujukan SLRT setelah asesmen"
CHILD_YEARS, ELDERLY_YEARS = 18, 60


def _years_ago(today: dt.date, years: int) -> dt.date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _candidates(engine: Engine, region: str, today: dt.date) -> dict[str, list[int]]:
    """Registry persons of ``region`` not staying anywhere, by the kind of home that fits
    them, in id order."""
    staying = select(Resident.person_id).where(Resident.discharged_on.is_(None))
    query = (
        select(Person.id, Person.tgl_lahir, Person.disabilitas)
        .join(Membership, (Membership.person_id == Person.id) & Membership.left_at.is_(None))
        .join(Family, Family.id == Membership.family_id)
        .where(Family.kode_wilayah.startswith(region), Person.id.not_in(staying))
        .order_by(Person.id)
    )
    fits: dict[str, list[int]] = {"children": [], "elderly": [], "disability": []}
    child, elderly = _years_ago(today, CHILD_YEARS), _years_ago(today, ELDERLY_YEARS)
    with Session(engine) as session:
        for person, born, disability in session.execute(query):
            if disability:
                fits["disability"].append(person)
            elif born is not None and born > child:
                fits["children"].append(person)
            elif born is not None and born <= elderly:
                fits["elderly"].append(person)
    return fits


def admit_sample_residents(engine: Engine, actor: Actor, *, region: str, today: dt.date) -> int:
    """Admit registry persons to the homes of ``region`` that have places, until the homes
    hold :data:`MAX_RESIDENTS`; how many were admitted."""
    rows = list_institutions(engine, region=region)
    homes = [h for h in rows if h.capacity and h.kind in ("children", "elderly", "disability")]
    room = MAX_RESIDENTS - sum(h.residents for h in rows)
    fits = _candidates(engine, region, today)
    admitted = 0
    for home in homes:
        wanted = math.ceil(home.capacity * FILLED_SHARE) - home.residents
        pool = fits[home.kind]
        while wanted > 0 and pool and admitted < room:
            admit(
                engine,
                actor,
                home.id,
                person_id=pool.pop(0),
                admitted_on=today - dt.timedelta(days=7 + (37 * admitted) % 700),
                reason=ADMISSION_REASON,
                today=today,
            )
            wanted -= 1
            admitted += 1
    return admitted


def propose_sample_correction(
    engine: Engine, operator: str, *, region: str, clock: Clock | None = None
) -> int | None:
    """Turn the latest checked wrong-data complaint of ``region`` whose family was found into
    its address correction, as the desa's operator ``operator``; the proposal's id (None:
    no such complaint, or a complaint of ``region`` became a proposal before)."""
    with Session(engine) as session:
        done = session.scalar(
            select(Complaint.id).where(
                Complaint.proposal_id.is_not(None), Complaint.kode_wilayah.startswith(region)
            )
        )
        if done is not None:
            return None
        found = session.execute(
            select(Complaint.id, Complaint.kode_wilayah, Family.alamat)
            .join(Family, Family.id == Complaint.family_id)
            .where(
                Complaint.category == "wrong_data",
                Complaint.state == CHECKED,
                Complaint.proposal_id.is_(None),
                Complaint.kode_wilayah.startswith(region),
            )
            .order_by(Complaint.tracking.desc())
        ).first()
    if found is None:
        return None
    complaint, desa, address = found
    desa_operator = Actor(operator, OPERATOR_DESA, desa)
    corrected = f"{(address or '').strip()} (sesuai KTP)".strip()
    return propose(
        engine,
        desa_operator,
        complaint,
        values={"alamat": corrected},
        note="Alamat keluarga dibetulkan setelah pemeriksaan pengaduan",
        clock=clock,
    )


__all__ = ["MAX_RESIDENTS", "admit_sample_residents", "propose_sample_correction"]
