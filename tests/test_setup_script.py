"""scripts/setup.sh: numbered steps in words (Indonesian, or English), uv's own progress on
a terminal and quiet in logs, the elapsed time at the end; POSIX sh, and safe to run again.

Run against a copy of the script whose ``.venv/bin/python`` only records how it was called,
so nothing is installed."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSIX_SH = shutil.which("dash") or "sh"  # dash knows no bash extension: a bashism fails


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with the script and a recording ``.venv/bin/python``; (folder, its log)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    (tmp_path / "src").mkdir()
    log = tmp_path / "calls.log"
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n')
    python.chmod(0o755)
    # Not root: the Chromium step (apt-get) is left out.
    fake_id = tmp_path / "bin" / "id"
    fake_id.parent.mkdir()
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    return tmp_path, log


def _env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TERPADU_LANGUAGE"}
    return env | {"PATH": f"{folder / 'bin'}:{env.get('PATH', '')}"} | extra


def test_steps_in_indonesian_quiet_in_a_log(tmp_path: Path) -> None:
    folder, log = _project(tmp_path)
    done = subprocess.run(
        [POSIX_SH, "scripts/setup.sh"], cwd=folder, env=_env(folder), capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert lines[0] == "[1/4] Membuat lingkungan Python (.venv)…"
    assert "sudah ada, dipakai lagi" in lines[1]  # the existing .venv is kept
    assert [line[:5] for line in lines if line.startswith("[")] == [
        "[1/4]", "[2/4]", "[3/4]", "[4/4]",
    ]  # fmt: skip
    assert lines[-1].startswith("Selesai dalam ") and lines[-1].endswith(" dtk.")
    sync = next(c for c in log.read_text().splitlines() if c.startswith("-m uv sync"))
    assert "--quiet" in sync and "--no-dev" in sync


def test_english_and_uv_progress_on_a_terminal(tmp_path: Path) -> None:
    folder, log = _project(tmp_path)
    leader, follower = pty.openpty()
    try:
        code = subprocess.run(
            [POSIX_SH, "scripts/setup.sh", "--dev"], cwd=folder,
            env=_env(folder, TERPADU_LANGUAGE="en"), stdout=follower, stderr=follower, check=False,
        ).returncode  # fmt: skip
        os.close(follower)
        said = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            said += chunk
    finally:
        os.close(leader)
    assert code == 0, said
    text = said.decode().replace("\r\n", "\n")
    assert "Creating the Python environment (.venv)…" in text
    assert "Installing Terpadu and the test tools from uv.lock…" in text
    assert "Done in " in text
    sync = next(c for c in log.read_text().splitlines() if c.startswith("-m uv sync"))
    assert "--quiet" not in sync and "--group dev" in sync
