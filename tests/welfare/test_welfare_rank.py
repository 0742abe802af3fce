from pathlib import Path

import openpyxl
import polars as pl
import pytest
from sqlalchemy import Engine, text
from welfare_frames import REFERENCE

from terpadu.intake import import_batch
from terpadu.reports import export_families
from terpadu.welfare import (
    NoRanking,
    PmtModel,
    poverty_profile,
    rank_families,
    write_poverty_report,
)


def test_rank_store_history_export_and_profile(
    engine: Engine, synth_dir: Path, pmt_model: PmtModel, models_dir: Path, tmp_path: Path
) -> None:
    import_batch(engine, synth_dir / "keluarga.csv", synth_dir / "anggota.csv", today=REFERENCE)
    with pytest.raises(NoRanking):
        poverty_profile(engine, "36")
    with engine.begin() as conn:  # one family leaves the registry before ranking
        conn.execute(text("UPDATE family SET status = 'nonaktif' WHERE source_key = 'K0000001'"))
    first = rank_families(
        engine, models_dir=models_dir, reference_date=REFERENCE, work_dir=tmp_path / "r1"
    )
    assert first.model_version == pmt_model.version
    assert first.families_ranked == 299 and first.families_skipped == 0
    assert sum(first.desil_counts.values()) == 299
    assert min(first.desil_counts.values()) >= 29  # deciles of about a tenth each

    export = export_families(engine)
    ranked = export.filter(pl.col("STATUS") == "AKTIF")
    assert ranked["PMT_SCORE"].null_count() == 0 and ranked["DESIL"].null_count() == 0
    assert ranked["PERSENTIL"].is_between(1, 100).all()
    assert ranked["SKOR_DEPRIVASI"].is_between(0, 1).all()
    gone = export.filter(pl.col("ID_KELUARGA") == "K0000001")
    assert gone["DESIL"].to_list() == [None]
    dims = {d for v in ranked["DIMENSI_DEPRIVASI"].drop_nulls() for d in v.split(";")}
    assert dims <= {"economic", "housing", "education", "health", "social"} and dims
    # Lower score, lower (or equal) desil.
    ordered = ranked.sort("PMT_SCORE")["DESIL"].to_list()
    assert ordered == sorted(ordered)

    second = rank_families(
        engine, models_dir=models_dir, reference_date=REFERENCE, work_dir=tmp_path / "r2"
    )
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                text("SELECT is_current, count(*) FROM family_welfare GROUP BY is_current")
            ).all()
        )
        runs = conn.execute(
            text("SELECT id, model_version, engine, snapshot_sha256 FROM welfare_run ORDER BY id")
        ).all()
        current_runs = (
            conn.execute(text("SELECT DISTINCT run_id FROM family_welfare WHERE is_current = 1"))
            .scalars()
            .all()
        )
    assert counts == {0: 299, 1: 299}
    assert [r.id for r in runs] == [first.run_id, second.run_id]
    assert current_runs == [second.run_id]
    # Same data, same model: the same snapshot checksum and the same ranking.
    assert runs[0].snapshot_sha256 == runs[1].snapshot_sha256 == second.snapshot_sha256
    assert export_families(engine).equals(export)

    profile = poverty_profile(engine, "36")
    assert profile.run_id == second.run_id and profile.measures["n"] == 299
    assert sum(row["keluarga"] for row in profile.desil) == 299
    total = sum(d["kontribusi"] for d in profile.dimensions)
    assert total == pytest.approx(profile.m0, abs=1e-12)
    assert profile.m0 == pytest.approx(profile.headcount * profile.intensity)
    assert sum(s["keluarga"] for s in profile.subregions) == 299
    kab = profile.subregions[0]["kode"]
    assert poverty_profile(engine, kab).measures["n"] == profile.subregions[0]["keluarga"]

    files = write_poverty_report(profile, tmp_path / "profil.xlsx")
    assert files.png.stat().st_size > 1000 and files.svg.read_text().lstrip().startswith("<?xml")
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    assert {"Ringkasan", "Desil", "Dimensi", "Indikator", "Subwilayah", "Grafik"} <= set(
        book.sheetnames
    )
    desil_rows = list(book["Desil"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in desil_rows] == list(range(1, 11))
    assert sum(row[1] for row in desil_rows) == 299
