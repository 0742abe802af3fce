"""Commands start without the heavy packages only some of them use."""

from __future__ import annotations

import subprocess
import sys

import pytest

# NumPy and Arrow come with welfare, targeting and the batch engine; loading them costs a
# fifth of a second on every command, the import of a million rows included.
HEAVY = ("numpy", "pyarrow", "duckdb", "sklearn", "lightgbm", "splink", "fastapi")


def test_loading_the_command_leaves_heavy_packages_out() -> None:
    probe = f"import sys, terpadu.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""


def test_engine_names_load_on_first_use() -> None:
    import terpadu.engine as engine
    from terpadu.engine.batch import DuckDBEngine
    from terpadu.engine.snapshot import SnapshotDamaged

    assert engine.DuckDBEngine is DuckDBEngine
    assert engine.SnapshotDamaged is SnapshotDamaged
    with pytest.raises(AttributeError, match="NoSuchThing"):
        engine.NoSuchThing  # noqa: B018
