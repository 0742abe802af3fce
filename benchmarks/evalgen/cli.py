"""Command line: python -m benchmarks.evalgen OUTDIR --persons N [--dup-rate R] [--seed S] ..."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from .faults import PROFILES
from .generate import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.evalgen",
        description="Write an independent evaluation registry (keluarga.csv, anggota.csv) "
        "with its ground truth (truth.csv) for scoring record linkage.",
    )
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("--persons", type=int, default=100_000, help="true persons")
    parser.add_argument(
        "--dup-rate",
        type=float,
        default=0.10,
        help="share of persons registered more than once (0.10 = 10 %%)",
    )
    parser.add_argument("--seed", type=int, default=1, help="1-9 development, 101+ reporting")
    parser.add_argument("--kab", default="3329", help="4-digit kabupaten/kota code")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    if not 0 <= args.dup_rate < 1:
        parser.error("--dup-rate is a share of persons, from 0 to below 1")
    try:
        summary = generate(
            args.out,
            persons=args.persons,
            duplicate_rate=args.dup_rate,
            seed=args.seed,
            kabupaten=args.kab,
            profile=args.profile,
            today=args.today,
        )
    except ValueError as problem:  # an unknown kabupaten code
        parser.error(str(problem))
    print(
        f"{summary.persons:,} persons, {summary.registrations:,} registrations in "
        f"{summary.families:,} family records; {summary.duplicated_persons:,} persons "
        f"registered more than once ({summary.duplicate_rate:.1%}), {summary.true_pairs:,} true "
        f"pairs; {summary.intended_rejects:,} rows meant to be rejected; "
        f"{summary.seconds:.1f} s -> {args.out}"
    )
