"""The registry's typed reads, asked by any reader with a region and a NIK permission."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from terpadu.intake import import_batch
from terpadu.regions import is_within
from terpadu.registry import (
    AmbiguousFamily,
    SearchBackend,
    family_record,
    list_families,
    resolve_family,
    search_persons,
)

KELUARGA = (
    "ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT\n"
    "K1,3604051507870001,3604052001,Kp. Baru\n"
    "K2,3604052001100002,3604052002,Kp. Lama\n"
)
ANGGOTA = (
    "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
    "A1,K1,3604051507870001,Ahmad bin Salim,1,1987-07-15,1\n"
    "A2,K1,3604054107870002,Siti Aminah,2,1987-07-01,2\n"
    "A4,K2,3604050203900003,Joko Susilo,1,1990-03-02,1\n"
)


@dataclass(frozen=True)
class Reader:
    """A reader that is not the web's user: the reads ask only for these four things."""

    region: str | None
    sees_full_nik: bool

    @property
    def region_prefix(self) -> str:
        return self.region or ""

    def covers(self, code: str | None) -> bool:
        return self.region is None or (code is not None and is_within(code, self.region))


DESA_A = Reader("3604052001", sees_full_nik=True)
NATIONAL_MASKED = Reader(None, sees_full_nik=False)


def _import(engine: Engine, folder: Path, source: str = "desa") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "k.csv").write_text(KELUARGA)
    (folder / "a.csv").write_text(ANGGOTA)
    import_batch(engine, folder / "k.csv", folder / "a.csv", source=source)


def _family_id(engine: Engine, key: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT min(id) FROM family WHERE source_key = :k"), {"k": key}
            ).scalar_one()
        )


def test_family_record_is_typed_scoped_and_masked(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path / "batch")
    k1, k2 = _family_id(engine, "K1"), _family_id(engine, "K2")
    record = family_record(engine, DESA_A, k1)
    assert record is not None
    assert [m.nama for m in record.members] == ["Ahmad bin Salim", "Siti Aminah"]
    assert record.members[0].nik == "3604051507870001"
    assert [level.kode for level in record.wilayah] == ["36", "3604", "360405", "3604052001"]
    assert family_record(engine, DESA_A, k2) is None  # outside the reader's desa
    masked = family_record(engine, NATIONAL_MASKED, k1)
    assert masked is not None and masked.members[0].nik == "3604********0001"


def test_search_and_lists_answer_within_the_region(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path / "batch")
    backend = SearchBackend(engine)
    found = search_persons(engine, backend, DESA_A, "joko")
    assert found.total == 0  # Joko lives in the other desa
    everywhere = search_persons(engine, backend, NATIONAL_MASKED, "joko")
    assert [hit.nama for hit in everywhere.items] == ["Joko Susilo"]
    assert everywhere.items[0].nik == "3604********0003"
    rows, total = list_families(engine, DESA_A)
    assert total == 1 and rows[0].kepala == "Ahmad bin Salim"


def test_an_id_keluarga_of_two_sources_is_ambiguous(engine: Engine, tmp_path: Path) -> None:
    _import(engine, tmp_path / "one", source="desa-1")
    _import(engine, tmp_path / "two", source="desa-2")
    with pytest.raises(AmbiguousFamily) as caught:
        resolve_family(engine, DESA_A, "K1")
    assert sorted(choice.source for choice in caught.value.choices) == ["desa-1", "desa-2"]
