"""Private working folders for batch runs whose intermediate files hold personal data.

A ranking, linkage or targeting run freezes the registry (NIKs, names, birth dates) to
Parquet. :func:`scratch_folder` gives the run a folder only the service user can open
(0700; :func:`private_files` makes the files 0600) and removes it when the run ends,
whether it succeeded or failed. A run killed outright cannot clean up: each run holds an
exclusive lock on its folder's lock file while it lives, and the next run sweeps the
folders whose lock is free (:func:`sweep`), so a leftover lasts until the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from terpadu.settings import run_folder

LOCK_NAME = ".run.lock"
# A folder without a lock file is a run caught between mkdir and its lock: left alone
# for this long, then treated as dead.
UNLOCKED_GRACE_S = 600.0


def private_dir(folder: Path) -> Path:
    """``folder`` (and missing parents) created 0700; an existing one tightened to 0700."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def private_files(folder: Path) -> None:
    """Every file under ``folder`` made 0600 and every folder 0700."""
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):
            path.chmod(0o700 if path.is_dir() else 0o600)


def _is_dead(folder: Path) -> bool:
    lock = folder / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        try:
            age = time.time() - folder.stat().st_mtime
        except FileNotFoundError:
            return False
        return age > UNLOCKED_GRACE_S
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a live run holds it
    finally:
        os.close(fd)  # closing drops the lock we may have taken
    return True


def sweep(root: Path) -> list[Path]:
    """Remove the folders under ``root`` left by runs that died; the folders removed."""
    if not root.is_dir():
        return []
    removed = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if _is_dead(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def scratch_folder(root: Path, prefix: str = "") -> Iterator[Path]:
    """A new private folder under ``root`` for one run, removed when the block ends.

    Leftovers of dead runs under ``root`` are swept first.
    """
    sweep(root)
    private_dir(root)
    folder = run_folder(root, prefix)
    folder.mkdir(mode=0o700)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


__all__ = ["private_dir", "private_files", "scratch_folder", "sweep"]
