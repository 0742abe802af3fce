"""The family profile's columns, named once: each is a registry column, in the registry's order."""

from terpadu.engine.family import ASSETS, DWELLING_AND_ASSETS, DWELLING_CODES, MEMBER_COUNTS
from terpadu.store.models import Family
from terpadu.targeting.catalogue import PROFILE_FIELDS
from terpadu.targeting.profile import COUNTS
from terpadu.welfare.features import PROFILE_COLUMNS


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


def test_shared_member_counts_are_the_targeting_counts() -> None:
    for name, condition in MEMBER_COUNTS.items():
        assert f"n_{name}" in COUNTS
        assert COUNTS[f"n_{name}"] == condition
