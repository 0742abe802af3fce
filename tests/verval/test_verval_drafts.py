"""System-raised drafts in bulk: the same proposals, steps and audit events as one by one."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))
from verval_helpers import load_registry

from terpadu.access import Actor
from terpadu.audit import verify_chain
from terpadu.store import make_engine, upgrade
from terpadu.verval import Draft, create_drafts, create_proposal

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
SYSTEM = "terpadu-linkage"


def _drafts(ids: dict[str, int]) -> list[Draft]:
    return [
        Draft("remove_member", ids["K1"], ids["A1"], "ganda", "aktif di dua keluarga"),
        Draft("deactivate", ids["K2"], None, "ganda", "terdaftar ganda dengan keluarga K1"),
        Draft("remove_member", ids["K2"], ids["A1"], "ganda", "bukan anggota K2: ditolak"),
        Draft("deactivate", ids["K1"], None, "tidak dikenal", "alasan salah: ditolak"),
        Draft("remove_member", ids["K1"], ids["A3"], "Meninggal", None),
    ]


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql))]


def _written(engine: Engine) -> tuple[list[dict[str, Any]], ...]:
    proposals = _rows(engine, "SELECT * FROM proposal ORDER BY id")
    steps = _rows(engine, "SELECT * FROM proposal_step ORDER BY id")
    events = [
        {k: v for k, v in e.items() if k not in ("hash", "prev_hash")}
        for e in _rows(engine, "SELECT * FROM audit_event WHERE entity = 'proposal' ORDER BY id")
    ]
    return proposals, steps, events


def test_bulk_drafts_write_what_one_by_one_writes(engine: Engine, tmp_path: Path) -> None:
    reference = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(reference)
    (tmp_path / "ref").mkdir()
    (tmp_path / "bulk").mkdir()
    ref_ids = load_registry(reference, tmp_path / "ref")
    ids = load_registry(engine, tmp_path / "bulk")
    assert ids == ref_ids
    expected: list[int | None] = []
    with reference.begin() as conn:
        for d in _drafts(ref_ids):
            savepoint = conn.begin_nested()
            try:
                region = conn.execute(
                    text("SELECT kode_wilayah FROM family WHERE id = :f"), {"f": d.family_id}
                ).scalar_one()
                pid = create_proposal(
                    conn,
                    Actor(SYSTEM, "operator_desa", region),
                    d.kind,
                    family_id=d.family_id,
                    person_id=d.person_id,
                    reason=d.reason,
                    note=d.note,
                    now=NOW,
                )
            except Exception:
                savepoint.rollback()
                expected.append(None)
                continue
            savepoint.commit()
            expected.append(pid)
    with engine.begin() as conn:
        got = create_drafts(conn, SYSTEM, _drafts(ids), now=NOW)
    assert got == expected and sum(p is not None for p in got) == 3
    ref, bulk = _written(reference), _written(engine)
    for ref_rows, bulk_rows in zip(ref, bulk, strict=True):
        assert len(ref_rows) == len(bulk_rows) == 3
        for a, b in zip(ref_rows, bulk_rows, strict=True):
            assert {k: _plain(v) for k, v in a.items()} == {k: _plain(v) for k, v in b.items()}
    for db in (reference, engine):
        with db.connect() as conn:
            assert verify_chain(conn).ok
    reference.dispose()


def test_bulk_drafts_of_nothing_write_nothing(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path)
    with engine.begin() as conn:
        assert create_drafts(conn, SYSTEM, [], now=NOW) == []
    assert _rows(engine, "SELECT id FROM proposal") == []


def _plain(value: Any) -> Any:
    """Values as both databases give them back (SQLite: naive UTC text and JSON text)."""
    if isinstance(value, dt.datetime):
        return (
            value.replace(tzinfo=None)
            if value.tzinfo is None
            else value.astimezone(dt.UTC).replace(tzinfo=None)
        )
    if isinstance(value, str) and value[:4] == "2026" and "T" not in value and ":" in value:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value[:1] in "{[":
        import json

        return json.dumps(json.loads(value), sort_keys=True)
    return value
