"""The data folder's layout is written down once, on Settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from terpadu.settings import Settings

LAYOUT = {
    "pmt_models_dir": "models/pmt",
    "linkage_models_dir": "models/linkage",
    "editions_dir": "editions",
    "evidence_dir": "evidence",
    "programs_dir": "programs",
    "reports_dir": "reports",
    "workflow_config_path": "verval.yaml",
    "welfare_runs_dir": "welfare/runs",
    "targeting_runs_dir": "targeting/runs",
    "targeting_snapshots_dir": "targeting/snapshots",
    "spark_checkpoints_dir": "spark-checkpoints",
    "web_imports_dir": "web-imports",
    "web_runs_dir": "web-runs",
    "web_secret_path": "web_secret.key",
    "demo_dir": "demo",
    "anchors_dir": "audit/anchors",
    "scratch_dir": "scratch",
}


def test_every_folder_lies_under_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    for name, relative in LAYOUT.items():
        assert getattr(settings, name) == tmp_path / "var" / relative, name


def test_every_layout_property_is_listed() -> None:
    properties = {name for name, value in vars(Settings).items() if isinstance(value, property)}
    assert properties == set(LAYOUT)


def test_linkage_models_folder_matches_linkage() -> None:
    from terpadu.linkage.model import model_dir

    settings = Settings(data_dir=Path("somewhere"))
    assert model_dir(settings.data_dir) == settings.linkage_models_dir


def test_only_the_faces_read_the_process_wide_settings() -> None:
    """Domain code is handed its settings (or the values it needs) by the CLI or the web
    (Splink's own ``.get_settings(...)`` is another thing)."""
    import terpadu

    root = Path(terpadu.__file__).parent
    faces = {root / "cli", root / "web"}
    # Alembic's env.py is the entry point of a migration run started without a connection.
    entry_points = {root / "settings.py", root / "store" / "migrations" / "env.py"}
    readers = [
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if path not in entry_points
        and not any(face in path.parents for face in faces)
        and re.search(r"(?<![.\w])get_settings\(", path.read_text("utf-8"))
    ]
    assert readers == []


def test_the_chunk_size_is_the_bulk_transaction_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import's chunk size travels with its transaction, not through the global settings."""
    import polars as pl
    from sqlalchemy import text

    from terpadu.store import make_engine
    from terpadu.store.bulk import bulk_insert, bulk_transaction

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (a INTEGER, b INTEGER)"))
    chunks: list[int] = []
    real_slice = pl.DataFrame.slice

    def slice_(frame: pl.DataFrame, offset: int, length: int | None = None) -> pl.DataFrame:
        chunks.append(length or 0)
        return real_slice(frame, offset, length)

    monkeypatch.setattr(pl.DataFrame, "slice", slice_)
    frame = pl.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 4, 3, 2, 1]})
    with bulk_transaction(engine, chunk_rows=2) as conn:
        bulk_insert(conn, "t", frame)
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 5
    assert chunks == [2, 2, 2]
    chunks.clear()
    with bulk_transaction(engine) as conn:
        bulk_insert(conn, "t", frame)
    assert chunks == [100_000]
    engine.dispose()
