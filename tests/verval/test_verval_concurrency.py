"""Two verifiers, two real PostgreSQL connections, one family: the second gets a conflict."""

import datetime as dt
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))
from verval_helpers import CONFIG, KAB, OPERATOR, PROV, load_registry

from terpadu.audit import verify_chain
from terpadu.store import make_engine, upgrade
from terpadu.store.models import Family, ValueChange
from terpadu.store.models.verval import Proposal
from terpadu.verval import create_proposal, get_proposal
from terpadu.verval.apply import apply_proposal
from terpadu.verval.decisions import submit, verify
from terpadu.verval.errors import ConflictError


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{postgres_url}?options=-csearch_path%3D{schema}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_two_verifiers_change_the_same_family(pg_engine: Engine, tmp_path: Path) -> None:
    engine = pg_engine
    ids = load_registry(engine, tmp_path)
    proposals = [
        create_proposal(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "005"}),
        create_proposal(
            engine, OPERATOR, "correct", family_id=ids["K1"], values={"alamat": "Kp. X"}
        ),
    ]
    for pid in proposals:
        submit(engine, OPERATOR, pid, config=CONFIG)
        verify(engine, KAB, pid, config=CONFIG)
    now = dt.datetime.now(dt.UTC)
    first, second = Session(engine), Session(engine)
    try:
        # Both connections read the family (version 1) before either writes.
        for session in (first, second):
            family = session.get(Family, ids["K1"])
            assert family is not None and family.version == 1
        p1 = first.get(Proposal, proposals[0])
        p2 = second.get(Proposal, proposals[1])
        assert p1 is not None and p2 is not None
        apply_proposal(first, p1, PROV, now)
        first.commit()
        with pytest.raises(ConflictError) as caught:
            apply_proposal(second, p2, PROV, now)
        assert str(caught.value) == (
            "Data keluarga ini sudah diubah oleh pengguna lain; muat ulang lalu ulangi."
        )
        second.rollback()
    finally:
        first.close()
        second.close()
    with Session(engine) as session:
        family = session.get(Family, ids["K1"])
        assert family is not None
        assert (family.rt, family.alamat, family.version) == ("005", "Kp. Baru", 2)
        assert session.query(ValueChange).count() == 1
    # Nothing is lost: the second proposal still waits and can be approved after reloading.
    assert get_proposal(engine, PROV, proposals[1], config=CONFIG).summary.state == "verified"
    from terpadu.verval.decisions import approve

    approve(engine, PROV, proposals[1], config=CONFIG)
    with Session(engine) as session:
        family = session.get(Family, ids["K1"])
        assert family is not None and (family.rt, family.alamat) == ("005", "Kp. X")
    assert verify_chain(engine).ok
