"""What targeting reads from the registry: the snapshot, the ranking, civil-registry flags,
current enrolments. Each comes out as Arrow, ready to register on a batch engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
from sqlalchemy import Engine, text

from terpadu.editions import current_edition, get_edition, open_edition
from terpadu.engine import BatchEngine, Snapshot, write_snapshot
from terpadu.errors import TerpaduError
from terpadu.identity import findings as dukcapil


class TargetingError(TerpaduError, RuntimeError):
    """Targeting cannot run (no ranking, no such programme, a bad file); says why in Bahasa."""

    code = "targeting_error"


@dataclass(frozen=True)
class RegistryInputs:
    """The data a targeting run works on, and what identifies it."""

    snapshot: Snapshot
    snapshot_sha256: str
    edition_id: int | None
    edition_period: str | None
    welfare: pa.Table
    welfare_run_id: int | None
    flags: pa.Table
    flags_available: bool


def snapshot_digest(sums: dict[str, str]) -> str:
    """sha256 over the snapshot's file checksums (as welfare runs record it)."""
    return hashlib.sha256(
        "\n".join(f"{name}:{sums[name]}" for name in sorted(sums)).encode()
    ).hexdigest()


def _query(engine: Engine, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params or {}).all())


def welfare_table(engine: Engine) -> tuple[pa.Table, int | None]:
    """The current ranking of every family (empty when never ranked) and its run id."""
    rows = _query(
        engine,
        "SELECT family_id, desil, persentil, pmt_score, skor_deprivasi, miskin_multidimensi, "
        "run_id FROM family_welfare WHERE is_current = 1",
    )
    if not rows:
        return _empty_welfare(), None
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "family_id": pl.Int64,
            "desil": pl.Int64,
            "persentil": pl.Int64,
            "pmt_score": pl.Float64,
            "skor_deprivasi": pl.Float64,
            "miskin_multidimensi": pl.Int64,
            "run_id": pl.Int64,
        },
        orient="row",
    )
    run_id = int(frame["run_id"].max())  # type: ignore[arg-type]
    return frame.drop("run_id").to_arrow(), run_id


def _empty_welfare() -> pa.Table:
    return pa.table(
        {
            "family_id": pa.array([], pa.int64()),
            "desil": pa.array([], pa.int64()),
            "persentil": pa.array([], pa.int64()),
            "pmt_score": pa.array([], pa.float64()),
            "skor_deprivasi": pa.array([], pa.float64()),
            "miskin_multidimensi": pa.array([], pa.int64()),
        }
    )


def empty_flags() -> pa.Table:
    return pa.table(
        {
            "person_id": pa.array([], pa.int64()),
            "nik_ditolak": pa.array([], pa.int64()),
            "meninggal": pa.array([], pa.int64()),
        }
    )


def civil_registry_flags(engine: Engine) -> tuple[pa.Table, bool]:
    """Per person, from the latest civil-registry (Dukcapil) check: NIK rejected, dead.

    Reads ``dukcapil_result``; with no check yet nothing is flagged and the second
    value is False, so the run and its report can say the check was not available.
    """
    rows = _query(
        engine,
        """
        SELECT r.person_id, r.findings, r.alive FROM dukcapil_result r
        JOIN (SELECT person_id, max(check_id) AS last_check FROM dukcapil_result
              GROUP BY person_id) l
          ON l.person_id = r.person_id AND l.last_check = r.check_id
        """,
    )
    if not rows:
        return empty_flags(), False
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"person_id": pl.Int64, "findings": pl.Utf8, "alive": pl.Int64},
        orient="row",
    )
    findings = pl.col("findings").fill_null("")
    rejected = pl.any_horizontal([findings.str.contains(f) for f in dukcapil.REJECTING])
    dead = (pl.col("alive") == 0).fill_null(False) | findings.str.contains(dukcapil.DEAD)
    flags = (
        frame.group_by("person_id")
        .agg(
            rejected.max().cast(pl.Int64).alias("nik_ditolak"),
            dead.max().cast(pl.Int64).alias("meninggal"),
        )
        .sort("person_id")
    )
    return flags.to_arrow(), True


