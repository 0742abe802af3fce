"""The terpadu command as an operator uses it: init, synth, import, export, demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "intake"))
from batches import (
    ANGGOTA_HEADER,
    GOOD_ANGGOTA,
    GOOD_KELUARGA,
    KELUARGA_HEADER,
    good_batch,
    write_csv,
)

from terpadu.cli import app
from terpadu.settings import get_settings

runner = CliRunner()


PURPOSE = ["--purpose", "pemadanan data bansos 2026"]


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    # The commands run as a province admin of Banten, where the test batches live.
    cli_account("petugas", "admin_provinsi", "36")
    yield
    get_settings.cache_clear()


def test_init_creates_the_database(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "var" / "terpadu.db").exists()


def test_import_out_of_disk_space_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from terpadu.store.bulk import StorageFull

    def full(*args: object, **kwargs: object) -> None:
        raise StorageFull("ruang disk di folder /data tidak cukup untuk memuat kiriman ini")

    monkeypatch.setattr("terpadu.cli.data.import_batch", full)
    result = runner.invoke(app, ["import", *map(str, good_batch(tmp_path))])
    assert result.exit_code == 1
    assert "ruang disk di folder /data tidak cukup" in result.output
    assert "Traceback" not in result.output


def test_import_reports_and_writes_errors(tmp_path: Path) -> None:
    keluarga, _ = good_batch(tmp_path)
    anggota = write_csv(
        tmp_path / "a.csv",
        ANGGOTA_HEADER,
        [
            "A1,K1,3604051507870001,Ahmad,1,1987-07-15,1",
            "A2,K1,3.60405E+15,Siti,2,1987-07-01,2",
        ],
    )
    for suffix in ("csv", "xlsx"):
        errors = tmp_path / f"masalah.{suffix}"
        result = runner.invoke(
            app, ["import", str(keluarga), str(anggota), "--errors", str(errors)]
        )
        assert result.exit_code == 0, result.output
        if suffix == "csv":
            assert "number_digits_lost" in result.output
            frame = pl.read_csv(errors, infer_schema=False)
            assert frame.columns == [
                "FILE",
                "ROW",
                "COLUMN",
                "VALUE",
                "REPAIRED_VALUE",
                "SEVERITY",
                "CODE",
                "MESSAGE",
            ]
            row = frame.filter(pl.col("CODE") == "number_digits_lost").row(0, named=True)
            assert (row["FILE"], row["ROW"], row["COLUMN"]) == ("a.csv", "3", "NIK")
            assert "Excel" in row["MESSAGE"]
        else:
            assert "sudah pernah dimuat" in result.output  # second run: same batch, no change
    # The same files sent again still get their problem file: the first import's problems,
    # in a workbook with its header frozen and a filter on every column.
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "masalah.xlsx")["masalah"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("FILE", "ROW", "COLUMN", "VALUE")
    again = {(r[0], r[1], r[2], r[6]) for r in rows[1:]}
    assert ("a.csv", 3, "NIK", "number_digits_lost") in again
    first = pl.read_csv(tmp_path / "masalah.csv", infer_schema=False)
    assert len(again) == first.height


def test_import_names_a_missing_column(tmp_path: Path) -> None:
    keluarga = write_csv(tmp_path / "k.csv", "ID_KELUARGA,ALAMAT", ["K1,x"])
    anggota = write_csv(tmp_path / "a.csv", ANGGOTA_HEADER, [])
    result = runner.invoke(app, ["import", str(keluarga), str(anggota)])
    assert result.exit_code == 1
    assert "KODE_WILAYAH" in result.output and "k.csv" in result.output


def _workbook_with_both_sheets(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "Petunjuk"
    notes.append(["Isi sheet KELUARGA dan ANGGOTA"])
    for title, header, rows in (
        ("KELUARGA", KELUARGA_HEADER, GOOD_KELUARGA),
        ("ANGGOTA", ANGGOTA_HEADER, GOOD_ANGGOTA),
    ):
        sheet = book.create_sheet(title)
        for line in [header, *rows]:
            sheet.append(line.split(","))
    book.save(path)
    return path


def test_import_both_layouts_from_the_sheets_of_one_workbook(tmp_path: Path) -> None:
    book = str(_workbook_with_both_sheets(tmp_path / "desa.xlsx"))
    sheets = ["--sheet-keluarga", "KELUARGA", "--sheet-anggota", "ANGGOTA"]
    result = runner.invoke(app, ["import", book, book, *sheets])
    assert result.exit_code == 0, result.output
    assert "Anggota baru: 4" in result.output
    again = runner.invoke(app, ["import", book, book, *sheets])
    assert "sudah pernah dimuat" in again.output
    wrong = runner.invoke(app, ["import", book, book, "--sheet-keluarga", "RUTA"])
    assert wrong.exit_code == 1
    assert "sheet 'RUTA' tidak ada" in wrong.output and "KELUARGA, ANGGOTA" in wrong.output


def test_export_each_layout(tmp_path: Path) -> None:
    runner.invoke(app, ["import", *map(str, good_batch(tmp_path))])
    for kind, column in (("persons", "PERSON_ID"), ("families", "DESIL")):
        out = tmp_path / f"{kind}.csv"
        result = runner.invoke(app, ["export", kind, "--out", str(out), *PURPOSE])
        assert result.exit_code == 0, result.output
        assert column in pl.read_csv(out).columns
    bad = runner.invoke(app, ["export", "persons", "--out", str(tmp_path / "x.json"), *PURPOSE])
    assert bad.exit_code == 1 and ".csv" in bad.output


def test_import_and_export_run_as_the_logged_in_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> None:
    files = [str(f) for f in good_batch(tmp_path)]
    monkeypatch.delenv("TERPADU_TOKEN")
    for args in (["import", *files], ["export", "persons", "--out", "x.csv", *PURPOSE]):
        refused = runner.invoke(app, args)
        assert refused.exit_code == 1
        assert f"'{' '.join(args[:1] if args[0] == 'import' else args[:2])}'" in refused.output
        assert "terpadu login" in refused.output
    # An operator of another desa cannot load these families; the batch stays out.
    cli_account("op-lain", "operator_desa", "3604052002")
    refused = runner.invoke(app, ["import", *files])
    assert refused.exit_code == 1 and "di luar wilayah kerja" in refused.output
    cli_account("bpk", "auditor")
    assert runner.invoke(app, ["import", *files]).exit_code == 1
    cli_account("petugas", "admin_provinsi", "36")
    assert runner.invoke(app, ["import", *files]).exit_code == 0

    out = tmp_path / "p.csv"
    no_purpose = runner.invoke(app, ["export", "persons", "--out", str(out)])
    assert no_purpose.exit_code == 1 and "--purpose" in no_purpose.output
    assert not out.exists()
    full = runner.invoke(app, ["export", "persons", "--out", str(out), *PURPOSE])
    assert full.exit_code == 0, full.output
    everyone = pl.read_csv(out, infer_schema=False)
    assert "3604051507870001" in everyone["NIK"].to_list()
    # A desa operator takes only its desa; the auditor gets masked NIK, KK and birth years.
    cli_account("op1", "operator_desa", "3604052001")
    assert runner.invoke(app, ["export", "persons", "--out", str(out), *PURPOSE]).exit_code == 0
    mine = pl.read_csv(out, infer_schema=False)
    assert 0 < mine.height < everyone.height
    assert set(mine["KODE_WILAYAH"].to_list()) == {"3604052001"}
    cli_account("bpk", "auditor")
    for kind, column in (("persons", "NIK"), ("families", "NO_KK")):
        assert runner.invoke(app, ["export", kind, "--out", str(out), *PURPOSE]).exit_code == 0
        values = [v for v in pl.read_csv(out, infer_schema=False)[column].to_list() if v]
        assert values and all("*" in v for v in values), values
    assert runner.invoke(app, ["export", "persons", "--out", str(out), *PURPOSE]).exit_code == 0
    masked = pl.read_csv(out, infer_schema=False)
    assert {len(v) for v in masked["TGL_LAHIR"].to_list() if v} == {4}

    from sqlalchemy import text

    from terpadu.store import make_engine

    engine = make_engine(get_settings().resolved_database_url())
    with engine.connect() as conn:
        events = conn.execute(
            text(
                "SELECT actor, role, action, after FROM audit_event "
                "WHERE action LIKE 'export.%' ORDER BY id"
            )
        ).all()
        imported_by = conn.execute(
            text("SELECT actor FROM audit_event WHERE action = 'import.batch' LIMIT 1")
        ).scalar()
    engine.dispose()
    assert [(e[0], e[2]) for e in events] == [
        ("petugas", "export.persons"),
        ("op1", "export.persons"),
        ("bpk", "export.persons"),
        ("bpk", "export.families"),
        ("bpk", "export.persons"),
    ]
    first = json.loads(events[0][3]) if isinstance(events[0][3], str) else events[0][3]
    assert first["purpose"] == "pemadanan data bansos 2026"
    assert (first["rows"], first["masked"], first["scope"]) == (everyone.height, False, "36")
    assert imported_by == "petugas"


def test_synth_then_import(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    result = runner.invoke(
        app, ["synth", str(out), "--households", "50", "--kab", "3604", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["import", str(out / "keluarga.csv"), str(out / "anggota.csv")])
    assert result.exit_code == 0, result.output


def test_demo_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fresh data folder and no login: the demo makes its own admin and acts as its verifier.
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("TERPADU_TOKEN")
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "--households", "80", "--survey-households", "300"])
    assert result.exit_code == 0, result.output
    for stage in ("Dimuat", "Model terpilih", "Sebaran desil", "M0", "masuk sebagai demo"):
        assert stage in result.output, stage
    assert "demo-admin" in result.output

    from sqlalchemy import text

    from terpadu.store import make_engine

    engine = make_engine(get_settings().resolved_database_url())
    with engine.connect() as conn:
        actors = dict(
            conn.execute(
                text(
                    "SELECT action, actor FROM audit_event "
                    "WHERE action IN ('import.batch', 'user.create')"
                )
            ).all()
        )
    engine.dispose()
    assert actors["import.batch"] == "demo"


def test_unknown_keluarga_header_file_is_not_a_crash(tmp_path: Path) -> None:
    keluarga = tmp_path / "k.csv"
    keluarga.write_text(KELUARGA_HEADER + "\n" + '"K1,unclosed\n')
    anggota = write_csv(tmp_path / "a.csv", ANGGOTA_HEADER, [])
    result = runner.invoke(app, ["import", str(keluarga), str(anggota)])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


def test_the_console_command_imports_and_exits_at_once(tmp_path: Path) -> None:
    """``terpadu import`` as installed ends without the interpreter's teardown: its report,
    its errors file and its exit status must all be there anyway."""
    import os
    import subprocess

    # A wide console: without a terminal rich wraps at 80 columns, and the path named in
    # the message is as long as pytest's temporary folder (longer in an xdist worker).
    env = os.environ | {"TERPADU_DATA_DIR": str(tmp_path / "var"), "COLUMNS": "500"}
    env.pop("TERPADU_DATABASE_URL", None)
    command = [sys.executable, "-c", "from terpadu.cli import main; main()"]
    subprocess.run([*command, "init"], env=env, check=True, capture_output=True)
    errors = tmp_path / "masalah.csv"
    done = subprocess.run(
        [*command, "import", *map(str, good_batch(tmp_path)), "--errors", str(errors)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "anggota.csv" in done.stdout
    assert pl.read_csv(errors).columns[:3] == ["FILE", "ROW", "COLUMN"]
    missing = subprocess.run(
        [*command, "import", str(tmp_path / "tidak-ada.csv"), str(tmp_path / "juga.csv")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert "tidak-ada.csv" in missing.stdout + missing.stderr


def test_import_takes_the_date_of_the_data(tmp_path: Path) -> None:
    files = [str(p) for p in good_batch(tmp_path)]
    unreadable = runner.invoke(app, ["import", *files, "--as-of", "kemarin"])
    assert unreadable.exit_code == 1 and "TTTT-BB-HH" in unreadable.output
    future = runner.invoke(app, ["import", *files, "--as-of", "2999-01-01"])
    assert future.exit_code == 1 and "masa depan" in future.output
    done = runner.invoke(app, ["import", *files, "--as-of", "2026-11"])
    assert done.exit_code == 0, done.output
    assert "Traceback" not in unreadable.output + future.output + done.output
