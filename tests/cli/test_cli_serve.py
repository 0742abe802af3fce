"""``terpadu serve`` on a port it cannot take says so in words and exits 1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from terpadu.cli import app
from terpadu.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.mark.parametrize(
    ("language", "words"),
    [("id", "sudah dipakai program lain"), ("en", "is already used by another program")],
)
def test_busy_port_is_named_with_the_option_to_use(
    busy_port: int, language: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERPADU_LANGUAGE", language)
    get_settings.cache_clear()
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(a))
    result = runner.invoke(app, ["serve", "--port", str(busy_port)])
    assert result.exit_code == 1
    assert words in result.output
    assert f"port {busy_port}" in result.output
    assert "--port " in result.output
    assert "Errno" not in result.output
    assert "http://" not in result.output  # never announced as running
    assert not started


def test_free_port_starts_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, object]] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: started.append(k))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/" in result.output
    assert started and started[0]["port"] == port


def test_unknown_host_says_which_to_use() -> None:
    result = runner.invoke(app, ["serve", "--host", "host.invalid", "--port", "8000"])
    assert result.exit_code == 1
    assert "--host 127.0.0.1" in result.output
