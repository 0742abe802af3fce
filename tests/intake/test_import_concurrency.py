"""Identical imports at the same moment: one loads, the other waits and no-ops or is
refused in words; no exception from the database reaches the user (both databases)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from batches import ANGGOTA_HEADER, GOOD_ANGGOTA, GOOD_KELUARGA, KELUARGA_HEADER, write_csv
from sqlalchemy import Engine, func, select, text

from login_helpers import cli_token
from terpadu.intake import ImportBusy, ImportReport, import_batch
from terpadu.store import Batch, Family, Person
from terpadu.store.integrity import check_integrity
from terpadu.store.locks import lock_key

TODAY = dt.date(2026, 11, 22)


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def batch(folder: Path, keluarga: list[str], anggota: list[str]) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return (
        write_csv(folder / "keluarga.csv", KELUARGA_HEADER, keluarga),
        write_csv(folder / "anggota.csv", ANGGOTA_HEADER, anggota),
    )


def slow_load(message: str) -> None:
    """Progress that lingers once the batch is loading, so the other import must wait."""
    if message.startswith("memuat"):
        time.sleep(0.5)


def run_together(work: list[Callable[[], ImportReport]]) -> list[ImportReport | BaseException]:
    outcomes: list[ImportReport | BaseException] = [RuntimeError("not run")] * len(work)
    start = threading.Barrier(len(work))

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = work[index]()
        except BaseException as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.parametrize("source_exists", [False, True], ids=["new-source", "known-source"])
def test_two_identical_imports_at_once_load_once(
    engine: Engine, tmp_path: Path, source_exists: bool
) -> None:
    if source_exists:
        import_batch(
            engine,
            *batch(tmp_path / "first", GOOD_KELUARGA[:1], GOOD_ANGGOTA[:3]),
            source="desa",
            today=TODAY,
        )
    files = batch(tmp_path / "same", GOOD_KELUARGA, GOOD_ANGGOTA)

    def work() -> ImportReport:
        return import_batch(engine, *files, source="desa", today=TODAY, progress=slow_load)

    outcomes = run_together([work, work])
    assert all(isinstance(o, ImportReport) for o in outcomes), outcomes
    reports = [o for o in outcomes if isinstance(o, ImportReport)]
    assert sorted(r.already_imported for r in reports) == [False, True]
    assert reports[0].batch_id == reports[1].batch_id
    assert count(engine, Family) == 2 and count(engine, Person) == 4
    assert count(engine, Batch) == (2 if source_exists else 1)
    assert check_integrity(engine) == []


def test_an_import_that_waits_too_long_is_refused_in_words(engine: Engine, tmp_path: Path) -> None:
    files = batch(tmp_path / "same", GOOD_KELUARGA, GOOD_ANGGOTA)
    # The hasty import starts once the patient one holds the source, and the patient one
    # holds it until the hasty one has given up: no guess of how long either takes
    # (on a busy machine a fixed head start was not always enough).
    holding, gave_up = threading.Event(), threading.Event()

    def patient() -> ImportReport:
        def linger(message: str) -> None:
            if message.startswith("memuat") and not holding.is_set():
                holding.set()
                gave_up.wait(timeout=120)

        return import_batch(engine, *files, source="desa", today=TODAY, progress=linger)

    def hasty() -> ImportReport:
        assert holding.wait(timeout=120), "the patient import never started loading"
        try:
            return import_batch(engine, *files, source="desa", today=TODAY, wait_s=0.3)
        finally:
            gave_up.set()

    first, second = run_together([patient, hasty])
    assert isinstance(first, ImportReport) and not first.already_imported
    assert isinstance(second, ImportBusy), second
    assert "sedang dimuat oleh proses lain" in str(second)
    assert count(engine, Batch) == 1 and count(engine, Person) == 4


@contextmanager
def source_held(engine: Engine, source: str) -> Iterator[None]:
    """Another writer holding the source (PostgreSQL) or the database (SQLite)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(f"import:{source}")}
            )
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.rollback()


TOKENS: dict[str, str] = {}


def cli(engine: Engine, tmp_path: Path, wait_s: int, *args: str) -> subprocess.Popen[str]:
    url = engine.url.render_as_string(hide_password=False)
    env = os.environ | {
        "TERPADU_DATA_DIR": str(tmp_path / "var"),
        "TERPADU_DATABASE_URL": url,
        "TERPADU_IMPORT_WAIT_S": str(wait_s),
        # The import runs as an account: a kab/kota verifier of the batch's region
        # (made before the test holds the database, which would block making it).
        "TERPADU_TOKEN": TOKENS[url],
    }
    command = [sys.executable, "-c", "from terpadu.cli import main; main()", "import", *args]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_the_command_waits_then_loads_once_or_is_refused_in_words(
    engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    TOKENS[url] = cli_token(url, "verif", "verifikator_kab", "3604")
    files = [str(p) for p in batch(tmp_path / "same", GOOD_KELUARGA, GOOD_ANGGOTA)]
    # Refused: the source stays held for longer than the command waits.
    with source_held(engine, "desa"):
        refused = cli(engine, tmp_path, 1, *files, "--source", "desa")
        out, err = refused.communicate(timeout=120)
    assert refused.returncode == 1, out + err
    assert "sedang" in out + err and "proses lain" in out + err
    assert "Traceback" not in out + err
    assert count(engine, Batch) == 0
    # Two commands wait on the same holder; when it lets go one loads, the other no-ops.
    with source_held(engine, "desa"):
        both = [cli(engine, tmp_path, 120, *files, "--source", "desa") for _ in range(2)]
        time.sleep(4)  # both started and waiting
    results = [p.communicate(timeout=120) for p in both]
    for process, (out, err) in zip(both, results, strict=True):
        assert process.returncode == 0, out + err
        assert "Traceback" not in out + err
    assert sum("sudah pernah dimuat" in out for out, _ in results) == 1, results
    assert count(engine, Batch) == 1 and count(engine, Person) == 4
