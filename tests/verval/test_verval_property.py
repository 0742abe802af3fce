"""Random sequences of workflow actions by random actors (Hypothesis).

Invariants: the registry changes only when a proposal is approved; every
registry change an approval makes has its audit event; the chain verifies.
"""

import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).parent))
from verval_helpers import (
    AUDITOR,
    CONFIG,
    DESA,
    KAB,
    OPERATOR,
    OPERATOR_2,
    OUTSIDER_KAB,
    PROV,
    load_registry,
)

from terpadu.audit import verify_chain
from terpadu.store import make_engine, upgrade
from terpadu.verval import VervalError, create_proposal, decide

ACTORS = [OPERATOR, OPERATOR_2, KAB, PROV, OUTSIDER_KAB, AUDITOR]
REGISTRY_TABLES = ("family", "person", "membership", "value_change", "status_event")
FAMILIES = ["K1", "K2"]
MEMBERS = {"K1": ["A1", "A2", "A3"], "K2": ["A4"]}

create_step = st.tuples(
    st.just("create"),
    st.sampled_from(
        ["correct", "deactivate", "reactivate", "remove_member", "add_member", "new_family"]
    ),
    st.integers(0, 1),  # which family
    st.integers(0, 9),  # a value / member choice
    st.sampled_from(["right"] * 6 + ACTORS[:3]),
)
# "next" is the step the proposal's state calls for, "right" the actor who may take it:
# weighted so that many sequences reach approval, while wrong actors and steps still occur.
decide_step = st.tuples(
    st.sampled_from(["next"] * 10 + ["submit", "verify", "approve", "reject", "return"]),
    st.integers(0, 3),  # which proposal, counted back from the latest
    st.just(0),
    st.just(0),
    st.sampled_from(["right"] * 12 + ACTORS),
)
NEXT = {"draft": "submit", "returned": "submit", "submitted": "verify", "verified": "approve"}
# A full life: three proposals approved, one returned and fixed, one rejected.
LIFE: list[tuple[Any, ...]] = [
    ("create", "correct", 0, 3, "right"),
    *[("next", 0, 0, 0, "right")] * 3,
    ("create", "deactivate", 1, 1, "right"),
    ("next", 0, 0, 0, "right"),
    ("return", 0, 0, 0, "right"),
    *[("next", 0, 0, 0, "right")] * 3,
    ("create", "new_family", 0, 2, "right"),
    ("next", 0, 0, 0, "right"),
    ("reject", 0, 0, 0, "right"),
    ("create", "remove_member", 0, 4, "right"),
    *[("next", 0, 0, 0, "right")] * 3,
    ("approve", 1, 0, 0, "right"),
]
steps = st.lists(
    st.one_of(create_step, decide_step, decide_step, decide_step), min_size=8, max_size=25
)


def _state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in REGISTRY_TABLES
        }


def _create(engine: Engine, ids: dict[str, int], step: tuple[Any, ...]) -> int:
    _, kind, f, n, actor = step
    key = FAMILIES[f]
    if actor == "right":
        actor = OPERATOR if key == "K1" or kind == "new_family" else OPERATOR_2
    family = ids[key]
    if kind == "correct":
        return create_proposal(
            engine, actor, kind, family_id=family, values={"rt": f"{n:03d}", "luas_lantai": n + 10}
        )
    if kind == "deactivate":
        reasons = ["meninggal", "pindah", "tidak ditemukan", "ganda", "tidak layak"]
        return create_proposal(engine, actor, kind, family_id=family, reason=reasons[n % 5])
    if kind == "reactivate":
        return create_proposal(engine, actor, kind, family_id=family, note="kembali")
    if kind == "remove_member":
        member = MEMBERS[key][n % len(MEMBERS[key])]
        return create_proposal(
            engine, actor, kind, family_id=family, person_id=ids[member], reason="pindah"
        )
    if kind == "add_member":
        return create_proposal(
            engine, actor, kind, family_id=family, values={"nama": f"Anak {n}", "hub_keluarga": 3}
        )
    return create_proposal(
        engine,
        actor,
        kind,
        values={"kode_wilayah": DESA, "alamat": f"Kp. {n}"},
        members=[{"nama": f"Kepala {n}", "hub_keluarga": 1}],
    )


