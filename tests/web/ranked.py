"""A current welfare ranking of the two web-test families (for the report and dashboard)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import text
from webdata import WebEnv

import terpadu.welfare

DEPRIVATION = Path(terpadu.welfare.__file__).with_name("deprivation.yaml")


def rank(web: WebEnv, desil: dict[str, int] | None = None) -> None:
    """Rank K1 and K2 (desil 2 and 7 unless ``desil`` says otherwise) in one current run."""
    chosen = desil or {"K1": 2, "K2": 7}
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    with web.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO welfare_run (id, model_version, model_kind, model_sha256, engine, "
                "snapshot_sha256, reference_date, deprivation_config, deprivation_sha256, "
                "families_ranked, families_skipped, actor, started_at) VALUES (1, 'pmt-2026', "
                "'ols', 'x', 'duckdb', 'x', :d, :config, 'x', 2, 0, 'test', :t)"
            ),
            {"d": now.date(), "t": now, "config": DEPRIVATION.read_text(encoding="utf-8")},
        )
        for i, (key, d) in enumerate(chosen.items(), start=1):
            poor = d <= 3
            dims = {"economic": 0.2 if poor else 0.0, "housing": 0.1 if poor else 0.0}
            conn.execute(
                text(
                    "INSERT INTO family_welfare (id, run_id, family_id, is_current, "
                    "model_version, ranked_at, kode_provinsi, kode_kabkota, pmt_score, "
                    "persentil, desil, rank_nasional, rank_provinsi, rank_kabkota, "
                    "skor_deprivasi, skor_dimensi, indikator_deprivasi, dimensi_deprivasi, "
                    "miskin_multidimensi) VALUES (:i, 1, :f, 1, 'pmt-2026', :t, '36', '3604', "
                    ":score, :p, :d, :i, :i, :i, :dep, :dims, :ind, :dimnames, :poor)"
                ),
                {
                    "i": i,
                    "f": web.families[key],
                    "t": now,
                    "score": 13.686 + i,
                    "p": d * 10 - 5,
                    "d": d,
                    "dep": 0.4 if poor else 0.0,
                    "dims": json.dumps(dims),
                    "ind": "lantai_tanah_bambu" if poor else "",
                    "dimnames": "economic;housing" if poor else "",
                    "poor": int(poor),
                },
            )
