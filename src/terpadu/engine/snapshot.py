"""Registry snapshots: the registry's tables frozen to Parquet for batch work.

Batch stages (linkage, welfare ranking, targeting) read a snapshot, not the
live database: the run is reproducible, the database is not held open for
minutes, and DuckDB or Spark read Parquet natively. A published registry
edition is a snapshot kept for good, with its checksums in the catalogue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Column, Engine, Float, Integer, text

from terpadu.store.models import Family, Membership, Person

MANIFEST = "manifest.json"
FETCH_ROWS = 200_000


@dataclass(frozen=True)
class Snapshot:
    """A folder of Parquet tables with a manifest of row counts and checksums."""

    path: Path
    row_counts: dict[str, int]
    sha256: dict[str, str]
    created_at: dt.datetime

    def table(self, name: str) -> Path:
        return self.path / f"{name}.parquet"

    @property
    def tables(self) -> dict[str, Path]:
        return {name: self.table(name) for name in self.row_counts}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _schema(model: type) -> dict[str, pl.DataType]:
    return {c.name: _polars_type(c) for c in model.__table__.columns}  # type: ignore[attr-defined]


def _polars_type(column: Column[Any]) -> pl.DataType:
    """The polars type a registry column is read as, whichever database holds it."""
    kind = column.type
    if isinstance(kind, Float):
        return pl.Float64()
    if isinstance(kind, Integer):  # SmallInteger and BigInteger are Integers too
        return pl.Int64()
    return pl.Utf8()  # text, dates (normalised later), timestamps, JSON


def _kind(dtype: pl.DataType) -> str:
    return "int" if dtype == pl.Int64() else "float" if dtype == pl.Float64() else "text"


def _read_tables(
    engine: Engine, queries: dict[str, tuple[str, dict[str, pl.DataType]]], workdir: Path
) -> dict[str, pl.DataFrame]:
    """Each query's result as a typed frame, all read in one consistent read transaction.

    SQLite and PostgreSQL are read through ADBC (Arrow straight from the
    database, no Python row objects: a million persons in about two seconds);
    SQLite in a child process (see ``_adbc_export``). Other databases through
    SQLAlchemy rows.
    """
    name = engine.dialect.name
    database = engine.url.database
    if name == "sqlite" and database and database != ":memory:":
        spec = {
            "database": database,
            "tables": [
                {
                    "sql": sql,
                    "out": str(workdir / f".{table}.adbc.parquet"),
                    "schema": {column: _kind(dtype) for column, dtype in schema.items()},
                }
                for table, (sql, schema) in queries.items()
            ],
        }
        subprocess.run(
            [sys.executable, "-m", "terpadu.engine._adbc_export"],
            input=json.dumps(spec).encode(),
            check=True,
        )
        frames = {}
        for table in queries:
            raw = workdir / f".{table}.adbc.parquet"
            frames[table] = pl.read_parquet(raw)
            raw.unlink()
        return frames
    if name == "postgresql":
        import adbc_driver_postgresql.dbapi as adbc_postgres

        uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        frames = {}
        with adbc_postgres.connect(uri) as connection:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for table, (sql, schema) in queries.items():
                with connection.cursor() as cursor:
                    cursor.execute(sql)
                    frame = pl.from_arrow(cursor.fetch_arrow_table())
                assert isinstance(frame, pl.DataFrame)
                frames[table] = frame.select(
                    pl.col(c).cast(dtype, strict=False) for c, dtype in schema.items()
                )
            connection.rollback()
        return frames
    return {table: _rows_frame(engine, sql, schema) for table, (sql, schema) in queries.items()}


def _rows_frame(engine: Engine, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True).execute(text(sql))
        parts = []
        while rows := result.fetchmany(FETCH_ROWS):
            parts.append(
                pl.DataFrame(
                    [tuple(r) for r in rows],
                    schema=list(schema),
                    orient="row",
                    infer_schema_length=None,
                )
            )
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, how="vertical_relaxed").cast(
        {name: dtype for name, dtype in schema.items() if name != "extra"}, strict=False
    )


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Same types whichever database the rows came from (SQLite gives text dates)."""
    casts = []
    for name in frame.columns:
        if name in {"tgl_lahir"}:
            casts.append(pl.col(name).cast(pl.Utf8).str.slice(0, 10).str.to_date(strict=False))
        elif name == "extra" and frame[name].dtype != pl.Utf8:  # JSON read as objects
            casts.append(
                pl.col(name).map_elements(
                    lambda v: v if isinstance(v, str) or v is None else json.dumps(v),
                    return_dtype=pl.Utf8,
                )
            )
        elif name.endswith("_at"):
            casts.append(pl.col(name).cast(pl.Utf8))
        else:
            casts.append(pl.col(name))
    return frame.select(casts)


