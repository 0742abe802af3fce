"""Families registered twice and persons active in two families."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
sys.path.insert(0, str(Path(__file__).parent))
from batches import ANGGOTA_HEADER, KELUARGA_HEADER, write_csv
from linkage_helpers import TODAY

from terpadu.intake import import_batch
from terpadu.linkage import link_registry

KELUARGA = [
    "K1,3604051507870001,3604052001,Kp. Baru,001,002,1,36.5,8",
    "K2,3604051507870001,3604052001,Kp. Baru,001,002,1,36.5,8",  # same KK again
    "K3,3604052001100002,3604052002,Kp. Lama,003,001,2,20,6",
    "K4,3604052001100009,3604052002,Kp. Lama,004,001,2,20,6",
]
ANGGOTA = [
    "A1,K1,3604051507870001,Ahmad bin Salim,1,1987-07-15,1",
    "A2,K1,3604054107870002,Siti Aminah,2,1987-07-01,2",
    "B1,K2,3604051507870001,Achmad bin Salim,1,1987-07-15,1",
    "B2,K2,3604054107870002,Siti Aminah,2,1987-07-01,2",
    "C1,K3,3604050203900003,Joko Susilo,1,1990-03-02,1",
    "D1,K4,3604050203900003,Djoko Susilo,1,1990-03-02,8",  # Joko again, in another family
    "D2,K4,3604054505950004,Rina Wati,2,1995-05-05,1",
]


def test_duplicate_families_and_two_family_persons_are_reported(
    engine: Engine, tmp_path: Path, data_dir: Path
) -> None:
    k = write_csv(tmp_path / "keluarga.csv", KELUARGA_HEADER, KELUARGA)
    a = write_csv(tmp_path / "anggota.csv", ANGGOTA_HEADER, ANGGOTA)
    import_batch(engine, k, a, today=TODAY)
    run = link_registry(engine, data_dir=data_dir)
    dups = pl.read_csv(run.reports["keluarga_ganda.csv"], infer_schema=False)
    assert dups.select("id_keluarga_a", "id_keluarga_b").rows() == [("K1", "K2")]
    assert dups["same_kk"].to_list() == ["true"]
    doubles = pl.read_csv(run.reports["orang_dua_keluarga.csv"], infer_schema=False)
    joko = doubles.filter(pl.col("id_keluarga") == "K4")
    assert joko.height == 1 and joko["dup_family"].to_list() == ["false"]
    with engine.connect() as conn:
        proposals = dict(
            conn.execute(text("SELECT kind, COUNT(*) FROM proposal GROUP BY kind")).all()
        )
    assert proposals == {"deactivate": 1, "remove_member": 1}
    # a second run raises no second proposal for the same finding
    link_registry(engine, data_dir=data_dir)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM proposal")).scalar() == 2


def test_a_run_stopped_while_raising_proposals_leaves_nothing(
    engine: Engine, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merges, proposals and the run's event are one transaction: a failure part-way through
    the proposals (here after they and their steps are written, before their audit events)
    leaves no trace of the run."""
    import terpadu.verval.drafts as drafts

    k = write_csv(tmp_path / "keluarga.csv", KELUARGA_HEADER, KELUARGA)
    a = write_csv(tmp_path / "anggota.csv", ANGGOTA_HEADER, ANGGOTA)
    import_batch(engine, k, a, today=TODAY)
    real = drafts.record_events
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(1)
        raise KeyboardInterrupt  # as if stopped here (Ctrl-C)

    monkeypatch.setattr(drafts, "record_events", failing)
    with pytest.raises(KeyboardInterrupt):
        link_registry(engine, data_dir=data_dir)
    assert len(calls) == 1
    with engine.connect() as conn:
        for table in ("link_run", "link_merge", "resolved_person", "proposal"):
            assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0, table
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM person WHERE resolved_person_id IS NOT NULL")
            ).scalar()
            == 0
        )
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM audit_event WHERE action LIKE 'linkage.%'")
            ).scalar()
            == 0
        )
    # the next run does it all
    monkeypatch.setattr(drafts, "record_events", real)
    run = link_registry(engine, data_dir=data_dir)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM proposal")).scalar() == 2
        assert conn.execute(text("SELECT status FROM link_run")).scalar() == "completed"
    assert run.merged_clusters >= 3


def test_memberships_from_the_snapshot_equal_the_database_s(
    engine: Engine, tmp_path: Path, data_dir: Path
) -> None:
    """A link run finds families from the snapshot it holds and its own resolved ids: the same
    memberships the database gives back, including a member who left, an inactive family and
    an inactive person (none of them count)."""
    from terpadu.engine.snapshot import registry_frames
    from terpadu.linkage.families import _memberships, memberships_of
    from terpadu.linkage.resolve import SNAPSHOT_COLUMNS

    k = write_csv(tmp_path / "keluarga.csv", KELUARGA_HEADER, KELUARGA)
    a = write_csv(tmp_path / "anggota.csv", ANGGOTA_HEADER, ANGGOTA)
    import_batch(engine, k, a, today=TODAY)
    with engine.begin() as conn:
        conn.execute(text("UPDATE family SET status = 'nonaktif' WHERE source_key = 'K3'"))
        conn.execute(text("UPDATE person SET status = 'nonaktif' WHERE id_anggota = 'D2'"))
        conn.execute(
            text(
                "UPDATE membership SET left_at = CURRENT_TIMESTAMP WHERE person_id = "
                "(SELECT id FROM person WHERE id_anggota = 'A2')"
            )
        )
    link_registry(engine, data_dir=data_dir)
    frames = registry_frames(engine, tmp_path, SNAPSHOT_COLUMNS)
    persons = frames["persons"]
    resolved = persons.select(pl.col("id").alias("unique_id"), pl.col("resolved_person_id"))
    resolved = resolved.select("unique_id", pl.col("resolved_person_id").alias("rid"))
    key = ["family_id", "person_id"]
    with engine.connect() as conn:
        expected = _memberships(conn).sort(key)
    found = memberships_of(persons, frames["families"], resolved).sort(key)
    assert found.height == 4
    assert found.equals(expected.select(found.columns))
