import datetime as dt

from welfare_frames import families, persons

from terpadu.engine import DuckDBEngine
from terpadu.welfare.features import FEATURE_NAMES, features_sql, profile_sql

REF = dt.date(2025, 7, 1)


def _profile(fams: list[dict], people: list[dict]) -> dict[int, dict]:
    duck = DuckDBEngine()
    duck.register_arrow("families", families(fams))
    duck.register_arrow("persons", persons(people))
    rows = duck.sql(profile_sql(REF)).to_pylist()
    duck.close()
    return {r["family_id"]: r for r in rows}


def test_only_active_families_and_members_count() -> None:
    profile = _profile(
        [{"id": 1}, {"id": 2, "status": "nonaktif"}, {"id": 3}],
        [
            {"id": 1, "family_id": 1, "hub_keluarga": 1},
            {"id": 2, "family_id": 1, "status": "nonaktif"},
            {"id": 3, "family_id": 1, "tgl_lahir": dt.date(2020, 1, 1)},
            {"id": 4, "family_id": 2, "hub_keluarga": 1},
            {"id": 5, "family_id": 3, "status": "nonaktif"},  # no active member left
            {"id": 6, "family_id": None},  # left every family
        ],
    )
    assert set(profile) == {1}
    assert profile[1]["jumlah_anggota"] == 2
    assert profile[1]["anak_0_6"] == 1
    assert profile[1]["luas_lantai_per_kapita"] == 18.0


def test_head_is_relation_one_else_the_oldest_and_age_counts_birthdays() -> None:
    profile = _profile(
        [{"id": 1}, {"id": 2}],
        [
            # Family 1: the head is the younger woman with relation 1.
            {"id": 1, "family_id": 1, "hub_keluarga": 6, "tgl_lahir": dt.date(1940, 1, 1)},
            {
                "id": 2,
                "family_id": 1,
                "hub_keluarga": 1,
                "jenis_kelamin": 2,
                "tgl_lahir": dt.date(1985, 7, 2),  # turns 40 the day after the reference
                "pendidikan_tertinggi": 1,
            },
            # Family 2: no head recorded; the oldest member stands in.
            {"id": 3, "family_id": 2, "tgl_lahir": dt.date(2000, 7, 1)},
            {"id": 4, "family_id": 2, "tgl_lahir": dt.date(1960, 7, 1), "status_kawin": 2},
        ],
    )
    assert profile[1]["kepala_perempuan"] == 1
    assert profile[1]["kepala_umur"] == 39
    assert profile[1]["kepala_pendidikan"] == 1
    assert profile[1]["lansia"] == 1
    assert profile[2]["kepala_umur"] == 65
    assert profile[2]["kepala_kawin"] == 1
    assert profile[2]["rasio_tanggungan"] == 1.0  # one 65+ per one aged 15-64


def test_features_are_numeric_and_complete() -> None:
    duck = DuckDBEngine()
    duck.register_arrow("families", families([{"id": 1, "jenis_lantai": 8, "daya_listrik": 4400}]))
    duck.register_arrow("persons", persons([{"id": 1, "family_id": 1, "hub_keluarga": 1}]))
    row = duck.sql(features_sql(f"({profile_sql(REF)}) p")).to_pylist()[0]
    assert [name for name in FEATURE_NAMES if row[name] is None] == []
    assert row["lantai_8"] == 1.0 and row["lantai_2"] == 0.0
    assert row["daya_3500"] == 1.0
    assert row["log_jumlah_anggota"] == 0.0
