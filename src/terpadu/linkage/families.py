"""Families registered twice, and persons active in two families at once.

A family is registered twice when two active families share a KK number, or when at least two
(resolved) persons and half of the smaller family's members are in both (two one-person
families of the same person also count). A person is active in two families when
two open memberships belong to one resolved person. Both are reported (CSV and XLSX) and, where
the verval workflow is installed, raised as draft proposals for the desa to confirm: deactivate
the newer family (reason ``ganda``), or remove the person from the newer family. Nothing changes
until a proposal is approved.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import Connection, Engine, select

from terpadu.files import write_table
from terpadu.linkage.store import query_frame
from terpadu.store.models.verval import Proposal
from terpadu.verval import Draft, create_drafts

#: Share of the smaller family's members also in the other family for it to be a duplicate.
OVERLAP: Final = 0.5
ACTOR: Final = "terpadu-linkage"


def _memberships(engine: Engine | Connection) -> pl.DataFrame:
    return query_frame(
        engine,
        "SELECT m.family_id, m.person_id, COALESCE(p.resolved_person_id, -p.id), f.no_kk, "
        "f.kode_wilayah, f.source_key, f.id "
        "FROM membership m JOIN person p ON p.id = m.person_id "
        "JOIN family f ON f.id = m.family_id "
        "WHERE m.left_at IS NULL AND p.status = 'aktif' AND f.status = 'aktif'",
        {
            "family_id": pl.Int64,
            "person_id": pl.Int64,
            "rid": pl.Int64,
            "no_kk": pl.String,
            "kode_wilayah": pl.String,
            "id_keluarga": pl.String,
            "_f": pl.Int64,
        },
    ).drop("_f")


def memberships_of(
    persons: pl.DataFrame, families: pl.DataFrame, resolved: pl.DataFrame
) -> pl.DataFrame:
    """The open memberships of active persons in active families, from a registry snapshot
    and a link run's resolved ids, as :func:`_memberships` reads them from the database.

    ``persons``: a snapshot's persons (one row per open membership, ``family_id`` null
    without one); ``families``: its families; ``resolved``: ``unique_id`` (person id) →
    ``rid``. A person without a resolved id counts as a person of its own (``-id``).
    """
    fams = families.filter(pl.col("status") == "aktif").select(
        pl.col("id").alias("family_id"),
        pl.col("no_kk").cast(pl.String),
        pl.col("kode_wilayah").cast(pl.String),
        pl.col("source_key").cast(pl.String).alias("id_keluarga"),
    )
    return (
        persons.filter((pl.col("status") == "aktif") & pl.col("family_id").is_not_null())
        .select("family_id", pl.col("id").alias("person_id"), "resolved_person_id")
        .join(fams, on="family_id")
        .join(
            resolved.select(pl.col("unique_id").alias("person_id"), "rid"),
            on="person_id",
            how="left",
        )
        .select(
            "family_id",
            "person_id",
            pl.coalesce(
                "rid", pl.col("resolved_person_id").cast(pl.Int64), -pl.col("person_id")
            ).alias("rid"),
            "no_kk",
            "kode_wilayah",
            "id_keluarga",
        )
    )


def duplicate_families(members: pl.DataFrame) -> pl.DataFrame:
    """Pairs of active families (older first) with the same KK or high member overlap."""
    fams = members.group_by("family_id").agg(
        pl.len().alias("size"),
        pl.col("no_kk").first(),
        pl.col("kode_wilayah").first(),
        pl.col("id_keluarga").first(),
    )
    shared = (
        members.select("family_id", "rid")
        .unique()
        .join(members.select(pl.col("family_id").alias("other"), "rid").unique(), on="rid")
        .filter(pl.col("family_id") < pl.col("other"))
        .group_by("family_id", "other")
        .agg(pl.len().alias("shared"))
    )
    same_kk = (
        fams.filter(pl.col("no_kk").is_not_null())
        .select("family_id", "no_kk")
        .join(fams.select(pl.col("family_id").alias("other"), "no_kk"), on="no_kk")
        .filter(pl.col("family_id") < pl.col("other"))
        .select("family_id", "other", pl.lit(True).alias("same_kk"))
    )
    left = fams.select(
        "family_id",
        pl.col("size").alias("size_a"),
        pl.col("id_keluarga").alias("id_keluarga_a"),
        pl.col("no_kk").alias("no_kk_a"),
        pl.col("kode_wilayah"),
    )
    right = fams.select(
        pl.col("family_id").alias("other"),
        pl.col("size").alias("size_b"),
        pl.col("id_keluarga").alias("id_keluarga_b"),
        pl.col("no_kk").alias("no_kk_b"),
    )
    pairs = (
        shared.join(same_kk, on=["family_id", "other"], how="full", coalesce=True)
        .with_columns(pl.col("shared").fill_null(0), pl.col("same_kk").fill_null(False))
        .join(left, on="family_id")
        .join(right, on="other")
        .with_columns((pl.col("shared") / pl.min_horizontal("size_a", "size_b")).alias("overlap"))
        .filter(
            pl.col("same_kk")
            | (
                (pl.col("overlap") >= OVERLAP)
                # one shared person is a person registered twice, unless both are one-person
                & ((pl.col("shared") >= 2) | (pl.max_horizontal("size_a", "size_b") == 1))
            )
        )
    )
    return pairs.select(
        pl.col("family_id").alias("family_a"),
        pl.col("other").alias("family_b"),
        "id_keluarga_a",
        "id_keluarga_b",
        "no_kk_a",
        "no_kk_b",
        "kode_wilayah",
        "size_a",
        "size_b",
        "shared",
        pl.col("overlap").round(3),
        "same_kk",
    ).sort("family_a", "family_b")


def persons_in_two_families(members: pl.DataFrame, duplicates: pl.DataFrame) -> pl.DataFrame:
    """Resolved persons with open memberships in two or more families (not already explained
    by a duplicate family pair), one row per extra membership (the newer family)."""
    multi = (
        members.filter(pl.col("rid") > 0)
        .group_by("rid")
        .agg(pl.col("family_id").n_unique().alias("families"))
        .filter(pl.col("families") > 1)
    )
    rows = members.join(multi.select("rid"), on="rid").sort("rid", "family_id")
    first = rows.group_by("rid", maintain_order=True).agg(pl.col("family_id").first().alias("keep"))
    extra = rows.join(first, on="rid").filter(pl.col("family_id") != pl.col("keep"))
    dup_pairs = duplicates.select(
        pl.col("family_a").alias("keep"), pl.col("family_b").alias("family_id")
    ).with_columns(pl.lit(True).alias("dup_family"))
    return (
        extra.join(dup_pairs, on=["keep", "family_id"], how="left")
        .with_columns(pl.col("dup_family").fill_null(False))
        .select(
            pl.col("rid").alias("resolved_person_id"),
            "person_id",
            pl.col("keep").alias("family_kept"),
            pl.col("family_id").alias("family_extra"),
            "id_keluarga",
            "kode_wilayah",
            "dup_family",
        )
    )


def _raise(conn: Connection, dups: pl.DataFrame, doubles: pl.DataFrame) -> pl.DataFrame:
    """Draft verval proposals for each finding not already proposed; their ids.

    Written set-wise on ``conn`` (:func:`terpadu.verval.create_drafts`), inside its transaction
    (the link run's: its merges, proposals and event commit together or not at all); a draft
    that verval refuses is skipped without undoing the others.
    """
    empty = pl.DataFrame(schema={"kind": pl.String, "family_id": pl.Int64, "proposal_id": pl.Int64})
    open_ = {
        (k, f, p)
        for k, f, p in conn.execute(
            select(Proposal.kind, Proposal.family_id, Proposal.person_id).where(
                Proposal.state.in_(("draft", "submitted", "verified", "returned"))
            )
        )
    }
    todo = [
        Draft(
            "deactivate",
            r["family_b"],
            None,
            "ganda",
            f"Terpadu linkage: terdaftar ganda dengan keluarga {r['id_keluarga_a']}",
        )
        for r in dups.iter_rows(named=True)
    ]
    todo += [
        Draft(
            "remove_member",
            r["family_extra"],
            r["person_id"],
            "ganda",
            "Terpadu linkage: aktif di dua keluarga",
        )
        for r in doubles.filter(~pl.col("dup_family")).iter_rows(named=True)
    ]
    drafts: list[Draft] = []
    for d in todo:  # one draft per finding, none where one is already open
        key = (d.kind, d.family_id, d.person_id)
        if key not in open_:
            open_.add(key)
            drafts.append(d)
    if not drafts:
        return empty
    ids = create_drafts(conn, ACTOR, drafts)
    skipped = sum(pid is None for pid in ids)
    if skipped:
        logging.getLogger(__name__).info("%d family proposals refused by verval", skipped)
    return pl.DataFrame(
        [(d.kind, d.family_id, pid) for d, pid in zip(drafts, ids, strict=True) if pid is not None],
        schema={"kind": pl.String, "family_id": pl.Int64, "proposal_id": pl.Int64},
        orient="row",
    )


@dataclass(frozen=True)
class FamilyFindings:
    """Duplicate families, persons in two families, and the proposals raised for them."""

    duplicates: pl.DataFrame
    doubles: pl.DataFrame
    proposals: pl.DataFrame | None


def find_families(
    conn: Connection, *, raise_proposals: bool = True, members: pl.DataFrame | None = None
) -> FamilyFindings:
    """The findings on ``conn`` (seeing its uncommitted resolved ids), with their proposals
    written in its transaction. ``members`` (:func:`memberships_of`): the memberships a link
    run already holds in memory, instead of reading them back."""
    if members is None:
        members = _memberships(conn)
    dups = duplicate_families(members)
    doubles = persons_in_two_families(members, dups)
    proposals = raise_family_proposals(conn, dups, doubles) if raise_proposals else None
    return FamilyFindings(dups, doubles, proposals)


def raise_family_proposals(
    conn: Connection, duplicates: pl.DataFrame, doubles: pl.DataFrame
) -> pl.DataFrame | None:
    """Draft proposals for the findings (none: None), in ``conn``'s transaction."""
    return _raise(conn, duplicates, doubles) if duplicates.height or doubles.height else None


def write_family_report(findings: FamilyFindings, outdir: Path) -> dict[str, Path]:
    """The reports (CSV and XLSX), and the proposals raised (``usulan.csv``)."""
    report = FamilyReport(findings.duplicates, findings.doubles, outdir, background=False)
    return report.finish(findings.proposals)


#: Findings of at least this many rows have their XLSX written by a child process.
BACKGROUND_MIN_ROWS: Final = 20_000
_REPORTS: Final = ("keluarga_ganda", "orang_dua_keluarga")


class FamilyReport:
    """A link run's family reports, written while the run goes on.

    The CSV files are written at once; the XLSX workbooks of large findings by a child process
    (:mod:`terpadu.linkage._xlsx_child`): a workbook of a hundred thousand rows takes several
    seconds of one core, which then overlap the run's writes to the registry. Everything goes
    to a staging folder beside ``outdir`` and moves there in :meth:`finish`, once the run has
    committed; :meth:`abandon` (the run failed) removes it.
    """

    def __init__(
        self,
        duplicates: pl.DataFrame,
        doubles: pl.DataFrame,
        outdir: Path,
        *,
        background: bool = True,
    ) -> None:
        self.outdir = outdir
        self.staging = outdir.parent / f".{outdir.name}.partial"
        shutil.rmtree(self.staging, ignore_errors=True)
        # The reports name people (NIKs, names): the staging folder is the service's alone.
        self.staging.mkdir(mode=0o700, parents=True)
        self.child: subprocess.Popen[bytes] | None = None
        frames = dict(zip(_REPORTS, (duplicates, doubles), strict=True))
        for name, frame in frames.items():
            write_table(frame, self.staging / f"{name}.csv")
        if background and duplicates.height + doubles.height >= BACKGROUND_MIN_ROWS:
            jobs = []
            for name, frame in frames.items():
                source = self.staging / f".{name}.parquet"
                frame.write_parquet(source)
                jobs.append([str(source), str(self.staging / f"{name}.xlsx")])
            self.child = subprocess.Popen(
                [sys.executable, "-m", "terpadu.linkage._xlsx_child"], stdin=subprocess.PIPE
            )
            assert self.child.stdin is not None
            self.child.stdin.write(json.dumps(jobs).encode())
            self.child.stdin.close()
        else:
            for name, frame in frames.items():
                write_table(frame, self.staging / f"{name}.xlsx")

    def finish(self, proposals: pl.DataFrame | None) -> dict[str, Path]:
        """Wait for the workbooks, add the proposals raised (``usulan.csv``) and move the
        files to ``outdir``; their paths."""
        if self.child is not None and self.child.wait() != 0:
            self.abandon()
            raise RuntimeError(f"laporan keluarga XLSX gagal ditulis ({self.outdir})")
        names = [f"{name}.{suffix}" for name in _REPORTS for suffix in ("csv", "xlsx")]
        if proposals is not None:
            write_table(proposals, self.staging / "usulan.csv")
            names.append("usulan.csv")
        self.outdir.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for name in names:
            paths[name] = (self.staging / name).replace(self.outdir / name)
        shutil.rmtree(self.staging, ignore_errors=True)
        return paths

    def abandon(self) -> None:
        """Stop the child, if any, and remove what was written."""
        if self.child is not None and self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        shutil.rmtree(self.staging, ignore_errors=True)


def family_report(engine: Engine, outdir: Path, *, raise_proposals: bool = True) -> dict[str, Path]:
    """Write the duplicate-family and two-families reports (CSV and XLSX); raise proposals
    (in one transaction)."""
    with engine.begin() as conn:
        findings = find_families(conn, raise_proposals=raise_proposals)
    return write_family_report(findings, outdir)
