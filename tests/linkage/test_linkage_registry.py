"""link_registry end to end on SQLite and PostgreSQL: resolution, stable ids, unmerge, review."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))
from linkage_helpers import load, precision_recall, resolved

from terpadu.linkage import decide_review, link_registry, list_review, unmerge
from terpadu.linkage.model import latest_model, model_dir
from terpadu.reports import export_persons
from terpadu.store.ids import person_code


def test_link_resolves_every_person_and_ids_are_stable(
    engine: Engine, small_batch: Path, data_dir: Path
) -> None:
    load(engine, small_batch)
    first = link_registry(engine, data_dir=data_dir)
    assert not first.retrained and first.model_version == 1
    got = resolved(engine)
    assert got["rid"].null_count() == 0
    assert first.resolved == got["rid"].n_unique() < got.height
    precision, recall = precision_recall(engine, small_batch)
    assert precision >= 0.97 and recall >= 0.9, (precision, recall)
    # the export shows PERSON_ID; rows of one person share it
    persons = export_persons(engine)
    assert persons["PERSON_ID"].null_count() == 0
    assert persons["PERSON_ID"].str.contains(r"^ORG\d{10}$").all()

    again = link_registry(engine, data_dir=data_dir)
    assert again.ids_new == 0 and again.merges_new == 0
    assert resolved(engine).sort("id").equals(got.sort("id"))
    with engine.connect() as conn:
        merges = conn.execute(
            text("SELECT COUNT(*) FROM link_merge WHERE undone_at IS NULL")
        ).scalar()
        golden = conn.execute(
            text("SELECT provenance FROM resolved_person WHERE registrations > 1")
        ).first()
    assert int(merges or 0) >= first.merged_clusters > 0
    assert golden is not None


def test_unmerge_splits_and_later_runs_respect_it(
    engine: Engine, small_batch: Path, data_dir: Path
) -> None:
    load(engine, small_batch)
    link_registry(engine, data_dir=data_dir, family_reports=False)
    got = resolved(engine)
    sizes = got.group_by("rid").len().filter(pl.col("len") == 2)
    rid = int(sizes["rid"][0])
    members = sorted(got.filter(pl.col("rid") == rid)["id"].to_list())
    result = unmerge(engine, person_code(rid), actor="tester", note="beda orang")
    assert result.separated == members[1:]
    after = resolved(engine)
    assert after.filter(pl.col("id") == members[0])["rid"].item() == rid
    new_rid = after.filter(pl.col("id") == members[1])["rid"].item()
    assert new_rid != rid
    link_registry(engine, data_dir=data_dir, family_reports=False)
    rerun = resolved(engine)
    assert rerun.filter(pl.col("id") == members[0])["rid"].item() == rid
    assert rerun.filter(pl.col("id") == members[1])["rid"].item() == new_rid
    with engine.connect() as conn:
        undone = conn.execute(
            text(
                "SELECT COUNT(*) FROM link_merge WHERE undone_at IS NOT NULL AND resolved_person_id = :r"
            ),
            {"r": rid},
        ).scalar()
        events = conn.execute(
            text("SELECT COUNT(*) FROM audit_event WHERE action = 'linkage.unmerge'")
        ).scalar()
    assert undone and events == 1


def test_review_decision_same_is_applied_by_the_next_run(
    engine: Engine, small_batch: Path, data_dir: Path
) -> None:
    load(engine, small_batch)
    # a very high threshold pushes real duplicates into the review band
    run = link_registry(
        engine, data_dir=data_dir, threshold=0.999999, review_floor=0.3, family_reports=False
    )
    assert run.review_queued > 0
    item = list_review(engine, limit=1)[0]
    assert item.left["nama"] and item.right["nama"]
    assert {e["comparison"] for e in item.explanation} >= {"nik", "name", "dob"}
    weights = [e["weight"] for e in item.explanation if e["level"] != "kosong"]
    assert all(w is not None for w in weights) and any(abs(w) > 1 for w in weights)
    # the weights explain the score: their sum plus the prior is the pair's match weight
    model = latest_model(model_dir(data_dir))
    assert model is not None
    lam = model.splink_settings["probability_two_random_records_match"]
    prior = math.log2(lam / (1 - lam))
    assert abs(prior + sum(e["weight"] or 0 for e in item.explanation) - item.match_weight) < 0.1
    decided = decide_review(engine, item.id, "same", actor="clerk")
    assert decided.state == "decided" and decided.decision == "same"
    link_registry(
        engine, data_dir=data_dir, threshold=0.999999, review_floor=0.3, family_reports=False
    )
    got = resolved(engine).filter(
        pl.col("id").is_in([item.left["person_id"], item.right["person_id"]])
    )
    assert got["rid"].n_unique() == 1
    assert all(i.id != item.id for i in list_review(engine, limit=None))
