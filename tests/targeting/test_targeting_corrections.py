"""A designated recipient without a NIK gets a draft NIK correction the desa completes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from terpadu.access import OPERATOR_DESA, Actor
from terpadu.intake import import_batch
from terpadu.targeting.catalogue import load_catalogue
from terpadu.targeting.corrections import propose_nik_corrections
from terpadu.verval import VervalError, decide, revise_proposal

PKH = load_catalogue().get("pkh")


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_nik_correction_is_raised_once_and_waits_for_the_nik(
    engine: Engine, tmp_path: Path
) -> None:
    keluarga = write_csv(
        tmp_path / "k.csv", "ID_KELUARGA,NO_KK,KODE_WILAYAH", ["C1,3604051507870001,3604052001"]
    )
    anggota = write_csv(
        tmp_path / "a.csv",
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,HUB_KELUARGA",
        ["C1A,C1,3604051507870001,Bapak,1,1", "C1B,C1,,Ibu Tanpa NIK,2,2"],
    )
    import_batch(engine, keluarga, anggota, today=dt.date(2026, 11, 22))
    with engine.connect() as conn:
        family = conn.execute(text("SELECT id FROM family")).scalar_one()
        ibu = conn.execute(text("SELECT id FROM person WHERE nik IS NULL")).scalar_one()
    enrolled = pl.DataFrame(
        {
            "family_id": [family],
            "kode_wilayah": ["3604052001"],
            "penerima_pengganti": [1],
            "ditunjuk_id": [ibu],
            "nama_penerima": ["Bapak"],
        }
    )
    made = propose_nik_corrections(engine, PKH, enrolled, "system")
    assert len(made) == 1
    assert propose_nik_corrections(engine, PKH, enrolled, "system") == ()  # one open per person
    desa = Actor("desa1", OPERATOR_DESA, "3604052001")
    with pytest.raises(VervalError, match="belum berisi nilai"):
        decide(engine, desa, made[0], "submit")
    revise_proposal(engine, desa, made[0], values={"nik": "3604054107900002"})
    assert decide(engine, desa, made[0], "submit").state == "submitted"
