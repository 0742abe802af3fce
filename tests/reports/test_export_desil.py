"""The national DTSEN desil and percentile: imported per family, checked per cell, exported
beside Terpadu's registry-relative desil, which says what it is relative to."""

import datetime as dt
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from terpadu.intake import import_batch
from terpadu.reports import export_families, export_persons
from terpadu.welfare.scope import scope_of


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_national_desil_lands_checked_and_is_exported(engine: Engine, tmp_path: Path) -> None:
    keluarga = _write(
        tmp_path / "k.csv",
        [
            "ID_KELUARGA;KODE_WILAYAH;DESIL_NASIONAL;PERSENTIL_NASIONAL",
            "N1;3604052001;3;24,5",
            "N2;3604052001;;",
            "N3;3604052001;11;50",  # desil out of range: rejected with its row
            "N4;3604052001;2;101",  # percentile out of range
            "N5;3604052001;dua;20",  # not a number
        ],
    )
    anggota = _write(
        tmp_path / "a.csv",
        ["ID_ANGGOTA;ID_KELUARGA;NAMA", "M1;N1;Satu", "M2;N2;Dua"],
    )
    report = import_batch(engine, keluarga, anggota, today=dt.date(2026, 12, 1))
    errors = report.issues.filter(pl.col("severity") == "error")
    found = {(r["__row"], r["column"], r["code"]) for r in errors.iter_rows(named=True)}
    assert found == {
        (4, "DESIL_NASIONAL", "number_out_of_range"),
        (5, "PERSENTIL_NASIONAL", "number_out_of_range"),
        (6, "DESIL_NASIONAL", "number_invalid"),
    }
    assert all("DESIL" in m or "PERSENTIL" in m for m in errors["message"].to_list())
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT source_key, desil_nasional, persentil_nasional FROM family ORDER BY id")
        ).all()
    assert [tuple(r) for r in stored] == [("N1", 3, 24.5), ("N2", None, None)]
    families = export_families(engine)
    n1 = families.filter(pl.col("ID_KELUARGA") == "N1").row(0, named=True)
    assert (n1["DESIL_NASIONAL"], n1["PERSENTIL_NASIONAL"]) == (3, 24.5)
    assert n1["DESIL"] is None and n1["CAKUPAN_DESIL"] is None  # not ranked yet
    persons = export_persons(engine)
    assert persons.filter(pl.col("ID_ANGGOTA") == "M1")["DESIL_NASIONAL"].item() == 3


def test_the_relative_desil_names_its_registry() -> None:
    assert scope_of(["3604", "3604"]).label == "desil relatif (registri: Kabupaten Serang)"
    assert scope_of(["3604", "3673"]).label == "desil relatif (registri: 2 kab/kota di Banten)"
    assert "2 provinsi" in scope_of(["3604", "3302"]).label_en
