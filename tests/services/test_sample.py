"""A generated kab/kota's lists go through the importers whole, its homes take in registry
persons who fit them, and one complaint becomes its proposal: each once."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import KAB

from terpadu.intake import import_batch
from terpadu.services import Clock, overdue
from terpadu.services.calendar import WIB
from terpadu.services.complaint_log import import_complaints
from terpadu.services.institutions import import_institutions, list_institutions
from terpadu.services.sample import (
    MAX_RESIDENTS,
    admit_sample_residents,
    propose_sample_correction,
)
from terpadu.services.workforce import import_workers
from terpadu.store.models import Family, Person
from terpadu.store.models.services import Complaint
from terpadu.store.models.social import Institution, Resident
from terpadu.store.models.verval import Proposal
from terpadu.synth import SynthConfig, generate

AS_OF = dt.date(2026, 12, 7)
CLOCK = Clock(now=dt.datetime(2026, 12, 7, 10, tzinfo=WIB))


def _kab(engine: Engine, folder: Path) -> None:
    config = SynthConfig(households=150, seed=7, services=True, services_date=AS_OF)
    generate(config, folder)
    import_batch(engine, folder / "keluarga.csv", folder / "anggota.csv")
    for report in (
        import_institutions(engine, KAB, folder / "lembaga.csv", today=AS_OF),
        import_workers(engine, KAB, folder / "sdm.csv", today=AS_OF),
        import_complaints(engine, KAB, folder / "pengaduan.csv", clock=CLOCK),
    ):
        assert report.rows_read > 0
        assert report.rows_rejected == 0, report.problem_list().rows()


def test_the_generated_lists_land_whole_and_the_homes_take_in_who_fits(
    engine: Engine, tmp_path: Path
) -> None:
    _kab(engine, tmp_path)
    assert overdue(engine, now=CLOCK.now or dt.datetime.now(dt.UTC), region="3604")
    admitted = admit_sample_residents(engine, KAB, region="3604", today=AS_OF)
    assert 0 < admitted <= MAX_RESIDENTS
    with Session(engine) as s:
        stays = s.execute(
            select(Institution.kind, Person.tgl_lahir, Person.disabilitas)
            .join(Resident, Resident.institution_id == Institution.id)
            .join(Person, Person.id == Resident.person_id)
        ).all()
    assert len(stays) == admitted
    for kind, born, disability in stays:
        if kind == "children":
            assert born is not None and born > dt.date(2008, 12, 7)
        elif kind == "elderly":
            assert born is not None and born <= dt.date(1966, 12, 7)
        else:
            assert kind == "disability" and disability
    for home in list_institutions(engine, region="3604"):
        assert home.residents <= home.capacity
    assert admit_sample_residents(engine, KAB, region="3604", today=AS_OF) == 0


def test_one_complaint_becomes_a_draft_correction_once(engine: Engine, tmp_path: Path) -> None:
    _kab(engine, tmp_path)
    proposal_id = propose_sample_correction(engine, "puskesos", region="3604", clock=CLOCK)
    assert proposal_id is not None
    with Session(engine) as s:
        complaint = s.scalars(select(Complaint).where(Complaint.proposal_id == proposal_id)).one()
        proposal = s.get(Proposal, proposal_id)
        family = s.get(Family, complaint.family_id)
        assert proposal is not None and family is not None
        assert (complaint.category, complaint.state) == ("wrong_data", "decided")
        assert (proposal.kind, proposal.state, proposal.created_by) == (
            "correct",
            "draft",
            "puskesos",
        )
        assert not (family.alamat or "").endswith("(sesuai KTP)")  # not before approval
    assert propose_sample_correction(engine, "puskesos", region="3604", clock=CLOCK) is None
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Proposal)) == 1
