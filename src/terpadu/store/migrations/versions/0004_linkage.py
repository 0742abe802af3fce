"""identity resolution: link runs, resolved persons, merges, decisions, review, Dukcapil checks

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = ("linkage",)
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "dukcapil_check",
        sa.Column("id", ID, nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_unreadable", sa.Integer(), nullable=False),
        sa.Column("persons_checked", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dukcapil_check")),
    )
    op.create_table(
        "dukcapil_result",
        sa.Column("id", ID, nullable=False),
        sa.Column("check_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("findings", sa.String(length=200), nullable=False),
        sa.Column("found", sa.SmallInteger(), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=True),
        sa.Column("tgl_lahir", sa.Date(), nullable=True),
        sa.Column("jenis_kelamin", sa.SmallInteger(), nullable=True),
        sa.Column("no_kk", sa.String(length=16), nullable=True),
        sa.Column("alive", sa.SmallInteger(), nullable=True),
        sa.Column("tgl_meninggal", sa.Date(), nullable=True),
        sa.Column("suggested_nik", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("proposal_id", sa.BigInteger(), nullable=True),
        sa.Column("kode_wilayah", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dukcapil_result")),
    )
    op.create_index("ix_dukcapil_result_check", "dukcapil_result", ["check_id"], unique=False)
    op.create_index("ix_dukcapil_result_person", "dukcapil_result", ["person_id"], unique=False)
    op.create_table(
        "link_decision",
        sa.Column("id", ID, nullable=False),
        sa.Column("person_a", sa.BigInteger(), nullable=False),
        sa.Column("person_b", sa.BigInteger(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("review_pair_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_decision")),
    )
    op.create_index(
        "ix_link_decision_pair", "link_decision", ["person_a", "person_b"], unique=False
    )
    op.create_table(
        "link_merge",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("resolved_person_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("via_person_id", sa.BigInteger(), nullable=True),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=100), nullable=True),
        sa.Column("undone_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_merge")),
    )
    op.create_index("ix_link_merge_person", "link_merge", ["person_id"], unique=False)
    op.create_index("ix_link_merge_resolved", "link_merge", ["resolved_person_id"], unique=False)
    op.create_table(
        "link_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("model_path", sa.Text(), nullable=False),
        sa.Column("retrained", sa.SmallInteger(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("review_floor", sa.Float(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("pairs_scored", sa.Integer(), nullable=False),
        sa.Column("pairs_linked", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("merged_clusters", sa.Integer(), nullable=False),
        sa.Column("merges_new", sa.Integer(), nullable=False),
        sa.Column("ids_new", sa.Integer(), nullable=False),
        sa.Column("review_queued", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_run")),
    )
    op.create_table(
        "resolved_person",
        sa.Column("id", ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=True),
        sa.Column("nama", sa.String(length=200), nullable=True),
        sa.Column("tgl_lahir", sa.Date(), nullable=True),
        sa.Column("jenis_kelamin", sa.SmallInteger(), nullable=True),
        sa.Column("nama_ibu_kandung", sa.String(length=200), nullable=True),
        sa.Column("kode_wilayah", sa.String(length=10), nullable=True),
        sa.Column("registrations", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=True),
        sa.Column("created_run_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_run_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolved_person")),
    )
    op.create_index(op.f("ix_resolved_person_nik"), "resolved_person", ["nik"], unique=False)
    op.create_table(
        "review_pair",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("person_a", sa.BigInteger(), nullable=False),
        sa.Column("person_b", sa.BigInteger(), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("kode_wilayah", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_pair")),
    )
    op.create_index("ix_review_pair_pair", "review_pair", ["person_a", "person_b"], unique=False)
    op.create_index("ix_review_pair_state", "review_pair", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_review_pair_state", table_name="review_pair")
    op.drop_index("ix_review_pair_pair", table_name="review_pair")
    op.drop_table("review_pair")
    op.drop_index(op.f("ix_resolved_person_nik"), table_name="resolved_person")
    op.drop_table("resolved_person")
    op.drop_table("link_run")
    op.drop_index("ix_link_merge_resolved", table_name="link_merge")
    op.drop_index("ix_link_merge_person", table_name="link_merge")
    op.drop_table("link_merge")
    op.drop_index("ix_link_decision_pair", table_name="link_decision")
    op.drop_table("link_decision")
    op.drop_index("ix_dukcapil_result_person", table_name="dukcapil_result")
    op.drop_index("ix_dukcapil_result_check", table_name="dukcapil_result")
    op.drop_table("dukcapil_result")
    op.drop_table("dukcapil_check")