def _queries(
    columns: Mapping[str, Sequence[str] | None],
) -> dict[str, tuple[str, dict[str, pl.DataType]]]:
    """Each named table's query and column types: the given columns, or all of them."""
    models = {"families": Family, "persons": Person, "memberships": Membership}
    queries: dict[str, tuple[str, dict[str, pl.DataType]]] = {}
    for table, wanted in columns.items():
        model = models[table]
        schema = _schema(model)
        if wanted is not None:
            schema = {c: schema[c] for c in wanted}
        if table == "persons":
            sql = f"""
                SELECT {", ".join("p." + c for c in schema)},
                       m.family_id AS family_id, m.hub_keluarga AS membership_hub
                FROM person p
                LEFT JOIN membership m ON m.person_id = p.id AND m.left_at IS NULL
                ORDER BY p.id
            """
            schema = schema | {"family_id": pl.Int64(), "membership_hub": pl.Int64()}
        else:
            name = model.__tablename__
            sql = f"SELECT {', '.join(schema)} FROM {name} ORDER BY id"
        queries[table] = (sql, schema)
    return queries


def registry_frames(
    engine: Engine, workdir: Path, columns: Mapping[str, Sequence[str] | None] | None = None
) -> dict[str, pl.DataFrame]:
    """Snapshot tables as frames, without writing them (one consistent read).

    ``columns``: table → the columns to read (None: all); without it, every table whole.
    For a batch run that uses them at once (linkage): no Parquet round trip, and only what
    it needs. ``workdir`` holds the reader's scratch files.
    """
    wanted = columns or dict.fromkeys(("families", "persons", "memberships"))
    frames = _read_tables(engine, _queries(wanted), workdir)
    return {name: _normalise(frame) for name, frame in frames.items()}


def write_snapshot(engine: Engine, outdir: Path) -> Snapshot:
    """Write families, persons (with their current family) and memberships to ``outdir``.

    The files hold NIKs and names: ``outdir`` is made 0700 and the files 0600.
    """
    outdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    outdir.chmod(0o700)
    frames = registry_frames(engine, outdir)
    counts: dict[str, int] = {}
    sums: dict[str, str] = {}
    for name, frame in frames.items():
        path = outdir / f"{name}.parquet"
        frame.write_parquet(path, statistics=True)
        path.chmod(0o600)
        counts[name] = frame.height
        sums[name] = _sha256(path)
    created = dt.datetime.now(dt.UTC)
    (outdir / MANIFEST).write_text(
        json.dumps(
            {"created_at": created.isoformat(), "row_counts": counts, "sha256": sums}, indent=2
        )
    )
    return Snapshot(outdir, counts, sums, created)


class SnapshotDamaged(Exception):
    """A snapshot file is missing or its checksum differs from the manifest."""


def read_snapshot(path: Path, verify: bool = True) -> Snapshot:
    """Open a snapshot folder; with ``verify``, check every file against the manifest."""
    manifest = json.loads((path / MANIFEST).read_text())
    snapshot = Snapshot(
        path,
        manifest["row_counts"],
        manifest["sha256"],
        dt.datetime.fromisoformat(manifest["created_at"]),
    )
    if verify:
        for name, expected in snapshot.sha256.items():
            file = snapshot.table(name)
            if not file.exists():
                raise SnapshotDamaged(f"{file}: berkas hilang (missing)")
            if _sha256(file) != expected:
                raise SnapshotDamaged(f"{file}: checksum berbeda dari manifest (file was altered)")
    return snapshot
