import datetime as dt
import sys
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
from batches import good_batch

from terpadu.files import write_table
from terpadu.intake import import_batch
from terpadu.reports import export_families, export_persons
from terpadu.reports.export import FAMILY_COLUMNS, PERSON_COLUMNS


def test_exports_have_the_stable_columns(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=dt.date(2026, 11, 22))
    persons = export_persons(engine)
    families = export_families(engine)
    assert persons.columns == PERSON_COLUMNS
    assert families.columns == FAMILY_COLUMNS
    ahmad = persons.filter(pl.col("ID_ANGGOTA") == "A1").row(0, named=True)
    assert ahmad == {
        "ID_ANGGOTA": "A1",
        "ID_KELUARGA": "K1",
        "NIK": "3604051507870001",
        "NAMA": "Ahmad bin Salim",
        "TGL_LAHIR": "1987-07-15",
        "JENIS_KELAMIN": 1,
        "KODE_WILAYAH": "3604052001",
        "PERSON_ID": None,
        "STATUS": "AKTIF",
        "DESIL": None,
        "DESIL_NASIONAL": None,
    }
    k1 = families.filter(pl.col("ID_KELUARGA") == "K1").row(0, named=True)
    assert k1["JUMLAH_ANGGOTA"] == 3
    assert k1["FAMILY_ID"].startswith("KLG")
    assert k1["DESIL"] is None and k1["STATUS"] == "AKTIF"


def test_inactive_status_shows_its_reason(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=dt.date(2026, 11, 22))
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE person SET status='nonaktif', status_reason='meninggal' WHERE id_anggota='A2'"
            )
        )
    persons = export_persons(engine)
    assert persons.filter(pl.col("ID_ANGGOTA") == "A2")["STATUS"].item() == "NONAKTIF:MENINGGAL"
    assert (
        export_families(engine).filter(pl.col("ID_KELUARGA") == "K1")["JUMLAH_ANGGOTA"].item() == 2
    )


def test_each_export_format_round_trips(engine: Engine, tmp_path: Path) -> None:
    import_batch(engine, *good_batch(tmp_path), today=dt.date(2026, 11, 22))
    persons = export_persons(engine)
    for suffix in ("csv", "xlsx", "parquet"):
        path = write_table(persons, tmp_path / f"persons.{suffix}")
        if suffix == "csv":
            back = pl.read_csv(path, infer_schema=False)
        elif suffix == "xlsx":
            from openpyxl import load_workbook

            rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
            back = pl.DataFrame([list(r) for r in rows[1:]], schema=list(rows[0]), orient="row")
        else:
            back = pl.read_parquet(path)
        assert back.columns == PERSON_COLUMNS
        assert back["NIK"].cast(pl.Utf8).to_list()[0] == "3604051507870001"
