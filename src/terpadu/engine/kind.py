"""The batch engines by name."""

from __future__ import annotations

from typing import Literal

EngineKind = Literal["duckdb", "spark"]
