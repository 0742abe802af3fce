"""The registry snapshot a ranking writes (NIKs, names) does not outlive the run."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from welfare_frames import REFERENCE

import terpadu.welfare.ranking as ranking
from terpadu.intake import import_batch
from terpadu.welfare import PmtModel, rank_families


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_the_snapshot_is_private_while_it_lives_and_gone_after(
    engine: Engine,
    synth_dir: Path,
    pmt_model: PmtModel,
    models_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_batch(engine, synth_dir / "keluarga.csv", synth_dir / "anggota.csv", today=REFERENCE)
    seen: dict[str, int] = {}
    score = ranking.score_and_rank

    def watching(handle, *args, **kwargs):  # type: ignore[no-untyped-def]
        for file in _files(tmp_path / "run"):
            seen[file.name] = file.stat().st_mode & 0o777
        seen["folder"] = (tmp_path / "run" / "snapshot").stat().st_mode & 0o777
        return score(handle, *args, **kwargs)

    monkeypatch.setattr(ranking, "score_and_rank", watching)
    run = rank_families(
        engine, models_dir=models_dir, reference_date=REFERENCE, work_dir=tmp_path / "run"
    )
    assert run.families_ranked > 0 and run.snapshot_sha256
    assert seen["persons.parquet"] == 0o600 and seen["folder"] == 0o700
    assert _files(tmp_path / "run") == []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("mati di tengah jalan")

    monkeypatch.setattr(ranking, "score_and_rank", failing)
    with pytest.raises(RuntimeError):
        rank_families(
            engine, models_dir=models_dir, reference_date=REFERENCE, work_dir=tmp_path / "run2"
        )
    assert _files(tmp_path / "run2") == []
