"""The TKPK profile and roll-up against counts made by hand on a small registry; the PDF
opens and its pages have ink; the XLSX keeps codes as text."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pypdfium2
import pytest
from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))

from tkpk_registry import TODAY, build_registry

from terpadu.editions import EditionNotFound
from terpadu.reports.tkpk import (
    ReportError,
    province_rollup,
    region_profile,
    report_pdf,
    report_xlsx,
    write_report,
)
from terpadu.store import make_engine, upgrade


def _rows(report: object, key: str) -> list[dict[str, object]]:
    table = report.table(key)  # type: ignore[attr-defined]
    assert table is not None, key
    return list(table.frame.to_dicts())


@pytest.fixture
def sqlite_registry(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'tkpk.db'}")
    upgrade(engine)
    build_registry(engine, tmp_path)
    return engine


def test_profile_of_the_province_matches_the_hand_count(engine: Engine, tmp_path: Path) -> None:
    build_registry(engine, tmp_path)
    report = region_profile(engine, "36", today=TODAY)
    assert report.region == "36" and report.region_name == "Banten"
    desil = {r["desil"]: r["keluarga"] for r in _rows(report, "desil")}
    assert desil == {1: 0, 2: 1, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0, 9: 0, 10: 0}
    sub = {r["kode"]: (r["keluarga"], r["persen_desil_1_4"]) for r in _rows(report, "subwilayah")}
    assert sub == {"3601": (1, 1.0), "3604": (2, 0.5)}
    deprived = {r["dimensi"]: r["persen_terdeprivasi"] for r in _rows(report, "deprivasi")}
    assert deprived["Ekonomi"] == pytest.approx(2 / 3) and deprived["Pendidikan"] == 0
    # K1 (3 members) holds PKH and BPNT; K3 (2 members) BPNT.
    programs = {r["program"]: (r["keluarga"], r["jiwa"]) for r in _rows(report, "program")}
    assert programs == {"BPNT": (2, 5), "PKH": (1, 3)}
    combos = {r["kombinasi"]: r["keluarga"] for r in _rows(report, "kombinasi_program")}
    assert combos == {"BPNT + PKH": 1, "BPNT": 1}
    quality = {r["ukuran"]: r["jumlah"] for r in _rows(report, "mutu_data")}
    assert quality == {
        "nik_invalid": 1,  # A2
        "nik_missing": 1,  # A3
        "duplicates_pending": 1,  # the decided pair does not count
        "dukcapil_tgl_lahir_beda": 1,
        "dukcapil_nama_beda": 1,  # A4; A5's 'ok' is no finding
    }
    ages = [r["keluarga"] for r in _rows(report, "umur_data")]
    assert ages == [1, 0, 1, 1]  # K1 today, K2 20 months, K3 30 months
    roles = {r["peran"]: r["orang"] for r in _rows(report, "pekerja_sosial")}
    assert roles == {"TKSK": 1, "Pendamping PKH": 1}
    assert _rows(report, "lembaga") == [
        {"jenis": "Lanjut usia", "lembaga": 1, "kapasitas": 20, "penghuni": 0}
    ]


def test_profile_of_a_kab_counts_only_its_own(engine: Engine, tmp_path: Path) -> None:
    build_registry(engine, tmp_path)
    report = region_profile(engine, "36.01", today=TODAY)
    assert report.region == "3601"
    assert sum(r["keluarga"] for r in _rows(report, "desil")) == 1
    assert {r["program"]: r["jiwa"] for r in _rows(report, "program")} == {"BPNT": 2}
    quality = {r["ukuran"]: r["jumlah"] for r in _rows(report, "mutu_data")}
    assert quality == {"nik_invalid": 0, "nik_missing": 0, "duplicates_pending": 0}
    assert {r["peran"] for r in _rows(report, "pekerja_sosial")} == {"Pendamping PKH"}
    assert _rows(report, "lembaga") == []


def test_rollup_compares_the_kab_kota(engine: Engine, tmp_path: Path) -> None:
    build_registry(engine, tmp_path)
    report = province_rollup(engine, "36", today=TODAY)
    rows = {r["kode"]: r for r in _rows(report, "rekap_kabkota")}
    assert set(rows) == {"3601", "3604"}
    serang, pandeglang = rows["3604"], rows["3601"]
    assert serang["nama"] == "Kabupaten Serang"
    assert (serang["keluarga"], serang["jiwa"], serang["berperingkat"]) == (2, 4, 2)
    assert serang["persen_desil_1_4"] == 0.5 and serang["M0"] == pytest.approx(0.2)
    assert (serang["keluarga_program"], serang["persen_program"]) == (1, 0.5)
    assert (serang["nik_tidak_sah"], serang["tanpa_nik"], serang["duplikat_tertunda"]) == (1, 1, 1)
    assert serang["temuan_dukcapil"] == 2 and serang["persen_data_lama"] == 0.5
    assert (serang["lembaga"], serang["pekerja_sosial"]) == (1, 1)
    assert (pandeglang["keluarga"], pandeglang["persen_program"]) == (1, 1.0)
    assert (pandeglang["duplikat_tertunda"], pandeglang["temuan_dukcapil"]) == (0, 0)
    assert (pandeglang["persen_data_lama"], pandeglang["pekerja_sosial"]) == (1.0, 1)
    with pytest.raises(ReportError, match="provinsi"):
        province_rollup(engine, "3604", today=TODAY)


def test_an_edition_must_be_the_one_ranked(engine: Engine, tmp_path: Path) -> None:
    build_registry(engine, tmp_path)
    with pytest.raises(EditionNotFound):
        region_profile(engine, "36", edition="2026-11", today=TODAY)
    with engine.begin() as conn:
        for i, period in ((7, "2026-10"), (8, "2026-11")):
            conn.execute(
                text(
                    "INSERT INTO edition (id, period, path, published_at, published_by, "
                    "row_counts, checksums, manifest_sha256) VALUES (:i, :p, 'x', :t, 'test', "
                    "'{}', '{}', 'x')"
                ),
                {"i": i, "p": period, "t": TODAY},
            )
        conn.execute(text("UPDATE welfare_run SET edition_id = 7"))
    assert region_profile(engine, "36", today=TODAY).edition == "2026-11"  # the latest
    with pytest.raises(ReportError, match="2026-10"):
        region_profile(engine, "36", edition="2026-11", today=TODAY)
    assert region_profile(engine, "36", edition="2026-10", today=TODAY).edition == "2026-10"


def _ink(page: pypdfium2.PdfPage) -> float:
    """The share of a page's pixels that are not white."""
    image = page.render(scale=0.5).to_pil().convert("L")
    counts = image.histogram()  # pixels per grey level, 0 black to 255 white
    return sum(counts[:200]) / sum(counts)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_pdf_opens_and_every_page_has_ink(sqlite_registry: Engine, lang: str) -> None:
    for report in (
        region_profile(sqlite_registry, "36", lang=lang, today=TODAY),
        province_rollup(sqlite_registry, "36", lang=lang, today=TODAY),
    ):
        pdf = pypdfium2.PdfDocument(report_pdf(report))
        assert len(pdf) >= 1
        for page in pdf:
            assert _ink(page) > 0.005
        first = pdf[0].get_textpage().get_text_range()
        words = ("Profil kemiskinan Banten", "Rekap kab/kota Banten", "Halaman 1 dari")
        if lang == "en":
            words = ("Poverty profile of Banten", "Kab/kota roll-up of Banten", "Page 1 of")
        assert any(w in first for w in words[:2]) and words[2] in first
        if report.kind == "rekap":
            assert pdf[0].get_size()[0] > pdf[0].get_size()[1]  # landscape: a wide table


def test_the_xlsx_keeps_codes_as_text(sqlite_registry: Engine, tmp_path: Path) -> None:
    report = province_rollup(sqlite_registry, "36", today=TODAY)
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    assert book.sheetnames == ["laporan", "rekap_kabkota"]
    sheet = book["rekap_kabkota"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["3601", "3604"]
    profile = region_profile(sqlite_registry, "3604052001", today=TODAY)
    out = write_report(profile, tmp_path / "profil.xlsx")
    book = openpyxl.load_workbook(out)
    assert {"desil", "program", "mutu_data", "lembaga"} <= set(book.sheetnames)
    assert book["laporan"]["B3"].value == "3604052001" and book["laporan"]["B3"].data_type == "s"
    frame = pl.read_excel(out, sheet_name="program")
    assert frame.to_dicts() == [
        {"program": "BPNT", "keluarga": 1, "jiwa": 3, "persen_keluarga": 1.0},
        {"program": "PKH", "keluarga": 1, "jiwa": 3, "persen_keluarga": 1.0},
    ]
    with pytest.raises(ValueError, match=r"\.pdf atau \.xlsx"):
        write_report(profile, tmp_path / "profil.docx")
