"""Private scratch folders: 0700, removed at the end or on failure, a killed run's swept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from terpadu.scratch import LOCK_NAME, private_files, scratch_folder, sweep


def test_a_scratch_folder_is_private_and_removed(tmp_path: Path) -> None:
    root = tmp_path / "scratch"
    with scratch_folder(root, "rank-") as work:
        assert work.parent == root and work.name.startswith("rank-")
        assert work.stat().st_mode & 0o777 == 0o700 and root.stat().st_mode & 0o777 == 0o700
        (work / "persons.parquet").write_bytes(b"NIK")
        private_files(work)
        assert (work / "persons.parquet").stat().st_mode & 0o777 == 0o600
        assert sweep(root) == []  # a live run is never swept
    assert not work.exists()


def test_a_failed_run_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), scratch_folder(tmp_path) as work:
        (work / "x.parquet").write_bytes(b"NIK")
        raise RuntimeError("gagal")
    assert list(tmp_path.iterdir()) == []


def test_a_killed_run_is_swept_at_the_next_start(tmp_path: Path) -> None:
    root = tmp_path / "scratch"
    child = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from terpadu.scratch import scratch_folder
        with scratch_folder(Path({str(root)!r}), "rank-") as work:
            (work / "persons.parquet").write_bytes(b"3604051507870001 Ahmad")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", child], env=env, check=False)
    assert done.returncode == -signal.SIGKILL
    [left] = list(root.iterdir())
    assert (left / "persons.parquet").exists()
    with scratch_folder(root) as work:
        assert [p.name for p in root.iterdir()] == [work.name]
    assert list(root.iterdir()) == []


def test_a_folder_caught_before_its_lock_is_left_for_a_while(tmp_path: Path) -> None:
    young = tmp_path / "young"
    young.mkdir()
    old = tmp_path / "old"
    old.mkdir()
    os.utime(old, (0, 0))
    stale_lock = tmp_path / "dead"
    stale_lock.mkdir()
    (stale_lock / LOCK_NAME).touch()
    assert sorted(p.name for p in sweep(tmp_path)) == ["dead", "old"]
    assert young.exists()
