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


def test_counts_follow_the_shared_definitions() -> None:
    """The family profile's definitions (as targeting's): a birth after the reference date is
    in no age band, a DISABILITAS value outside the code list is no disability, and the
    severe-disability flag counts only with a disability."""
    profile = _profile(
        [{"id": 1}],
        [
            {"id": 1, "family_id": 1, "hub_keluarga": 1, "disabilitas": 9},
            {"id": 2, "family_id": 1, "tgl_lahir": dt.date(2025, 8, 1)},  # born after REF
            {"id": 3, "family_id": 1, "disabilitas": 0, "disabilitas_berat": 1},
            {"id": 4, "family_id": 1, "disabilitas": 2, "disabilitas_berat": 1},
            {"id": 5, "family_id": 1, "disabilitas": 5},
        ],
    )
    assert profile[1]["jumlah_anggota"] == 5
    assert profile[1]["anak_0_6"] == 0
    assert profile[1]["jumlah_disabilitas"] == 2
    assert profile[1]["jumlah_disabilitas_berat"] == 1
    assert profile[1]["rasio_tanggungan"] == 0.0  # the unborn member is no dependant


def test_a_person_in_two_families_counts_in_the_newest_registration_only() -> None:
    profile = _profile(
        [{"id": 1}, {"id": 2}, {"id": 3}],
        [
            {"id": 1, "family_id": 1, "hub_keluarga": 1},
            {"id": 2, "family_id": 1, "nik": "3604050101800001", "hamil": 1},
            {"id": 3, "family_id": 2, "hub_keluarga": 1},
            # the same NIK registered again, later, in family 2: it counts there
            {"id": 4, "family_id": 2, "nik": "3604050101800001", "hamil": 1},
            # one resolved PERSON_ID in families 1 and then 3: it counts in family 3
            {"id": 5, "family_id": 1, "resolved_person_id": 70},
            {"id": 6, "family_id": 3, "hub_keluarga": 1, "resolved_person_id": 70},
            {"id": 7, "family_id": 3},
        ],
    )
    assert (profile[1]["jumlah_anggota"], profile[1]["jumlah_hamil"]) == (1, 0)
    assert (profile[2]["jumlah_anggota"], profile[2]["jumlah_hamil"]) == (2, 1)
    assert profile[3]["jumlah_anggota"] == 2
