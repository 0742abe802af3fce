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

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl
from sqlalchemy import Connection, Engine

from terpadu.files import write_table
from terpadu.linkage.store import query_frame

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
    try:
        from terpadu.store.models.verval import Proposal
        from terpadu.verval import Draft, create_drafts
    except ImportError:  # verval not installed: the report is the deliverable
        return empty
    from sqlalchemy import select

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


def find_families(conn: Connection, *, raise_proposals: bool = True) -> FamilyFindings:
    """The findings on ``conn`` (seeing its uncommitted resolved ids), with their proposals
    written in its transaction."""
    members = _memberships(conn)
    dups = duplicate_families(members)
    doubles = persons_in_two_families(members, dups)
    proposals = (
        _raise(conn, dups, doubles) if raise_proposals and (dups.height or doubles.height) else None
    )
    return FamilyFindings(dups, doubles, proposals)


def write_family_report(findings: FamilyFindings, outdir: Path) -> dict[str, Path]:
    """The reports (CSV and XLSX), and the proposals raised (``usulan.csv``)."""
    paths: dict[str, Path] = {}
    for name, frame in (
        ("keluarga_ganda", findings.duplicates),
        ("orang_dua_keluarga", findings.doubles),
    ):
        for suffix in ("csv", "xlsx"):
            paths[f"{name}.{suffix}"] = write_table(frame, outdir / f"{name}.{suffix}")
    if findings.proposals is not None:
        paths["usulan.csv"] = write_table(findings.proposals, outdir / "usulan.csv")
    return paths


def family_report(engine: Engine, outdir: Path, *, raise_proposals: bool = True) -> dict[str, Path]:
    """Write the duplicate-family and two-families reports (CSV and XLSX); raise proposals
    (in one transaction)."""
    with engine.begin() as conn:
        findings = find_families(conn, raise_proposals=raise_proposals)
    return write_family_report(findings, outdir)
