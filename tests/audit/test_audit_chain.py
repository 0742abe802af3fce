import datetime as dt
import threading
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from terpadu.audit import (
    EXPORT_COLUMNS,
    common_region,
    export_events,
    record_event,
    verify_chain,
)
from terpadu.audit.log import row_hash
from terpadu.store import make_engine, upgrade


def _log(engine: Engine, n: int = 5) -> None:
    for i in range(1, n + 1):
        with engine.begin() as conn:
            record_event(
                conn,
                actor="op_kramatwatu",
                action="usulan.create",
                entity="proposal",
                entity_id=i,
                region="36.04.05.2001" if i % 2 else "3201012001",
                before=None if i == 1 else {"state": "draft", "n": i - 1},
                after={"state": "draft", "n": i, "tanggal": dt.date(2026, 11, i)},
            )


def _tamper(engine: Engine, sql: str, **params: object) -> None:
    """What someone with database rights could do: drop the guard, then write."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        conn.execute(text(sql), params)


def test_an_untouched_chain_verifies(engine: Engine) -> None:
    _log(engine)
    report = verify_chain(engine)
    assert report.ok and report.checked == 5 and report.head_id == 5


def test_a_rolled_back_transaction_leaves_no_event(engine: Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        record_event(
            conn, actor="x", action="a", entity="e", entity_id=1, region=None, before=None, after={}
        )
        raise RuntimeError
    _log(engine, 2)
    assert verify_chain(engine).ok
    with engine.connect() as conn:
        assert conn.execute(text("SELECT min(id), max(id) FROM audit_event")).one() == (1, 2)


def test_the_database_refuses_update_and_delete(engine: Engine) -> None:
    _log(engine, 2)
    for sql in ("UPDATE audit_event SET actor = 'x' WHERE id = 1", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert verify_chain(engine).ok


def test_an_altered_event_is_named(engine: Engine) -> None:
    _log(engine)
    _tamper(engine, "UPDATE audit_event SET after = :v WHERE id = 3", v='{"state":"approved"}')
    report = verify_chain(engine)
    assert not report.ok
    assert report.event_ids("altered") == [3]
    assert "#3" in report.problems[0].message


def test_an_altered_event_with_recomputed_hash_is_named(engine: Engine) -> None:
    _log(engine)
    with engine.connect() as conn:
        row = dict(conn.execute(text("SELECT * FROM audit_event WHERE id = 2")).mappings().one())
    row["actor"] = "penyusup"
    _tamper(
        engine,
        "UPDATE audit_event SET actor = :a, hash = :h WHERE id = 2",
        a="penyusup",
        h=row_hash(row),
    )
    report = verify_chain(engine)
    assert 2 in report.event_ids("altered")
    assert report.event_ids("broken_link") == [3]


def test_a_deleted_event_is_named(engine: Engine) -> None:
    _log(engine)
    _tamper(engine, "DELETE FROM audit_event WHERE id = 4")
    assert verify_chain(engine).event_ids("deleted") == [4]


def test_deleting_the_last_event_is_found(engine: Engine) -> None:
    _log(engine)
    _tamper(engine, "DELETE FROM audit_event WHERE id = 5")
    assert verify_chain(engine).event_ids("deleted") == [5]


def test_an_inserted_event_is_named(engine: Engine) -> None:
    _log(engine)
    with engine.connect() as conn:
        last = dict(conn.execute(text("SELECT * FROM audit_event WHERE id = 5")).mappings().one())
    forged = last | {"id": 6, "actor": "penyusup", "prev_hash": last["hash"]}
    forged["hash"] = row_hash(forged)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_event (id, at, actor, role, action, entity, entity_id, region, "
                "before, after, prev_hash, hash) VALUES (:id, :at, :actor, :role, :action, "
                ":entity, :entity_id, :region, :before, :after, :prev_hash, :hash)"
            ),
            forged,
        )
    report = verify_chain(engine)
    assert report.event_ids("inserted") == [6]


def test_export_by_region_and_dates(engine: Engine, tmp_path: Path) -> None:
    _log(engine)
    everything = export_events(engine)
    assert everything.columns == EXPORT_COLUMNS and everything.height == 5
    banten = export_events(engine, region="36.04")
    assert banten["EVENT_ID"].to_list() == [1, 3, 5]
    today = dt.datetime.now(dt.UTC).date()
    assert export_events(engine, start=today, end=today).height == 5
    assert export_events(engine, end=today - dt.timedelta(days=1)).height == 0
    out = tmp_path / "audit.csv"
    banten.write_csv(out)
    assert pl.read_csv(out)["AKSI"].to_list() == ["usulan.create"] * 3


def test_concurrent_appenders_keep_one_chain(postgres_url: str) -> None:
    """Eight writers at once on PostgreSQL: every event lands, the chain verifies."""
    import uuid

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{postgres_url}?options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        errors: list[BaseException] = []

        def writer(n: int) -> None:
            try:
                for i in range(10):
                    with engine.begin() as conn:
                        record_event(
                            conn,
                            actor=f"w{n}",
                            action="test.append",
                            entity="t",
                            entity_id=i,
                            region="36",
                            before=None,
                            after={"n": n, "i": i},
                        )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        report = verify_chain(engine)
        assert report.ok and report.checked == 80 and report.head_id == 80
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_import_hook_pattern_and_common_region(engine: Engine, tmp_path: Path) -> None:
    """What the importer does: one event for the batch, in the batch's transaction."""
    assert common_region(["3604052001", "36.04.05.2002"]) == "360405"
    assert common_region(["3604052001", "3201012001"]) is None
    assert common_region(["3604052001", None]) == "3604052001"
    with engine.begin() as conn:
        event_id = record_event(
            conn,
            actor="system",
            action="import.batch",
            entity="batch",
            entity_id=7,
            region=common_region(["3604052001", "3604052002"]),
            before=None,
            after={"source": "desa", "families_new": 2},
        )
    exported = export_events(engine, region="3604")
    assert exported["EVENT_ID"].to_list() == [event_id]
    assert exported["KODE_WILAYAH"].to_list() == ["360405"]
