"""Retention: the rows and files an import keeps are emptied after the retention period."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from sqlalchemy import Engine, text
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "intake"))
from batches import (
    ANGGOTA_HEADER,
    GOOD_ANGGOTA,
    GOOD_KELUARGA,
    KELUARGA_HEADER,
    write_csv,
)

from terpadu.intake import import_batch
from terpadu.retention import PURGED_MESSAGE, purge_kept_data

NOW = dt.datetime.now(dt.UTC)
BAD_NIK = "A5,K1,3604051507879999,Rina,2,1995-01-01,9"  # HUB_KELUARGA 9: refused or warned


def _batch_with_problems(engine: Engine, folder: Path, orphan: str = "K9") -> int:
    folder.mkdir(parents=True, exist_ok=True)
    k = write_csv(folder / "k.csv", KELUARGA_HEADER, GOOD_KELUARGA)
    rows = [*GOOD_ANGGOTA, BAD_NIK, f"A6,{orphan},,Tanpa,1,,1"]
    report = import_batch(engine, k, write_csv(folder / "a.csv", ANGGOTA_HEADER, rows))
    assert report.batch_id is not None
    return int(report.batch_id)


def _kept(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT batch_id, raw, value, record_key, message FROM quarantine")
            )
        ]


def test_old_batches_are_emptied_new_ones_kept(engine: Engine, tmp_path: Path) -> None:
    old = _batch_with_problems(engine, tmp_path / "b1")
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE batch SET finished_at = :t, started_at = :t WHERE id = :id"),
            {"t": NOW - dt.timedelta(days=120), "id": old},
        )
    new = _batch_with_problems(engine, tmp_path / "b2", orphan="K8")  # other content
    assert new != old
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE batch SET finished_at = :t WHERE id = :id"),
            {"t": NOW - dt.timedelta(days=5), "id": new},
        )
    before = _kept(engine)
    assert any(r[0] == old and r[1] is not None for r in before)
    web = tmp_path / "web-imports"
    (web / "job-lama").mkdir(parents=True)
    (web / "job-lama" / "masalah.parquet").write_bytes(b"NIK")
    os.utime(web / "job-lama", (0, 0))
    (web / "job-baru").mkdir()
    scratch = tmp_path / "scratch"

    preview = purge_kept_data(
        engine,
        days=90,
        web_imports_dir=web,
        scratch_dir=scratch,
        actor="adm",
        now=NOW,
        dry_run=True,
    )
    assert preview.batches == [old] and preview.rows_emptied > 0
    assert _kept(engine) == before and (web / "job-lama").exists()

    done = purge_kept_data(
        engine, days=90, web_imports_dir=web, scratch_dir=scratch, actor="adm", now=NOW
    )
    assert done.batches == [old] and done.rows_emptied == preview.rows_emptied
    assert done.folders_removed == [str(web / "job-lama")] and (web / "job-baru").exists()
    after = _kept(engine)
    for batch, raw, value, key, message in after:
        if batch == old:
            assert (raw, value, key, message) == (None, None, None, PURGED_MESSAGE)
        else:
            assert raw is not None
    assert "3604051507879999" not in repr([r for r in after if r[0] == old])
    with engine.connect() as conn:
        event = conn.execute(
            text("SELECT actor, after FROM audit_event WHERE action = 'data.purge'")
        ).one()
    assert event.actor == "adm" and f'"rows_emptied":{done.rows_emptied}' in event.after
    again = purge_kept_data(
        engine, days=90, web_imports_dir=web, scratch_dir=scratch, actor="adm", now=NOW
    )
    assert again.batches == [] and again.rows_emptied == 0


def test_the_command_uses_the_setting_and_wants_an_admin(
    engine: Engine, tmp_path: Path, monkeypatch, cli_account
) -> None:  # type: ignore[no-untyped-def]
    import typer

    from terpadu.cli.retention import data_app
    from terpadu.settings import get_settings

    if engine.dialect.name != "sqlite":
        return
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TERPADU_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("TERPADU_BATCH_RETENTION_DAYS", "30")
    get_settings.cache_clear()
    app = typer.Typer()
    app.add_typer(data_app, name="data")
    runner = CliRunner()
    try:
        operator = cli_account("op", "operator_desa", "3604052001", use=False)
        admin = cli_account("adm", "admin_provinsi", "36", use=False)
        refused = runner.invoke(app, ["data", "purge"], env={"TERPADU_TOKEN": operator})
        assert refused.exit_code == 1 and "admin provinsi" in refused.output
        done = runner.invoke(app, ["data", "purge"], env={"TERPADU_TOKEN": admin})
        assert done.exit_code == 0, done.output
        assert "Masa simpan 30 hari" in done.output and "event #" in done.output
    finally:
        get_settings.cache_clear()
