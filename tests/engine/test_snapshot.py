import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
from batches import good_batch

from terpadu.engine import DuckDBEngine, SnapshotDamaged, read_snapshot, write_snapshot
from terpadu.intake import import_batch


def test_snapshot_round_trip_and_query(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=dt.date(2026, 11, 22))
    snapshot = write_snapshot(engine, tmp_path / "snap")
    assert snapshot.row_counts == {"families": 2, "persons": 4, "memberships": 4}
    again = read_snapshot(tmp_path / "snap")
    duck = DuckDBEngine()
    for name, path in again.tables.items():
        duck.register_parquet(name, path)
    result = duck.sql(
        "SELECT f.source_key, count(*) AS n FROM persons p JOIN families f ON f.id = p.family_id "
        "GROUP BY 1 ORDER BY 1"
    ).to_pylist()
    assert result == [{"source_key": "K1", "n": 3}, {"source_key": "K2", "n": 1}]
    births = duck.sql("SELECT tgl_lahir FROM persons WHERE id_anggota = 'A1'").to_pylist()
    assert births == [{"tgl_lahir": dt.date(1987, 7, 15)}]


def test_altered_snapshot_is_detected(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=dt.date(2026, 11, 22))
    snapshot = write_snapshot(engine, tmp_path / "snap")
    with snapshot.table("persons").open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(SnapshotDamaged, match="persons"):
        read_snapshot(tmp_path / "snap")
