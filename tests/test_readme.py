"""The README's "Using it" block runs as written, line by line, on an empty database.

Each line runs in a shell in a temporary folder with its own data folder, database and
login folder; ``.venv/bin/`` becomes the folder of the running interpreter's scripts, so
the line runs this checkout's ``terpadu``. Commands that ask for a password get it on
standard input (as a person types it), and ``password.txt`` holds it, as the README says.
``serve`` runs on a free port until its start page answers, then is stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import terpadu

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PASSWORD = "kata-sandi-readme-2026"
# Every line gets this long at most; the slowest (link on 5,000 families) takes about a minute.
LINE_TIMEOUT_S = 900
#: How long ``serve`` may take to answer (it starts in a few seconds on an idle machine).
SERVE_WAIT_S = 180

pytestmark = pytest.mark.slow


def using_it_block(readme: str) -> list[str]:
    """The command lines of the first ``sh`` block under "## Using it"."""
    section = readme.split("\n## Using it", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "README: no ```sh block under 'Using it'"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_block_is_found_and_runs_the_installed_command() -> None:
    lines = using_it_block(README.read_text(encoding="utf-8"))
    assert len(lines) >= 10
    assert all(line.startswith(".venv/bin/terpadu ") for line in lines), lines
    words = [shlex.split(line, comments=True)[1] for line in lines]
    # the order the README must keep: the survey is written before it is fitted, the
    # edition is published before target reads it
    assert words.index("synth") < words.index("pmt")
    assert words.index("edition") < words.index("target")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(work: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TERPADU_") or key == "TERPADU_TEST_POSTGRES_URL"
    }
    source = str(Path(terpadu.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    env["TERPADU_DATA_DIR"] = str(work / "var")
    env["TERPADU_DATABASE_URL"] = f"sqlite:///{(work / 'var' / 'terpadu.db').as_posix()}"
    env["TERPADU_LOGIN_DIR"] = str(work / "login")
    env.pop("COLUMNS", None)
    return env


def _serve(line: str, work: Path, env: dict[str, str]) -> None:
    """Start ``serve`` on a free port, wait for its start page, stop it."""
    port = _free_port()
    # the line's comment would swallow the option: the command alone, then the port
    command = shlex.join(shlex.split(line, comments=True))
    process = subprocess.Popen(
        ["bash", "-c", f"{command} --port {port}"],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + SERVE_WAIT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"{line}: ended with {process.returncode}\n{output}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk", timeout=2) as page:
                    assert page.status == 200
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        pytest.fail(f"{line}: no answer on port {port} within {SERVE_WAIT_S} s")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_readme_using_it_runs_as_written(tmp_path: Path) -> None:
    lines = using_it_block(README.read_text(encoding="utf-8"))
    scripts = Path(sys.executable).parent
    (tmp_path / "password.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    env = _environment(tmp_path)
    for line in lines:
        command = line.replace(".venv/bin/", f"{scripts}/", 1)
        if shlex.split(line, comments=True)[1] == "serve":
            _serve(command, tmp_path, env)
            continue
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=LINE_TIMEOUT_S,
            check=False,
        )
        print(f"{time.monotonic() - started:6.1f} s  {line}")
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    # what the lines promised is there
    for name in ("masalah.xlsx", "keluarga.xlsx", "anggota.parquet", "bnba.xlsx"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "var" / "editions" / "2026-11").is_dir()
