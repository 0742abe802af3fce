"""A sample office's PPKS cases, for the demo: a few cases at different points of their course.

The front office (``petugas_slrt``) opens them and names the demo's caseworker
(``pekerja_sosial``), who takes them on: one opened from a help-request complaint, one
whose review is overdue, one in service, one closed with its goals met, and one just opened
for someone not yet in the registry. Every step goes through :mod:`terpadu.services.cases`,
audited like any office's work, back-dated on the office clock so that the review clock has
something to show. Done once: a demo run again opens nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Final

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from terpadu.access import Actor
from terpadu.services.cases import (
    CaseClock,
    PlannedItem,
    Subject,
    assess,
    close_case,
    give_service,
    open_case,
    plan,
)
from terpadu.store.models.cases import PpksCase
from terpadu.store.models.registry import Family, Membership, Person
from terpadu.store.models.services import Complaint

#: Registry persons the sample's cases are for (the complaint's and the newcomer's aside).
REGISTRY_CASES: Final = 3


def _cases_in(engine: Engine, region: str) -> int:
    with Session(engine) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(PpksCase)
                .where(PpksCase.kode_wilayah.startswith(region))
            )
            or 0
        )


def _persons(engine: Engine, region: str) -> list[tuple[int, str]]:
    """The first registry persons of ``region`` (id order) and their desa."""
    query = (
        select(Person.id, Family.kode_wilayah)
        .join(Membership, (Membership.person_id == Person.id) & Membership.left_at.is_(None))
        .join(Family, Family.id == Membership.family_id)
        .where(Family.kode_wilayah.startswith(region))
        .order_by(Person.id)
        .limit(REGISTRY_CASES)
    )
    with Session(engine) as session:
        return [(int(p), str(desa)) for p, desa in session.execute(query)]


def _help_complaint(engine: Engine, region: str) -> int | None:
    """The latest help-request complaint of ``region`` (else its latest complaint)."""
    with Session(engine) as session:
        return session.scalar(
            select(Complaint.id)
            .where(Complaint.kode_wilayah.startswith(region))
            .order_by((Complaint.category == "help").desc(), Complaint.tracking.desc())
            .limit(1)
        )


def open_sample_cases(
    engine: Engine, front_office: Actor, caseworker: Actor, *, region: str, clock: CaseClock
) -> int:
    """Open the sample's cases in ``region`` (once) and take them to their states; the
    number of cases ``region`` holds afterwards."""
    if _cases_in(engine, region):
        return _cases_in(engine, region)
    now = clock.when

    def days_ago(days: int) -> CaseClock:
        return replace(clock, now=now - dt.timedelta(days=days))

    def opened(subject: Subject, categories: list[str], days: int, **extra: int) -> int:
        return open_case(
            engine,
            front_office,
            subject,
            categories=categories,
            caseworker=caseworker.username,
            note="Dibuka dari layanan SLRT",
            clock=days_ago(days),
            **extra,
        )

    def planned(case: int, days: int, atensi: str) -> None:
        assess(engine, caseworker, case, needs="Kebutuhan dasar dan pendampingan",
               risk_level="medium", clock=days_ago(days))  # fmt: skip
        start = (now - dt.timedelta(days=days)).date()
        plan(engine, caseworker, case, goals="Hidup layak dan mandiri", clock=days_ago(days),
             services=[PlannedItem(atensi, start, start + dt.timedelta(days=90))])  # fmt: skip

    complaint = _help_complaint(engine, region)
    if complaint is not None:
        from_complaint = opened(Subject(), ["24"], 3, complaint_id=complaint)
        assess(engine, caseworker, from_complaint, needs="Bantuan permakanan",
               clock=days_ago(2))  # fmt: skip
    people = _persons(engine, region)
    kinds = (("08", 70, "hidup_layak"), ("09", 12, "terapi"), ("24", 120, "vokasional"))
    for (person, _desa), (category, days, atensi) in zip(people, kinds, strict=False):
        case = opened(Subject(person_id=person), [category], days)
        # Planned 70 days ago: the review fell due 20 working days later and is overdue.
        planned(case, days - 1, atensi)
        if category == "09":
            give_service(engine, caseworker, case, atensi=atensi,
                         given_on=(now - dt.timedelta(days=5)).date(),
                         provider="Puskesos desa", clock=days_ago(5))  # fmt: skip
        elif category == "24":
            close_case(engine, caseworker, case, reason="goals_met", clock=days_ago(10))
    if people:
        opened(
            Subject(name="Pak Udin", address="Pasar desa", kode_wilayah=people[0][1]),
            ["11"],
            0,
        )
    return _cases_in(engine, region)


__all__ = ["open_sample_cases"]
