"""The family profile's columns, named once: each is a registry column, in the registry's order."""

import datetime as dt

from terpadu.engine.family import (
    ASSETS,
    DISABILITY_CODES,
    DWELLING_AND_ASSETS,
    DWELLING_CODES,
    MEMBER_COUNTS,
    member_count,
)
from terpadu.store.models import Family
from terpadu.targeting.catalogue import FIELD_ALIASES, PROFILE_FIELDS
from terpadu.targeting.profile import COUNTS, SHARED_COUNTS
from terpadu.welfare.features import COUNTED, PROFILE_COLUMNS, profile_sql


def test_dwelling_and_asset_columns_follow_the_registry() -> None:
    registry = [c.name for c in Family.__table__.columns]
    assert set(DWELLING_AND_ASSETS) == {
        *DWELLING_CODES,
        *ASSETS,
        "luas_lantai",
        "luas_lahan",
        "jumlah_ternak",
    }
    positions = [registry.index(c) for c in DWELLING_AND_ASSETS]
    assert positions == sorted(positions)


def test_both_profiles_offer_every_dwelling_and_asset_column() -> None:
    for column in DWELLING_AND_ASSETS:
        assert column in PROFILE_FIELDS  # what a programme condition may test
        # What a deprivation indicator may read: the floor area only per member.
        welfare_name = "luas_lantai_per_kapita" if column == "luas_lantai" else column
        assert welfare_name in PROFILE_COLUMNS


def test_targeting_counts_shared_with_welfare_have_one_definition() -> None:
    for column, count in SHARED_COUNTS.items():
        assert COUNTS[column] == MEMBER_COUNTS[count]
        if count in PROFILE_COLUMNS:
            assert f"{member_count(count)} AS {count}" in profile_sql(dt.date(2025, 7, 1))
    # every count welfare profiles is one of the shared definitions
    assert set(COUNTED) <= set(MEMBER_COUNTS)


def test_a_programme_may_name_a_count_either_way() -> None:
    for count, column in FIELD_ALIASES.items():
        assert column in PROFILE_FIELDS
        assert SHARED_COUNTS[column] == count


def test_only_valid_disability_codes_count() -> None:
    assert DISABILITY_CODES == (1, 2, 3, 4, 5)


def _members(rows: list[tuple[int, int, int | None, int, str]]) -> dict[int, int]:
    """Run members_sql on DuckDB over (id, family, relation, sex, birth date); person -> kepala."""
    import duckdb

    from terpadu.engine.family import members_sql

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE persons (id BIGINT, family_id BIGINT, nik VARCHAR, status VARCHAR, "
        "membership_hub INT, hub_keluarga INT, jenis_kelamin INT, status_kawin INT, "
        "partisipasi_sekolah INT, pendidikan_tertinggi INT, status_pekerjaan INT, "
        "disabilitas INT, disabilitas_berat INT, penyakit_kronis INT, hamil INT, "
        "tgl_lahir DATE, resolved_person_id BIGINT)"
    )
    for pid, family, hub, sex, born in rows:
        con.execute(
            "INSERT INTO persons VALUES (?, ?, NULL, 'aktif', ?, ?, ?, 2, 0, 1, 0, 0, 0, 0, 0, "
            "CAST(? AS DATE), NULL)",
            [pid, family, hub, hub, sex, born],
        )
    query = members_sql(dt.date(2026, 12, 6))
    return dict(con.execute(f"SELECT person_id, kepala FROM ({query}) m").fetchall())


def test_the_head_is_relation_one_else_the_oldest_member() -> None:
    heads = _members(
        [
            # family 1: a head (relation 1, a young man) beside an older woman
            (1, 1, 1, 1, "1990-01-01"),
            (2, 1, 6, 2, "1940-01-01"),
            # family 2: no member with relation 1 (a data fault): the oldest stands in
            (3, 2, 3, 1, "2010-01-01"),
            (4, 2, 2, 2, "1970-05-05"),
        ]
    )
    assert heads == {1: 1, 2: 0, 3: 0, 4: 1}
