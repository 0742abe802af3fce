"""Large SQLite loads staged on other threads land exactly what a direct load does."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

import polars as pl
import pytest

from terpadu.intake import import_batch
from terpadu.store import make_engine, upgrade

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "intake"))
from batches import ANGGOTA_HEADER, KELUARGA_HEADER, good_batch, write_csv

TODAY = dt.date(2026, 11, 22)
MOMENTS = {"created_at", "updated_at", "joined_at"}


def _registry(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return f"sqlite:///{path}"


def _import(url: str, batch: tuple[Path, Path]) -> None:
    engine = make_engine(url)
    import_batch(engine, *batch, today=TODAY)
    engine.dispose()


def _contents(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables: dict[str, object] = {}
        for table in ("family", "person", "membership", "quarantine"):
            frame = pl.read_database(f"SELECT * FROM {table} ORDER BY id", conn)
            tables[table] = frame.drop([c for c in frame.columns if c in MOMENTS]).rows()
        tables["indexes"] = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
    return tables


def _first_batch(folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    return good_batch(folder)


def _second_batch(folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    keluarga = write_csv(
        folder / "keluarga.csv",
        KELUARGA_HEADER,
        ["K9,3604051507870009,3604052001,Jl. Baru 9,001,002,1,30,8"],
    )
    anggota = write_csv(
        folder / "anggota.csv",
        ANGGOTA_HEADER,
        [
            "A91,K9,3604055507900009,Dewi Lestari,2,1990-07-15,1",
            "A2,K1,,Siti,2,1987-07-01,2",
            "A92,K9,12345,Rina,2,1990-02-31,3",  # quarantined: NIK and date
            "A93,K8,,Tono,1,2001-01-01,3",  # quarantined: no such family
        ],
    )
    return keluarga, anggota


def _row_counts(path: Path) -> list[int]:
    """Families, persons and batches in the registry file."""
    with sqlite3.connect(path) as conn:
        return [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("family", "person", "batch")
        ]


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".terpadu-stage-*"))


def test_staged_loads_land_what_direct_loads_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into empty tables and into tables with rows, split over the scratch files."""
    first, second = _first_batch(tmp_path / "one"), _second_batch(tmp_path / "two")
    monkeypatch.setattr("terpadu.store.bulk.STAGE_MIN_ROWS", 1)
    staged = tmp_path / "staged" / "registry.db"
    url = _registry(staged)
    _import(url, first)
    _import(url, second)
    monkeypatch.setattr("terpadu.store.bulk.STAGE_MIN_ROWS", 10**9)
    direct = tmp_path / "direct" / "registry.db"
    url = _registry(direct)
    _import(url, first)
    _import(url, second)
    contents = _contents(staged)
    assert contents == _contents(direct)
    assert len(contents["quarantine"]) >= 3  # type: ignore[arg-type]
    assert _leftovers(staged.parent) == []


def test_a_load_interrupted_after_staging_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("terpadu.store.bulk.STAGE_MIN_ROWS", 1)
    path = tmp_path / "registry" / "registry.db"
    url = _registry(path)

    def crash(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("terpadu.intake.importer.place_members", crash)
    with pytest.raises(KeyboardInterrupt):
        _import(url, _first_batch(tmp_path / "batch"))
    assert _row_counts(path) == [0, 0, 0]
    assert _leftovers(path.parent) == []


def test_a_full_disk_is_named_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adbc_driver_manager

    from terpadu.store.bulk import StorageFull

    monkeypatch.setattr("terpadu.store.bulk.STAGE_MIN_ROWS", 1)
    path = tmp_path / "registry" / "registry.db"
    url = _registry(path)

    def full(*args: object, **kwargs: object) -> None:
        # What ADBC's SQLite says when a scratch file cannot grow.
        raise adbc_driver_manager.InternalError(
            "INTERNAL: failed to execute: database or disk is full",
            status_code=adbc_driver_manager.AdbcStatusCode.INTERNAL,
        )

    monkeypatch.setattr("terpadu.store.sqlite_stage._write", full)
    with pytest.raises(StorageFull, match=r"ruang disk di folder .*registry tidak cukup") as caught:
        _import(url, _first_batch(tmp_path / "batch"))
    assert "tidak ada yang diubah" in str(caught.value)
    assert _row_counts(path) == [0, 0, 0]
    assert _leftovers(path.parent) == []


def test_an_in_memory_registry_loads_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import text

    from terpadu.store.bulk import bulk_transaction

    engine = make_engine("sqlite://")
    with bulk_transaction(engine, staged=True) as conn:
        assert conn.info.get("terpadu_stage") is None
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_scratch_left_by_a_killed_import_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "registry" / "registry.db"
    url = _registry(path)
    abandoned = path.parent / ".terpadu-stage-999999999-abc"  # no such process
    abandoned.mkdir()
    (abandoned / "stage_0.db").write_bytes(b"")
    running = path.parent / f".terpadu-stage-{os.getppid()}-abc"  # a live process's
    running.mkdir()
    _import(url, _first_batch(tmp_path / "batch"))
    assert not abandoned.exists()
    assert running.exists()