def existing_enrolments(
    engine: Engine, programs: Iterable[str], period: str, exclude_run: int | None = None
) -> pa.Table:
    """Current enrolments (family_id, program) of ``programs``.

    For each programme: its current run for ``period`` if it has one, else its most
    recent current run (a programme paid monthly conflicts with one paid yearly).
    """
    wanted = sorted(set(programs))
    frames: list[pl.DataFrame] = []
    if wanted:
        for program in wanted:
            runs = _query(
                engine,
                "SELECT id, period FROM targeting_run WHERE program = :p AND is_current = 1 "
                "ORDER BY id DESC",
                {"p": program},
            )
            runs = [r for r in runs if r.id != exclude_run]
            if not runs:
                continue
            chosen = next((r for r in runs if r.period == period), runs[0])
            rows = _query(
                engine,
                "SELECT family_id FROM enrolment WHERE run_id = :r AND is_current = 1",
                {"r": chosen.id},
            )
            frames.append(
                pl.DataFrame(
                    {"family_id": [int(r[0]) for r in rows], "program": [program] * len(rows)},
                    schema={"family_id": pl.Int64, "program": pl.Utf8},
                )
            )
    if not frames:
        return pa.table(
            {"family_id": pa.array([], pa.int64()), "program": pa.array([], pa.string())}
        )
    return pl.concat(frames).to_arrow()


def registry_inputs(
    engine: Engine,
    *,
    edition: str | None = None,
    work_dir: Path,
    use_edition: bool = True,
) -> RegistryInputs:
    """The snapshot to target on: the named or latest published edition, else a live snapshot.

    ``use_edition=False`` always freezes the live registry (what-if simulations on
    today's data). The ranking and the civil-registry flags come from the database.
    """
    edition_id: int | None = None
    edition_period: str | None = None
    if edition is not None or use_edition:
        info = get_edition(engine, edition) if edition is not None else current_edition(engine)
        if info is not None:
            snapshot = open_edition(engine, info.period)
            edition_period = info.period
            rows = _query(engine, "SELECT id FROM edition WHERE period = :p", {"p": info.period})
            edition_id = int(rows[0][0]) if rows else None
        else:
            snapshot = _live(engine, work_dir)
    else:
        snapshot = _live(engine, work_dir)
    welfare, welfare_run = welfare_table(engine)
    flags, available = civil_registry_flags(engine)
    return RegistryInputs(
        snapshot=snapshot,
        snapshot_sha256=snapshot_digest(snapshot.sha256),
        edition_id=edition_id,
        edition_period=edition_period,
        welfare=welfare,
        welfare_run_id=welfare_run,
        flags=flags,
        flags_available=available,
    )


def _live(engine: Engine, work_dir: Path) -> Snapshot:
    return write_snapshot(engine, work_dir)


#: Family columns added after the first snapshots: an older edition is read as if blank.
LATER_FAMILY_COLUMNS = {"desil_nasional": "INT", "persentil_nasional": "DOUBLE"}


def register_families(batch: BatchEngine, path: Path) -> None:
    """The snapshot's families as ``families``, with every column the rules read."""
    import pyarrow.parquet as pq

    missing = {c: t for c, t in LATER_FAMILY_COLUMNS.items() if c not in pq.read_schema(path).names}
    if not missing:
        batch.register_parquet("families", path)
        return
    batch.register_parquet("families_snapshot", path)
    added = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in missing.items())
    batch.execute(
        f"CREATE OR REPLACE TEMPORARY VIEW families AS SELECT *, {added} FROM families_snapshot"
    )


def register_inputs(batch: BatchEngine, inputs: RegistryInputs, existing: pa.Table) -> None:
    """Register the snapshot and the side tables under the names ``rules`` expects."""
    register_families(batch, inputs.snapshot.table("families"))
    batch.register_parquet("persons", inputs.snapshot.table("persons"))
    batch.register_table("t_welfare", inputs.welfare)
    batch.register_table("t_flags", inputs.flags)
    batch.register_table("t_existing", existing)
