"""Web search benchmark: NIK and name search at 1 M persons in PostgreSQL, over HTTP.

Builds (once) a registry of ~1 M persons in its own PostgreSQL schema with
`terpadu synth` + `terpadu import`, adds a verifier account, starts
`uvicorn terpadu.web.server:app --workers 2` on loopback, and drives
`GET /api/v1/search` from a second process (`wrk` with a Lua script for the bearer
header, fixed duration and connections; or `--tool httpx`, an asyncio client). Reports
p50/p95/p99 latency and sustained requests per second for NIKs, for names as
registered and for the same names misspelt (one letter changed per word, which
the spelling-tolerant path answers). Two connections by default: one per core
of the machine the issue names; more only queue behind each other there.

    .venv/bin/python benchmarks/bench_web.py --households 290000 --duration 20
    .venv/bin/python benchmarks/bench_web.py --households 20000 --duration 5   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_URL = os.environ.get(
    "TERPADU_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "bench-password-1"

WRK_LUA = r"""
local queries = {}
for line in io.lines(os.getenv("BENCH_QUERIES")) do queries[#queries + 1] = line end
local token = os.getenv("BENCH_TOKEN")
local i = 0
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]:gsub(" ", "%%20")
  return wrk.format("GET", "/api/v1/search?q=" .. q, {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "errors": %d, "wall_s": %.3f, "rps": %.1f, "p50_ms": %.2f, '
    .. '"p95_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, errors, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

LOAD = r"""
import asyncio, json, sys, time, httpx
base, token, queries, n, conc = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
async def main():
    lat = []; errors = 0
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        for q in queries[:20]:
            await c.get("/api/v1/search", params={"q": q})
        i = 0
        async def worker():
            nonlocal i, errors
            while i < n:
                q = queries[i % len(queries)]; i += 1
                t = time.perf_counter()
                r = await c.get("/api/v1/search", params={"q": q})
                lat.append(time.perf_counter() - t)
                if r.status_code != 200: errors += 1
        t0 = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(conc)])
        wall = time.perf_counter() - t0
    lat.sort()
    p = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))] * 1000
    print(json.dumps({"requests": len(lat), "errors": errors, "wall_s": wall, "rps": len(lat) / wall,
                      "p50_ms": p(0.5), "p95_ms": p(0.95), "p99_ms": p(0.99)}))
asyncio.run(main())
"""


def schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def prepare(households: int, seed: int, schema: str, data_dir: Path) -> str:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    url = schema_url(schema)
    env = {**os.environ, "TERPADU_DATABASE_URL": url, "TERPADU_DATA_DIR": str(data_dir)}
    engine = create_engine(url)
    with engine.connect() as conn:
        has = conn.execute(text("SELECT to_regclass('person') IS NOT NULL")).scalar()
        persons = conn.execute(text("SELECT count(*) FROM person")).scalar() if has else 0
    if not persons:
        batch = data_dir / f"synth-{households}-{seed}"
        if not (batch / "anggota.csv").exists():
            subprocess.run(
                [
                    str(BIN / "terpadu"),
                    "synth",
                    str(batch),
                    "--households",
                    str(households),
                    "--kab",
                    "36",
                    "--seed",
                    str(seed),
                    "--faults",
                    "default",
                ],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        t = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "terpadu"),
                "import",
                str(batch / "keluarga.csv"),
                str(batch / "anggota.csv"),
                "--source",
                "bench",
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        print(f"import: {time.perf_counter() - t:.1f} s")
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM web_user WHERE username = 'bench'")).scalar()
    if not exists:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from terpadu.cli.web import users_app; sys.argv=['x','add','bench',"
                "'--role','verifikator_kab','--region','36']; users_app()",
            ],
            input=PASSWORD + "\n",
            text=True,
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    return url


def sample_queries(url: str, n: int, seed: int) -> tuple[list[str], list[str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT max(id) FROM person")).scalar() or 1
        rng = random.Random(seed)
        ids = [rng.randint(1, total) for _ in range(n * 2)]
        rows = conn.execute(
            text("SELECT nik, nama FROM person WHERE id = ANY(:ids)"), {"ids": ids}
        ).all()
    niks = [r.nik for r in rows if r.nik][:n]
    names = [r.nama for r in rows if r.nama][:n]
    return niks, names


def misspell(names: list[str], seed: int) -> list[str]:
    """Each name with one letter changed in every word longer than three letters."""
    rng = random.Random(seed)
    out = []
    for name in names:
        words = []
        for word in name.split():
            if len(word) > 3:
                i = rng.randrange(1, len(word) - 1)
                word = word[:i] + rng.choice("aiueo") + word[i + 1 :]
            words.append(word)
        out.append(" ".join(words))
    return out


def run_wrk(
    base: str, token: str, queries: list[str], args: argparse.Namespace
) -> dict[str, float]:
    """wrk (Debian package) from a second process: a fixed duration, bounded connections."""
    folder = Path(tempfile.mkdtemp())
    (folder / "search.lua").write_text(WRK_LUA)
    (folder / "queries.txt").write_text("\n".join(queries) + "\n")
    env = {**os.environ, "BENCH_QUERIES": str(folder / "queries.txt"), "BENCH_TOKEN": token}
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{args.concurrency}",
            f"-d{args.duration}s",
            "-s",
            str(folder / "search.lua"),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=args.duration + 60,
    )
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    return dict(json.loads(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=290_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--schema", default=None)
    parser.add_argument("--tool", choices=["wrk", "httpx"], default="wrk")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    args = parser.parse_args()
    schema = args.schema or f"bench_web_{args.households}"
    data_dir = Path(tempfile.gettempdir()) / "terpadu-bench-web"
    data_dir.mkdir(exist_ok=True)
    url = prepare(args.households, args.seed, schema, data_dir)
    with create_engine(url).connect() as conn:
        persons = conn.execute(text("SELECT count(*) FROM person")).scalar()
    niks, names = sample_queries(url, 500, args.seed)
    load_before = [round(x, 2) for x in os.getloadavg()]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TERPADU_DATABASE_URL": url, "TERPADU_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [
            str(BIN / "uvicorn"),
            "terpadu.web.server:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(120):
            try:
                r = httpx.post(
                    f"{base}/api/v1/auth/login", json={"username": "bench", "password": PASSWORD}
                )
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        token = r.json()["access_token"]
        results = {}
        kinds = (("nik", niks), ("name", names), ("misspelt_name", misspell(names, args.seed)))
        if args.tool == "wrk":
            # Warm-up, not measured: both workers read the name word list, fill their
            # connection pools and PostgreSQL its caches.
            run_wrk(base, token, kinds[2][1], argparse.Namespace(**{**vars(args), "duration": 5}))
        for label, queries in kinds:
            if args.tool == "wrk":
                results[label] = run_wrk(base, token, queries, args)
                continue
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    LOAD,
                    base,
                    token,
                    json.dumps(queries),
                    str(args.requests),
                    str(args.concurrency),
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
            results[label] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(10)
    print(
        json.dumps(
            {
                "persons": persons,
                "machine": f"{platform.machine()} {os.cpu_count()} cores",
                "date": time.strftime("%Y-%m-%d"),
                "workers": 2,
                "concurrency": args.concurrency,
                "load_average_before": load_before,
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
