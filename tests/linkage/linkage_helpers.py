"""Shared helpers for the linkage tests: a small synth registry and a model trained once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from terpadu.intake import import_batch
from terpadu.synth import SynthConfig, generate

TODAY = dt.date(2025, 7, 1)


def synth_batch(folder: Path, households: int, seed: int = 5) -> Path:
    """A synth registry with 8 % duplicates (NIK typos, name variants, blank NIKs)."""
    if not (folder / "anggota.csv").exists():
        generate(
            SynthConfig(
                households=households,
                kab_code="3604",
                seed=seed,
                faults="default",
                duplicate_rate=0.08,
                dup_nik_typo_share=0.33,
                dup_name_variant_share=0.6,
            ),
            folder,
        )
    return folder


def load(engine: Engine, folder: Path) -> None:
    import_batch(engine, folder / "keluarga.csv", folder / "anggota.csv", today=TODAY)


def resolved(engine: Engine) -> pl.DataFrame:
    """id, id_anggota, resolved_person_id of every registration."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, id_anggota, resolved_person_id FROM person")).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=["id", "ID_ANGGOTA", "rid"], orient="row")


def pairs(frame: pl.DataFrame, key: str) -> set[tuple[int, int]]:
    """Pairs of registration ids sharing ``key``."""
    groups = frame.filter(pl.col(key).is_not_null()).group_by(key).agg(pl.col("id").sort())
    out: set[tuple[int, int]] = set()
    for ids in groups["id"].to_list():
        out.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return out


def precision_recall(engine: Engine, folder: Path) -> tuple[float, float]:
    got = resolved(engine).join(
        pl.read_csv(folder / "truth_anggota.csv", infer_schema=False), on="ID_ANGGOTA"
    )
    predicted, truth = pairs(got, "rid"), pairs(got, "TRUE_PERSON_ID")
    tp = len(predicted & truth)
    return tp / max(len(predicted), 1), tp / max(len(truth), 1)
