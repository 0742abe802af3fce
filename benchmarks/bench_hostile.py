"""Hostile inputs: peak memory and time of `terpadu import` (and of the web import) on files
built to exhaust a server, each of which the input limits refuse before parsing.

Builds the files in a temporary folder, then runs the real CLI command in a child process
per file (end to end, as a user runs it: start-up, checks, refusal), taking the child's own
peak RSS; the 100k-column CSV is also posted to `POST /api/v1/imports` of an app in a child
process, whose peak RSS is the server's. A valid batch is imported beside them for scale.

    .venv/bin/python benchmarks/bench_hostile.py
    .venv/bin/python benchmarks/bench_hostile.py --only xlsx_bomb,deep_quote
    .venv/bin/python benchmarks/bench_hostile.py --only wide_100k --src ../other/src  # before
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"  # the code measured (--src: another checkout's, for a before/after)
TERPADU = str(Path(sys.executable).with_name("terpadu"))
MiB = 1024 * 1024


# -- the files ----------------------------------------------------------------------------
def million_columns(folder: Path) -> Path:
    """A 7.9 MB CSV whose header has a million columns."""
    path = folder / "sejuta-kolom.csv"
    header = ",".join(f"K{i:05d}"[:7] for i in range(1_000_000))
    path.write_text(header + "\n" + "1," * 999_999 + "1\n")
    return path


def wide_100k(folder: Path) -> Path:
    """A 0.7 MB CSV of 100k columns (sent through the API in the issue)."""
    path = folder / "100rb-kolom.csv"
    path.write_text(",".join(f"K{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n")
    return path


def _xlsx_skeleton(path: Path) -> dict[str, bytes]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID_KELUARGA", "KODE_WILAYAH"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_bomb(folder: Path, mib: int = 2048, name: str = "bom.xlsx") -> Path:
    """A ~2 MB XLSX whose sheet unpacks to 2 GB (rows of inline text, highly repetitive)."""
    path = folder / name
    members = _xlsx_skeleton(path)
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 4000 + b"</t></is></c></row>"
    block = row * (MiB // len(row) + 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            for _ in range(mib):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def xlsx_ratio_bomb(folder: Path) -> Path:
    """A 0.5 MB XLSX whose sheet unpacks to 512 MB: under the size limit, not the ratio's."""
    return xlsx_bomb(folder, 512, "bom-rasio.xlsx")


def one_huge_cell(folder: Path) -> Path:
    """A 100 MB value on one line without a line break."""
    path = folder / "satu-sel.csv"
    with path.open("wb") as handle:
        handle.write(b"ID_KELUARGA,KODE_WILAYAH\nK1,")
        for _ in range(100):
            handle.write(b"x" * MiB)
    return path


def deep_quote(folder: Path) -> Path:
    """A quoted value of 1.5 million short lines (90 MB, under the row limit), closed, then
    a good row: only the cell's length tells it from a table."""
    path = folder / "kutip-dalam.csv"
    with path.open("wb") as handle:
        handle.write(b'ID_KELUARGA,KODE_WILAYAH\nK1,"')
        for _ in range(100):
            handle.write((b"a" * 59 + b"\n") * 15_000)
        handle.write(b'"\nK2,3604012001\n')
    return path


def many_sheets(folder: Path) -> Path:
    """A workbook of 2,000 small sheets."""
    from openpyxl import Workbook

    path = folder / "banyak-sheet.xlsx"
    book = Workbook(write_only=True)
    for index in range(2000):
        sheet = book.create_sheet(f"S{index}")
        sheet.append(["ID_KELUARGA", "KODE_WILAYAH"])
        sheet.append([f"K{index}", "3604012001"])
    book.save(path)
    return path


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "million_columns": million_columns,
    "wide_100k": wide_100k,
    "xlsx_bomb": xlsx_bomb,
    "xlsx_ratio_bomb": xlsx_ratio_bomb,
    "one_huge_cell": one_huge_cell,
    "deep_quote": deep_quote,
    "many_sheets": many_sheets,
}


