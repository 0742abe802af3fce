import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import load_registry

from terpadu.editions import (
    EditionExists,
    EditionNotFound,
    current_edition,
    edition_path,
    get_edition,
    list_editions,
    open_edition,
    publish_edition,
)
from terpadu.engine.snapshot import SnapshotDamaged
from terpadu.i18n import error_words
from terpadu.periods import InvalidPeriod


def test_a_damaged_edition_is_refused(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path)
    info = publish_edition(engine, "2026-Q4", editions_dir=tmp_path / "editions")
    assert info.period == "2026-Q4"
    open_edition(engine, "2026-Q4")
    target = info.path / "persons.parquet"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"x")
    with pytest.raises(SnapshotDamaged):
        open_edition(engine, "2026-Q4")


def test_the_catalogue_before_and_after_a_publication(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path)
    assert current_edition(engine) is None and list_editions(engine) == []
    with pytest.raises(EditionNotFound) as missing:
        get_edition(engine, "2026-11")
    assert missing.value.code == "edition_not_found"
    assert missing.value.data == {"period": "2026-11"}
    assert str(missing.value) == "Edisi 2026-11 belum diterbitkan."
    assert error_words(missing.value, "en") == "Edition 2026-11 has not been published."

    info = publish_edition(engine, "2026-11", actor="pusdatin", editions_dir=tmp_path / "ed")
    assert get_edition(engine, "2026-11") == info == current_edition(engine)
    assert edition_path(engine, "2026-11") == info.path
    assert info.published_by == "pusdatin"


def test_a_second_publication_is_refused_with_its_code(engine: Engine, tmp_path: Path) -> None:
    load_registry(engine, tmp_path)
    first = publish_edition(engine, "2026", editions_dir=tmp_path / "ed")
    with pytest.raises(EditionExists) as again:
        publish_edition(engine, "2026", editions_dir=tmp_path / "ed")
    assert again.value.code == "edition_exists_since"
    assert again.value.data["period"] == "2026"
    assert f"{first.published_at:%Y-%m-%d %H:%M} UTC" in str(again.value)
    assert "cannot be changed" in error_words(again.value, "en")


def test_a_wrong_period_is_refused_before_anything_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(InvalidPeriod) as wrong:
        publish_edition(engine, "2026-13", editions_dir=tmp_path / "ed")
    assert wrong.value.code == "invalid_period" and wrong.value.data == {"value": "2026-13"}
    assert not (tmp_path / "ed").exists()
