"""The names name search reads on PostgreSQL stay in step with the registry's persons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from terpadu.intake import import_batch
from terpadu.intake import importer as importer_module
from terpadu.store import make_engine, upgrade
from terpadu.store.name_search import INSERT_TRIGGER, has_name_table

TODAY = dt.date(2026, 11, 22)
KELUARGA = (
    "ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT\n"
    "K1,3604051203150001,36.04.05.2001,Kp. Uji\n"
    "K2,3604051203150002,36.04.05.2001,Kp. Uji\n"
)
ANGGOTA_HEADER = "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
ANGGOTA = (
    ANGGOTA_HEADER + "A1,K1,,Ahmad bin Salim,1,1980-01-01,1\n"
    "A2,K1,,Siti Aminah,2,1982-02-02,2\n"
    "A3,K2,,Joko Susilo,1,1975-03-03,1\n"
)


def _batch(folder: Path, anggota: str = ANGGOTA) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "keluarga.csv").write_text(KELUARGA)
    (folder / "anggota.csv").write_text(anggota)
    return folder / "keluarga.csv", folder / "anggota.csv"


def _names(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(text("SELECT person_id, nama FROM person_name"))}


def _persons(engine: Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(text("SELECT id, nama FROM person"))}


def _trigger_enabled(engine: Engine) -> bool:
    with engine.connect() as conn:
        state = conn.execute(
            text(
                "SELECT tgenabled FROM pg_trigger "
                "WHERE tgname = :name AND tgrelid = CAST('person' AS regclass)"
            ),
            {"name": INSERT_TRIGGER},
        ).scalar_one()
    return str(state) == "O"


def _large_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch takes the large-batch path: names written on a second connection."""
    monkeypatch.setattr("terpadu.store.name_search.ASIDE_MIN_ROWS", 1)
    monkeypatch.setattr("terpadu.store.indexes.REBUILD_MIN_ROWS", 1)


def test_sqlite_searches_person_itself(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'terpadu.db'}")
    upgrade(engine)
    import_batch(engine, *_batch(tmp_path / "b"), today=TODAY)
    with engine.connect() as conn:
        assert not has_name_table(conn)
    engine.dispose()


def test_names_follow_inserts_and_renames(postgres_engine: Engine, tmp_path: Path) -> None:
    import_batch(postgres_engine, *_batch(tmp_path / "b1"), today=TODAY)
    assert _names(postgres_engine) == _persons(postgres_engine)
    assert len(_names(postgres_engine)) == 3
    # The same sender corrects a name: the search name follows, the old one is gone.
    renamed = ANGGOTA.replace("Joko Susilo", "Joko Santoso")
    import_batch(postgres_engine, *_batch(tmp_path / "b2", renamed), today=TODAY)
    assert _names(postgres_engine) == _persons(postgres_engine)
    assert "Joko Santoso" in _names(postgres_engine).values()
    assert "Joko Susilo" not in _names(postgres_engine).values()
    # Other columns change without touching the names.
    with postgres_engine.begin() as conn:
        conn.execute(text("UPDATE person SET status = 'nonaktif', status_reason = 'pindah'"))
    assert _names(postgres_engine) == _persons(postgres_engine)


def test_large_batch_names_are_written_aside(
    postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _large_batches(monkeypatch)
    import_batch(postgres_engine, *_batch(tmp_path / "b1"), today=TODAY)
    assert _names(postgres_engine) == _persons(postgres_engine)
    assert len(_names(postgres_engine)) == 3
    assert _trigger_enabled(postgres_engine)
    with postgres_engine.connect() as conn:
        indexes = set(
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'person_name'")
            ).scalars()
        )
    assert {"pk_person_name", "ix_person_name_trgm"} <= indexes
    # A later small batch from another sender goes through the trigger again.
    monkeypatch.setattr("terpadu.store.name_search.ASIDE_MIN_ROWS", 1_000)
    import_batch(postgres_engine, *_batch(tmp_path / "b2"), source="desa-b", today=TODAY)
    assert _names(postgres_engine) == _persons(postgres_engine)
    assert len(_names(postgres_engine)) == 6


def test_a_failed_import_leaves_no_names(
    postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names are committed before the import; when the import then fails they go."""
    _large_batches(monkeypatch)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(importer_module, "place_members", broken)
    with pytest.raises(RuntimeError, match="disk pulled out"):
        import_batch(postgres_engine, *_batch(tmp_path / "b1"), today=TODAY)
    assert _persons(postgres_engine) == {}
    assert _names(postgres_engine) == {}
    assert _trigger_enabled(postgres_engine)


def test_a_failed_name_writer_fails_the_import(
    postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _large_batches(monkeypatch)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("connection lost")

    monkeypatch.setattr("terpadu.store.name_search.bulk_insert", broken)
    with pytest.raises(RuntimeError, match="connection lost"):
        import_batch(postgres_engine, *_batch(tmp_path / "b1"), today=TODAY)
    assert _persons(postgres_engine) == {}
    assert _names(postgres_engine) == {}
    with postgres_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM batch")).scalar_one() == 0
    # Nothing was left half done: the same batch imports cleanly afterwards.
    monkeypatch.undo()
    report = import_batch(postgres_engine, *_batch(tmp_path / "b1"), today=TODAY)
    assert report.persons_new == 3
    assert _names(postgres_engine) == _persons(postgres_engine)


def test_the_migration_fills_the_names_of_a_registry(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    """Upgrading a registry that already holds persons gives every one a search name."""
    from alembic import command

    from terpadu.store.db import alembic_config

    import_batch(postgres_engine, *_batch(tmp_path / "b1"), today=TODAY)
    command.downgrade(alembic_config(postgres_engine), "0008")
    with postgres_engine.connect() as conn:
        assert not has_name_table(conn)
    import_batch(postgres_engine, *_batch(tmp_path / "b2"), source="desa-b", today=TODAY)
    upgrade(postgres_engine)
    assert _names(postgres_engine) == _persons(postgres_engine)
    assert len(_names(postgres_engine)) == 6