# -- measuring ----------------------------------------------------------------------------
def _env(data_dir: Path) -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return os.environ | {
        "TERPADU_DATA_DIR": str(data_dir),
        "TERPADU_DATABASE_URL": f"sqlite:///{data_dir / 'terpadu.db'}",
        "PYTHONPATH": f"{SOURCE}{os.pathsep + path if path else ''}",
    }


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS MiB, exit status, last line of output) of one child."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert child.stdout is not None
    output = child.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), " ".join(lines[-3:])


API_CHILD = """
import resource, sys
from pathlib import Path
from fastapi.testclient import TestClient
from terpadu.accounts.users import create_user
from terpadu.settings import Settings
from terpadu.store import make_engine, upgrade
from terpadu.web import create_app

data = Path(sys.argv[1]); keluarga = Path(sys.argv[2]); anggota = Path(sys.argv[3])
engine = make_engine(f"sqlite:///{data / 'web.db'}")
upgrade(engine)
create_user(engine, "adm", "rahasia-sekali-123", role="admin_provinsi", region="36")
app = create_app(engine, Settings(data_dir=data), migrate=False, import_runner=lambda w: w())
client = TestClient(app, raise_server_exceptions=False)
token = client.post("/api/v1/auth/login",
                    json={"username": "adm", "password": "rahasia-sekali-123"}).json()
client.headers["Authorization"] = "Bearer " + token["access_token"]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with keluarga.open("rb") as k, anggota.open("rb") as a:
    r = client.post("/api/v1/imports", files={"keluarga": (keluarga.name, k), "anggota": (anggota.name, a)})
job = client.get(f"/api/v1/imports/{r.json()['id']}").json()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"server RSS before {before:.0f} MiB, peak after {after:.0f} MiB; job {job['status']}: {job.get('message')}")
"""


def valid_batch(folder: Path, households: int) -> tuple[Path, Path]:
    out = folder / "valid"
    env = _env(folder / "synth-data")
    subprocess.run(
        [TERPADU, "synth", str(out), "--households", str(households), "--kab", "36", "--seed", "1"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out / "keluarga.csv", out / "anggota.csv"


def import_once(folder: Path, name: str, keluarga: Path, anggota: Path) -> None:
    data_dir = folder / f"data-{name}"
    data_dir.mkdir()
    env = _env(data_dir)
    subprocess.run([TERPADU, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    command = [TERPADU, "import", str(keluarga), str(anggota), "--source", f"bench-{name}"]
    wall, rss, status, said = measure(command, env)
    if status == 0:
        said = "imported"
    size = keluarga.stat().st_size / MiB
    print(
        f"| {name} | `terpadu import` | {size:.1f} | {rss:.0f} | {wall:.1f} | {status} | {said} |"
    )


def api_once(folder: Path, keluarga: Path, anggota: Path) -> None:
    data_dir = folder / "data-api"
    data_dir.mkdir()
    command = [sys.executable, "-c", API_CHILD, str(data_dir), str(keluarga), str(anggota)]
    wall, rss, status, said = measure(command, _env(data_dir))
    size = keluarga.stat().st_size / MiB
    print(
        f"| wide_100k | `POST /api/v1/imports` | {size:.1f} | {rss:.0f} | {wall:.1f} | {status} | {said} |"
    )


def main() -> None:
    global SOURCE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated names of files to run")
    parser.add_argument("--households", type=int, default=20_000, help="size of the valid batch")
    parser.add_argument("--src", type=Path, default=SOURCE, help="the source tree to measure")
    args = parser.parse_args()
    SOURCE = args.src.resolve()
    wanted = [n for n in args.only.split(",") if n] or [*HOSTILE, "valid", "api"]
    with tempfile.TemporaryDirectory(prefix="terpadu-hostile-") as tmp:
        folder = Path(tmp)
        keluarga, anggota = valid_batch(folder, args.households)
        print("| file | command | size (MiB) | peak RSS (MiB) | wall (s) | exit | said |")
        print("|---|---|---:|---:|---:|---:|---|")
        if "valid" in wanted:
            import_once(folder, "valid", keluarga, anggota)
        for name, build in HOSTILE.items():
            if name in wanted:
                import_once(folder, name, build(folder), anggota)
        if "api" in wanted:
            api_once(folder, wide_100k(folder), anggota)


if __name__ == "__main__":
    main()
