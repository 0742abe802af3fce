"""Guardrails: ``link_registry`` finishes on adversarial registries and stays sane.

Every registry here is trained on from scratch (no stored model), so each exercises the
training, its checks and the fallback. "Sane" means: every registration gets a PERSON_ID, no
distinct people are merged en masse (precision), and the run says which model it used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))
from adversarial import Shape, write
from linkage_helpers import TODAY, pairs, resolved

from terpadu.intake import import_batch
from terpadu.linkage import LinkRun, link_registry
from terpadu.store import make_engine, upgrade


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    """Training does not depend on the database; one is enough here."""
    engine = make_engine(f"sqlite:///{tmp_path / 'terpadu.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _run(engine: Engine, tmp_path: Path, shape: Shape) -> tuple[LinkRun, float, float]:
    folder = write(tmp_path / "data", shape)
    import_batch(engine, folder / "keluarga.csv", folder / "anggota.csv", today=TODAY)
    run = link_registry(engine, data_dir=tmp_path / "var", family_reports=False, today=TODAY)
    got = resolved(engine)
    assert got["rid"].null_count() == 0
    truth = pl.read_csv(folder / "truth.csv", infer_schema=False)
    joined = got.join(truth, on="ID_ANGGOTA")
    predicted, true = pairs(joined, "rid"), pairs(joined, "PERSON")
    hit = len(predicted & true)
    precision = hit / len(predicted) if predicted else 1.0
    recall = hit / len(true) if true else 1.0
    assert run.model_source in {"trained", "previous", "default"}
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT model_source, status FROM link_run WHERE id = :i"), {"i": run.id}
        ).one()
    assert stored == (run.model_source, "completed")
    return run, precision, recall


def test_every_nik_blank(sqlite: Engine, tmp_path: Path) -> None:
    run, precision, recall = _run(sqlite, tmp_path, Shape(nik=False, duplicates=0.1))
    assert precision >= 0.9, run.model_notes
    assert recall >= 0.5, run.model_notes


def test_every_family_of_one_person(sqlite: Engine, tmp_path: Path) -> None:
    _, precision, recall = _run(sqlite, tmp_path, Shape(one_person_families=True))
    assert precision >= 0.9 and recall >= 0.5


def test_a_level_never_observed(sqlite: Engine, tmp_path: Path) -> None:
    """One sex and one desa: the sex and region "else" levels never occur."""
    run, precision, _recall = _run(sqlite, tmp_path, Shape(sex=1, desa=1, mothers=False))
    assert precision >= 0.9, run.model_notes


@pytest.mark.parametrize("share", [0.01, 0.4])
def test_few_and_many_duplicates(sqlite: Engine, tmp_path: Path, share: float) -> None:
    run, precision, recall = _run(sqlite, tmp_path, Shape(people=800, duplicates=share))
    assert precision >= 0.9, run.model_notes
    assert recall >= 0.6, run.model_notes


def test_a_single_desa(sqlite: Engine, tmp_path: Path) -> None:
    _, precision, recall = _run(sqlite, tmp_path, Shape(desa=1, duplicates=0.1))
    assert precision >= 0.9 and recall >= 0.5


@pytest.mark.parametrize(
    "shape", [Shape(capitals=True), Shape(titles=True)], ids=["caps", "titles"]
)
def test_names_in_capitals_or_with_titles(sqlite: Engine, tmp_path: Path, shape: Shape) -> None:
    _, precision, recall = _run(sqlite, tmp_path, shape)
    assert precision >= 0.9 and recall >= 0.5


def _three_names(engine: Engine, tmp_path: Path, people: int) -> LinkRun:
    shape = Shape(
        people=people,
        duplicates=0.0,
        names=("SITI AMINAH", "MUHAMMAD RIZKI", "NUR HAYATI"),
        desa=1,
        mothers=True,
    )
    run, precision, _recall = _run(engine, tmp_path, shape)
    # distinct NIKs and birth dates: the same name is no reason to merge anyone
    assert run.merged_clusters <= people // 100, (run.merged_clusters, run.model_notes)
    assert precision == 1.0 or run.merged_clusters <= people // 100
    # the name blocks are far over the cap and were left out of their rules
    assert run.blocking["capped"], run.blocking
    assert run.pairs_scored < 50 * people
    return run


def test_the_same_three_names(sqlite: Engine, tmp_path: Path) -> None:
    _three_names(sqlite, tmp_path, 3000)


@pytest.mark.slow
def test_the_same_three_names_at_scale(sqlite: Engine, tmp_path: Path) -> None:
    _three_names(sqlite, tmp_path, 60_000)
