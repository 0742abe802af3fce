"""Import → rank → target → explain → convergence → payments → simulate, on SQLite and PostgreSQL."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import typer
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from terpadu.audit import verify_chain
from terpadu.intake import import_batch
from terpadu.settings import get_settings
from terpadu.synth import SynthConfig, generate
from terpadu.targeting import (
    QuotaFileError,
    TargetingError,
    convergence_report,
    explain_family,
    reconcile_payments,
    run_targeting,
    simulate_program,
    write_convergence_report,
    write_payments_report,
    write_simulation,
)
from terpadu.targeting.allocation import BNBA_COLUMNS
from terpadu.targeting.convergence import family_convergence
from terpadu.welfare import PmtModel, fit_pmt, rank_families

REF = dt.date(2025, 7, 1)


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(SynthConfig(households=300, kab_code="3604", seed=5, survey_households=600), out)
    return out


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory, synth_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("models")
    fit_pmt(
        synth_dir / "survey_keluarga.csv",
        synth_dir / "survey_anggota.csv",
        folds=3,
        seed=3,
        reference_date=REF,
        models_dir=folder,
    )
    return folder


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _enrolled(engine: Engine, program: str) -> set[int]:
    with engine.connect() as conn:
        return {
            int(r[0])
            for r in conn.execute(
                text("SELECT family_id FROM enrolment WHERE program = :p AND is_current = 1"),
                {"p": program},
            )
        }


def test_target_explain_converge_pay_simulate(
    engine: Engine, synth_dir: Path, models_dir: Path, tmp_path: Path
) -> None:
    import_batch(engine, synth_dir / "keluarga.csv", synth_dir / "anggota.csv", today=REF)
    rank_families(engine, models_dir=models_dir, reference_date=REF, work_dir=tmp_path / "rank")
    quota = tmp_path / "kuota.csv"
    quota.write_text(
        "program;Kode Wilayah;KUOTA;periode\nPKH;36.04;25;2025\nSEMBAKO;3604;99;2025\n",
        encoding="utf-8-sig",
    )
    bnba = tmp_path / "bnba.xlsx"
    pkh = run_targeting(engine, "pkh", quota, "2025", out=bnba, work_dir=tmp_path / "t1")
    assert pkh.regions["kuota"].to_list() == [25] and 0 < pkh.enrolled.height <= 25
    sheet = openpyxl.load_workbook(bnba).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == BNBA_COLUMNS
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(body) == pkh.enrolled.height
    assert all(r[0] == "PKH" and r[1] == "2025" and str(r[2]).startswith("KLG") for r in body)
    assert all(isinstance(r[5], str) and len(r[5]) == 16 for r in body)  # NIK stays text

    blt_quota = tmp_path / "blt.csv"
    blt_quota.write_text("PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nBLT,3604,300,2025-07\n")
    run_targeting(engine, "blt", blt_quota, "2025-07", work_dir=tmp_path / "t2")
    assert not _enrolled(engine, "pkh") & _enrolled(engine, "blt")  # conflicting programmes

    # Re-running replaces the run in a recorded way: history kept, audit event written.
    first = _enrolled(engine, "pkh")
    smaller = tmp_path / "kuota2.csv"
    smaller.write_text("PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nPKH,3604,10,2025\n")
    again = run_targeting(engine, "pkh", smaller, "2025", work_dir=tmp_path / "t3")
    assert again.replaced_run_id == pkh.run_id and again.removed == len(first) - len(
        _enrolled(engine, "pkh")
    )
    assert _enrolled(engine, "pkh") < first
    with engine.connect() as conn:
        old = conn.execute(
            text("SELECT status, is_current, replaced_by_run_id FROM targeting_run WHERE id = :i"),
            {"i": pkh.run_id},
        ).one()
        kept = conn.execute(
            text("SELECT count(*) FROM enrolment WHERE run_id = :i"), {"i": pkh.run_id}
        ).scalar_one()
        events = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'targeting.enrol'")
        ).scalar_one()
    assert tuple(old) == ("diganti", 0, again.run_id) and kept == len(first) and events == 3
    assert verify_chain(engine).ok

    # Explain: every programme, the rule, the values, the rank against the cut.
    inside = int(again.enrolled["family_id"][0])
    outside = again.decisions.filter(~pl.col("layak"))
    story = explain_family(engine, f"KLG{inside:010d}")
    pkh_story = next(p for p in story.programs if p.program == "pkh")
    assert pkh_story.decision == "terdaftar" and pkh_story.rank is not None
    assert pkh_story.rank <= (pkh_story.quota or 0) and all(c.passed for c in pkh_story.checks)
    assert {p.program for p in story.programs} == {
        "pkh",
        "sembako",
        "pbi-jk",
        "blt",
        "rtlh",
        "kube",
    }
    out_id = str(outside["id_keluarga"][0])
    out_story = next(p for p in explain_family(engine, out_id).programs if p.program == "pkh")
    assert out_story.decision == "tidak_layak" and out_story.reasons
    assert any(not c.passed for c in out_story.checks)

    view = family_convergence(engine, f"KLG{inside:010d}")
    assert [p["program"] for p in view.programs] == ["pkh"] and view.members
    report = convergence_report(engine, "3604")
    assert report.exclusion["DESIL"].is_between(1, 2).all()
    assert report.inclusion["DESIL"].is_between(6, 10).all()
    assert report.inclusion["PROGRAM"].null_count() == 0
    assert write_convergence_report(report, tmp_path / "konv.xlsx").exists()

    # Payments: paid ok, failed, SALDO_NOL, unknown NIK, Excel-damaged NIK, paid twice.
    paid = again.enrolled.head(3)
    niks = [str(n) for n in paid["nik_penerima"]]
    noms = [str(n) for n in paid["nominal"]]
    not_enrolled = again.decisions.filter(
        ~pl.col("terdaftar") & pl.col("nik_penerima").is_not_null()
    )
    lines = ["PROGRAM,PERIODE,NIK,NO_KK,NOMINAL,STATUS,TANGGAL"]
    lines += [
        f"PKH,2025,{niks[0]},,{noms[0]},BERHASIL,2025-08-01",
        f"PKH,2025,{niks[1]},,{noms[1]},GAGAL,2025-08-01",
        f"PKH,2025,{niks[2]},,{noms[2]},SALDO_NOL,2025-08-01",
        f"PKH,2025,{niks[0][:6]}0101909999,,100,BERHASIL,2025-08-01",
        "PKH,2025,3.60401E+15,,100,BERHASIL,2025-08-01",
        f"PKH,2025,{niks[0]},,{noms[0]},BERHASIL,2025-08-02",
        f"PKH,2025,{not_enrolled['nik_penerima'][0]},,100,BERHASIL,2025-08-01",
    ]
    disbursed = tmp_path / "penyaluran.csv"
    disbursed.write_text("\n".join(lines) + "\n")
    result = reconcile_payments(engine, disbursed, work_dir=tmp_path / "pay")
    problems = dict(
        zip(result.rows["BARIS"].to_list(), result.rows["MASALAH"].to_list(), strict=False)
    )
    assert problems[2] == "dibayar_ganda" and "dibayar_ganda" in problems[7]
    paired = dict(
        zip(result.rows["BARIS"].to_list(), result.rows["BARIS_GANDA"].to_list(), strict=True)
    )
    assert paired[2] == "7" and paired[7] == "2"
    assert problems[3] == "gagal" and problems[4] == "saldo_nol"
    assert "tidak_terdaftar" in problems[5] and "nik_rusak" in problems[6]
    assert "bukan_peserta" in problems[8]
    assert set(result.proposals["MASALAH"]) >= {"saldo_nol", "tidak_terdaftar", "nik_rusak"}
    xlsx, csv = write_payments_report(result, tmp_path / "rekon.xlsx")
    assert xlsx.exists() and csv.exists()
    assert result.summary["baris"].sum() == 7

    # What-if: nobody is enrolled by a simulation.
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM enrolment")).scalar_one()
    rules = tmp_path / "bbm.yaml"
    rules.write_text(
        "program: blt-bbm\nname: BLT BBM\nversion: '1'\ndesil: [1, 3]\n"
        "exclusions: [asn_tni_polri, program_konflik]\nconflicts: [blt]\n"
        "amount: {per: bulan, family: 150000}\n"
    )
    sim = simulate_program(engine, rules, "2025-07", work_dir=tmp_path / "sim")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enrolment")).scalar_one() == before
    assert sim.selected == sim.eligible and sim.cost == sim.selected * 150_000
    assert int(sim.by_desil.filter(pl.col("DESIL") > 3)["terpilih"].sum()) == 0
    blt_overlap = sim.overlap.filter(pl.col("PROGRAM") == "blt")["keluarga_tumpang_tindih"]
    assert blt_overlap.to_list() == [0]
    workbook = write_simulation(sim, tmp_path / "simulasi.xlsx")
    assert workbook.exists()
    with pytest.raises(TargetingError, match="hasil simulasi"):
        write_simulation(sim, tmp_path / "simulasi.csv")


def test_bad_quota_file_is_refused_with_rows(tmp_path: Path) -> None:
    from terpadu.targeting import read_quotas

    bad = tmp_path / "kuota.csv"
    bad.write_text(
        "PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nPKH,36.4,10,2025\nPKH,3604,x,2025\n"
        "PKH,3604,5,2025\nPKH,3604,6,2025\n"
    )
    with pytest.raises(QuotaFileError) as info:
        read_quotas(bad, "pkh", "2025")
    message = str(info.value)
    assert "baris 2" in message and "baris 3" in message and "baris 5" in message
    good = tmp_path / "ok.csv"
    good.write_text(
        "PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nPKH,3604,1.250,2025\nPKH,3671,120.0,\n"
        "SEMBAKO,3604,5,2025\nPKH,3672,5,2024\n"
    )
    quotas = read_quotas(good, "pkh", "2025")
    assert dict(zip(quotas.frame["kode"], quotas.frame["kuota"], strict=False)) == {
        "3604": 1250,
        "3671": 120,
    }
    assert quotas.skipped_rows == 2


def test_cli_commands(
    tmp_path: Path, synth_dir: Path, models_dir: Path, cli_account: Callable[..., str]
) -> None:
    from terpadu.cli import targeting as cli
    from terpadu.store import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'terpadu.db'}")
    (tmp_path / "var").mkdir(exist_ok=True)
    upgrade(engine)
    import_batch(engine, synth_dir / "keluarga.csv", synth_dir / "anggota.csv", today=REF)
    rank_families(engine, models_dir=models_dir, reference_date=REF, work_dir=tmp_path / "rank")
    cli_account("petugas", "admin_provinsi", "36")
    app = typer.Typer()
    app.command("target")(cli.target)
    app.command("explain")(cli.explain)
    app.command("convergence")(cli.convergence)
    app.add_typer(cli.program_app, name="program")
    runner = CliRunner()
    quota = tmp_path / "kuota.csv"
    quota.write_text("PROGRAM,KODE_WILAYAH,KUOTA,PERIODE\nSEMBAKO,3604,20,2025-07\n")
    out = tmp_path / "bnba.csv"
    result = runner.invoke(
        app,
        [
            "target",
            "--program",
            "sembako",
            "--quota",
            str(quota),
            "--period",
            "2025-07",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3604" in result.output and "20" in result.output
    assert pl.read_csv(out, infer_schema_length=0).columns == BNBA_COLUMNS
    with engine.connect() as conn:
        who = conn.execute(
            text("SELECT actor FROM audit_event WHERE action = 'export.bnba'")
        ).scalars()
        assert list(who) == ["petugas"]
    family = pl.read_csv(out, infer_schema_length=0)["FAMILY_ID"][0]
    shown = runner.invoke(app, ["explain", family])
    assert shown.exit_code == 0 and "TERDAFTAR" in shown.output
    report = tmp_path / "konvergensi.xlsx"
    made = runner.invoke(app, ["convergence", "--region", "3604", "--out", str(report)])
    assert made.exit_code == 0 and report.exists(), made.output
    outside = runner.invoke(app, ["convergence", "--region", "32", "--out", str(report)])
    assert outside.exit_code == 1 and "di luar wilayah" in outside.output
    listed = runner.invoke(app, ["program", "list"])
    assert listed.exit_code == 0 and "pkh" in listed.output
    bad = runner.invoke(
        app, ["target", "--program", "nope", "--quota", str(quota), "--period", "2025"]
    )
    assert bad.exit_code != 0
    engine.dispose()


def test_pmt_model_fixture_is_used(models_dir: Path) -> None:
    assert any(models_dir.rglob("*.json")) and PmtModel is not None
