"""The office's complaints log imported: good rows kept on the clock, each bad row's reason,
the same log sent again, the region, and a NIK typed as a number in Excel."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parents[1] / "verval"))
from verval_helpers import KAB, OPERATOR, OUTSIDER_KAB, load_registry

from terpadu.access import Actor, PermissionDenied
from terpadu.audit import verify_chain
from terpadu.services import Clock, WorkCalendar, overdue
from terpadu.services.calendar import WIB
from terpadu.services.complaint_log import import_complaints
from terpadu.services.social_files import PROGRESS_STEPS
from terpadu.store.models.audit import AuditEvent
from terpadu.store.models.services import Complaint, ComplaintStep, Referral

NOW = dt.datetime(2026, 12, 7, 10, tzinfo=WIB)  # a Monday
CLOCK = Clock(calendar=WorkCalendar(frozenset({dt.date(2026, 12, 1)})), now=NOW)
ANALYST = Actor("analis", "analis_pusat", None)
HEADER = (
    "NO_PENGADUAN,TGL_PENGADUAN,KATEGORI,SALURAN,STATUS,TGL_STATUS,KODE_WILAYAH,NAMA_PELAPOR,"
    "URAIAN,NIK,HASIL,RUJUKAN_KE,LEMBAGA_RUJUKAN"
)
GOOD = [
    # received the Friday before with one working day: due that evening, one day late
    "SLRT-001,2026-12-04,miskin belum terdaftar,datang langsung,diterima,,3604052001,"
    "Siti Aminah,Keluarga belum terdaftar,,,,",
    # checked Friday 2026-11-20 with 5 working days: due 11-26; late 27, 30, 2, 3, 4, 7
    # (the 1st a holiday); referred 11-05 with 10: due 11-18, twelve working days late
    "SLRT-002,2026-11-18,data salah,desa,diperiksa,2026-11-20,3604052001,Joko,"
    "Alamat salah,3604051507870001,,,",
    "SLRT-003,2026-11-02,bantuan tidak cair,telepon,dirujuk,2026-11-05,36.04.05.2002,Budi,"
    "Saldo nol,3604050203900003,,kesehatan,BPJS Kesehatan Serang",
    "SLRT-004,2026-10-01,permohonan bantuan,surat,selesai,2026-10-20,3604052001,Ani,"
    "Minta bantuan sembako,3604055505880007,bantuan diberikan,,",
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_good_rows_land_on_the_clock_linked_to_the_registry(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    told: list[str] = []
    report = import_complaints(
        engine, KAB, _write(tmp_path / "log.csv", GOOD), clock=CLOCK, progress=told.append
    )
    assert told == list(PROGRESS_STEPS)  # the bar of ``terpadu pengaduan impor``
    assert (report.rows_read, report.rows_landed, report.rows_rejected, report.new) == (4, 4, 0, 4)
    with Session(engine) as s:
        found = {c.tracking: c for c in s.scalars(select(Complaint))}
        steps = s.execute(
            select(Complaint.tracking, ComplaintStep.to_state)
            .join(ComplaintStep, ComplaintStep.complaint_id == Complaint.id)
            .order_by(ComplaintStep.id)
        ).all()
        referral = s.scalars(select(Referral)).one()
    assert found["SLRT-002"].family_id == ids["K1"]
    assert found["SLRT-002"].person_id == ids["A1"]
    assert found["SLRT-003"].family_id == ids["K2"]
    assert found["SLRT-001"].category == "exclusion"
    assert found["SLRT-001"].family_id is None
    # A NIK the registry lacks is kept on the complaint, with a warning.
    assert found["SLRT-004"].subject_nik == "3604055505880007"
    assert found["SLRT-004"].family_id is None
    assert (found["SLRT-004"].state, found["SLRT-004"].outcome) == ("closed", "help_given")
    assert found["SLRT-004"].closed_at is not None and found["SLRT-004"].due_at is None
    warnings = report.issues.filter(report.issues["severity"] == "warning")
    assert warnings.select("__row", "code").rows() == [(5, "subject_not_registered")]
    assert [s for t, s in steps if t == "SLRT-003"] == ["received", "referred"]
    assert [s for t, s in steps if t == "SLRT-001"] == ["received"]
    assert (referral.service, referral.institution) == ("health", "BPJS Kesehatan Serang")
    late = {o.tracking: o.days_late for o in overdue(engine, now=NOW, calendar=CLOCK.calendar)}
    assert late == {"SLRT-001": 1, "SLRT-002": 6, "SLRT-003": 12}
    assert verify_chain(engine).ok


def test_each_bad_row_is_reported_with_its_reason_and_lands_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    bad = [
        "SLRT-005,2026-11-02,entah,datang langsung,diterima,,3604052001,Ani,Uraian,,,,",
        "SLRT-001,2026-11-02,lainnya,datang langsung,diterima,,3604052001,Ani,Dobel,,,,",
        "SLRT-006,2026-11-02,lainnya,datang langsung,diterima,,3201011001,Ani,Bogor,,,,",
        "SLRT-007,2099-11-02,lainnya,datang langsung,diterima,,3604052001,Ani,Masa depan,,,,",
        "SLRT-008,2026-11-10,lainnya,desa,diperiksa,2026-11-02,3604052001,Ani,Mundur,,,,",
        "SLRT-009,2026-11-02,lainnya,desa,diperiksa,,3604052001,Ani,Hasil,,tetap,,",
        "SLRT-010,2026-11-02,lainnya,desa,diputuskan,,3604052001,Ani,Tanpa hasil,,,,",
        "SLRT-011,2026-11-02,lainnya,desa,dirujuk,,3604052001,Ani,Tanpa layanan,,,,",
        "SLRT/2026/11/0012-KRAMATWATU,2026-11-02,lainnya,desa,diterima,,3604052001,Ani,Panjang,,,,",
        "SLRT-013,2026-11-02,lainnya,desa,diterima,,3604052001,,Tanpa pelapor,,,,",
        "SLRT-014,2026-11-02,lainnya,desa,diterima,,3604052001,Ani,NIK,36040515,,,",
    ]
    report = import_complaints(
        engine, KAB, _write(tmp_path / "log.csv", [*GOOD, *bad]), clock=CLOCK
    )
    assert (report.rows_read, report.rows_landed, report.rows_rejected) == (15, 4, 11)
    errors = report.issues.filter(report.issues["severity"] == "error")
    found = {(r["__row"], r["column"], r["code"]) for r in errors.iter_rows(named=True)}
    assert found == {
        (6, "KATEGORI", "code_unknown"),
        (7, "NO_PENGADUAN", "duplicate_key"),
        (8, "KODE_WILAYAH", "region_outside"),
        (9, "TGL_PENGADUAN", "date_future"),
        (10, "TGL_STATUS", "state_before_received"),
        (11, "HASIL", "outcome_before_decision"),
        (12, "HASIL", "outcome_missing"),
        (13, "RUJUKAN_KE", "referral_missing"),
        (14, "NO_PENGADUAN", "tracking_too_long"),
        (15, "NAMA_PELAPOR", "required"),
        (16, "NIK", "nik_length"),
    }
    assert set(errors["file"].to_list()) == {"log.csv"}
    messages = dict(zip(errors["code"], errors["message"], strict=True))
    assert "di luar wilayah kerja Anda" in messages["region_outside"]
    assert "lebih awal dari TGL_PENGADUAN" in messages["state_before_received"]
    assert "RUJUKAN_KE" in messages["referral_missing"]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == 4


def test_the_same_log_sent_again_adds_nothing_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path / "log.csv", GOOD)
    import_complaints(engine, KAB, path, clock=CLOCK)
    with Session(engine) as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    again = import_complaints(engine, KAB, path, clock=CLOCK)
    assert (again.rows_read, again.rows_landed, again.new, again.updated) == (4, 4, 0, 0)
    assert again.issues.filter(again.issues["code"] == "complaint_known").height == 0
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == 4
        assert s.scalar(select(func.count()).select_from(ComplaintStep)) == 7
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
    # The log telling another state later: Terpadu's history stands, and a warning says so.
    moved = [GOOD[0].replace(",diterima,", ",diperiksa,"), *GOOD[1:]]
    later = import_complaints(engine, KAB, _write(tmp_path / "log2.csv", moved), clock=CLOCK)
    assert later.new == 0
    assert later.issues.select("__row", "code").rows()[0] == (2, "complaint_known")
    with Session(engine) as s:
        state = s.scalar(select(Complaint.state).where(Complaint.tracking == "SLRT-001"))
    assert state == "received"


def test_another_regions_complaint_and_account_are_refused(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path / "log.csv", GOOD)
    import_complaints(engine, KAB, path, clock=CLOCK)
    bogor = import_complaints(engine, OUTSIDER_KAB, path, clock=CLOCK)
    assert bogor.rows_landed == 0
    errors = bogor.issues.filter(bogor.issues["severity"] == "error")
    assert set(errors["code"].to_list()) == {"region_outside", "complaint_elsewhere"}
    # A desa operator imports their own desa's rows; the other desa's row is refused.
    fresh = [row.replace("SLRT-", "DESA-") for row in GOOD]
    desa = import_complaints(engine, OPERATOR, _write(tmp_path / "desa.csv", fresh), clock=CLOCK)
    assert (desa.rows_landed, desa.rows_rejected) == (3, 1)
    with pytest.raises(PermissionDenied):
        import_complaints(engine, ANALYST, path, clock=CLOCK)


def test_an_excel_nik_typed_as_a_number_is_refused_with_its_reason(
    engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for line in GOOD[1:3]:
        cells: list[object] = list(line.split(","))
        # What Excel keeps of a NIK typed as a number: 15 digits, the last one lost.
        cells[9] = float(str(cells[9])[:15] + "0")
        sheet.append(cells)
    path = tmp_path / "log.xlsx"
    book.save(path)
    report = import_complaints(engine, KAB, path, clock=CLOCK)
    assert report.rows_landed == 0
    errors = report.issues.filter(report.issues["severity"] == "error")
    assert set(errors["column"].to_list()) == {"NIK"}
    assert set(errors["code"].to_list()) == {"number_digits_lost"}
    assert all("Ketik ulang sebagai teks" in m for m in errors["message"].to_list())
