"""The civil-registry check: findings, NIK corrections by linkage, per-desa reports, proposals."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))
from linkage_helpers import TODAY, load

from terpadu.linkage import check_against_dukcapil, extract_from_synth, link_registry


def test_dukcapil_check_finds_dead_and_mistyped_niks(
    engine: Engine, small_batch: Path, data_dir: Path, tmp_path: Path
) -> None:
    load(engine, small_batch)
    extract = extract_from_synth(small_batch, tmp_path / "dukcapil.xlsx", death_rate=0.05, seed=2)
    report = check_against_dukcapil(
        engine,
        tmp_path / "dukcapil.xlsx",
        outdir=tmp_path / "out",
        today=TODAY,
        data_dir=data_dir,
        formats=("csv", "xlsx"),
    )
    results = report.results
    truth = pl.read_csv(small_batch / "truth_anggota.csv", infer_schema=False)
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT id, id_anggota FROM person")).all())
    r = results.with_columns(
        pl.col("person_id").replace_strict(ids, return_dtype=pl.String).alias("ID_ANGGOTA")
    ).join(truth, on="ID_ANGGOTA")
    dead_niks = set(extract.filter(pl.col("STATUS") == "MENINGGAL")["NIK"].to_list())
    flagged_dead = r.filter(pl.col("findings").str.contains("meninggal"))
    assert flagged_dead.height > 0
    assert set(flagged_dead["nik"].to_list()) <= dead_niks
    # a NIK typo is not found, and the true NIK is proposed with high confidence
    typos = r.filter(
        pl.col("FAULT").str.contains("nik_typo") & (pl.col("nik") != pl.col("TRUE_NIK"))
    )
    assert typos.height > 0
    assert (typos["findings"].str.contains("nik_tidak_ditemukan")).all()
    suggested = typos.filter(pl.col("suggested_nik").is_not_null())
    assert suggested.height >= 0.8 * typos.height
    assert (suggested["suggested_nik"] == suggested["TRUE_NIK"]).mean() >= 0.95
    assert suggested["confidence"].min() > 0.5
    # clean rows are ok: names compared normalised (the extract is upper case)
    clean = r.filter(pl.col("FAULT") == "none")
    assert (clean["findings"] == "ok").mean() > 0.9
    # one report per desa, a summary, stored results and proposals for the dead
    desa_files = [p for p in (tmp_path / "out").iterdir() if p.name.startswith("dukcapil_")]
    assert len(desa_files) >= 2 and any(p.suffix == ".xlsx" for p in desa_files)
    assert (tmp_path / "out" / "ringkasan_dukcapil.csv").exists()
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT COUNT(*) FROM dukcapil_result")).scalar()
        proposals = conn.execute(text("SELECT kind, COUNT(*) FROM proposal GROUP BY kind")).all()
        active = conn.execute(text("SELECT COUNT(*) FROM person WHERE status = 'aktif'")).scalar()
    assert stored == report.persons_checked
    kinds = dict(proposals)
    assert kinds.get("deactivate", 0) >= 1 and kinds.get("correct", 0) >= 1
    assert active == report.persons_checked  # nothing was deactivated silently
    # the civil registry's values win in the golden record
    link_registry(engine, data_dir=data_dir, family_reports=False)
    with engine.connect() as conn:
        prov = conn.execute(
            text("SELECT provenance FROM resolved_person WHERE status = 'aktif' LIMIT 50")
        ).all()
    import json

    sources = {(json.loads(p) if isinstance(p, str) else p)["nama"]["source"] for (p,) in prov}
    assert "dukcapil" in sources


def test_targeting_reads_the_findings_the_check_writes(
    engine: Engine, small_batch: Path, data_dir: Path, tmp_path: Path
) -> None:
    """A NIK the check finds wrong is a rejected NIK for targeting (its payment would fail),
    and a person Dukcapil lists as dead is dead: the reader and the writer share one code list."""
    from terpadu.identity import findings as codes
    from terpadu.targeting.inputs import civil_registry_flags

    load(engine, small_batch)
    extract_from_synth(small_batch, tmp_path / "dukcapil.xlsx", death_rate=0.05, seed=2)
    report = check_against_dukcapil(
        engine, tmp_path / "dukcapil.xlsx", outdir=tmp_path / "out", today=TODAY, data_dir=data_dir
    )
    written = report.results.select("person_id", "findings")
    assert set(written["findings"].str.split(";").explode().unique()) <= set(codes.FINDINGS)
    flags, checked = civil_registry_flags(engine)
    assert checked
    read = pl.from_arrow(flags).join(written, on="person_id")
    rejecting = read["findings"].str.contains("|".join(codes.REJECTING))
    assert rejecting.sum() > 0
    assert (read["nik_ditolak"] == rejecting.cast(pl.Int64)).all()
    dead = read.filter(pl.col("findings").str.contains(codes.DEAD))
    assert dead.height > 0 and (dead["meninggal"] == 1).all()