def _audited(engine: Engine) -> None:
    """Every record an approval created or changed has an audit event naming it."""
    with engine.connect() as conn:
        events = {
            (a, e, i)
            for a, e, i in conn.execute(text("SELECT action, entity, entity_id FROM audit_event"))
        }
        usulan = (
            "SELECT b.id FROM batch b JOIN source s ON s.id = b.source_id WHERE s.name = 'usulan'"
        )
        for entity, entity_id in conn.execute(
            text(f"SELECT entity, entity_id FROM value_change WHERE batch_id IN ({usulan})")
        ):
            assert (f"{entity}.update", entity, str(entity_id)) in events
        for entity, entity_id, status in conn.execute(
            text(f"SELECT entity, entity_id, status FROM status_event WHERE batch_id IN ({usulan})")
        ):
            action = "deactivate" if status == "nonaktif" else "reactivate"
            assert (f"{entity}.{action}", entity, str(entity_id)) in events
        for table in ("family", "person"):
            for (entity_id,) in conn.execute(
                text(f"SELECT id FROM {table} WHERE batch_id IN ({usulan})")
            ):
                assert (f"{table}.create", table, str(entity_id)) in events
        for mid, left in conn.execute(
            text(
                f"SELECT id, left_batch_id FROM membership WHERE joined_batch_id IN ({usulan}) "
                f"OR left_batch_id IN ({usulan})"
            )
        ):
            assert any(a.startswith("membership.") and i == str(mid) for a, _, i in events)
            if left is not None:
                assert ("membership.leave", "membership", str(mid)) in events
        approved = conn.execute(text("SELECT count(*) FROM proposal WHERE state = 'approved'"))
        batches = conn.execute(text(f"SELECT count(*) FROM ({usulan}) x"))
        assert approved.scalar() == batches.scalar()


def _run(engine: Engine, folder: Path, actions: list[tuple[Any, ...]]) -> None:
    ids = load_registry(engine, folder)
    proposals: list[int] = []
    for step in actions:
        before = _state(engine)
        approved = False
        try:
            if step[0] == "create":
                proposals.append(_create(engine, ids, step))
            elif proposals:
                pid = proposals[-1 - step[1] % len(proposals)]
                with engine.connect() as conn:
                    state, region = conn.execute(
                        text("SELECT state, kode_wilayah FROM proposal WHERE id = :i"), {"i": pid}
                    ).one()
                action = NEXT.get(state, "approve") if step[0] == "next" else step[0]
                actor = step[4]
                if actor == "right":
                    actor = {"submit": OPERATOR if region == DESA else OPERATOR_2}.get(
                        action, PROV if action == "approve" else KAB
                    )
                decide(engine, actor, pid, action, note="catatan", config=CONFIG)
                approved = action == "approve"
        except VervalError:
            approved = False
        after = _state(engine)
        if not approved:
            assert after == before, f"registry changed without an approval: {step}"
        else:
            assert after != before
    _audited(engine)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM proposal WHERE state = 'approved'")).scalar()
    event(f"approved proposals: {min(n or 0, 3)}{'+' if (n or 0) >= 3 else ''}")
    report = verify_chain(engine)
    assert report.ok, report.problems


@contextmanager
def _sqlite() -> Iterator[tuple[Engine, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/t.db")
        upgrade(engine)
        try:
            yield engine, Path(folder)
        finally:
            engine.dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=steps)
@example(actions=LIFE)
def test_random_workflows_on_sqlite(actions: list[tuple[Any, ...]]) -> None:
    with _sqlite() as (engine, folder):
        _run(engine, folder, actions)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(actions=steps)
@example(actions=LIFE)
def test_random_workflows_on_postgresql(postgres_url: str, actions: list[tuple[Any, ...]]) -> None:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{postgres_url}?options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        with tempfile.TemporaryDirectory() as folder:
            _run(engine, Path(folder), actions)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
