"""The social-services lists of a generated kab/kota: the same seed and date give the same
files, and they hold what an office's lists hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from terpadu.regions import children
from terpadu.synth import SynthConfig, generate
from terpadu.synth.generate import PROGRESS_STEPS, SERVICES_STEP

AS_OF = dt.date(2026, 12, 7)
CONFIG = SynthConfig(households=80, seed=5, faults="default", services=True, services_date=AS_OF)
LISTS = ("lembaga", "sdm", "pengaduan")


def _read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / f"{name}.csv", infer_schema=False)


def test_the_same_seed_and_date_give_the_same_lists(tmp_path: Path) -> None:
    told: list[str] = []
    summary = generate(CONFIG, tmp_path / "a", progress=told.append)
    generate(CONFIG, tmp_path / "b")
    # no survey asked: its step is not told
    assert told == [*(s for s in PROGRESS_STEPS if s != "synth_survey"), SERVICES_STEP]
    for name in LISTS:
        first = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert first == (tmp_path / "b" / f"{name}.csv").read_bytes()
    assert summary.institutions == _read(tmp_path / "a", "lembaga").height
    assert summary.workers == _read(tmp_path / "a", "sdm").height
    assert summary.complaints == _read(tmp_path / "a", "pengaduan").height
    # The registry files do not depend on the services lists.
    plain = generate(SynthConfig(households=80, seed=5, faults="default"), tmp_path / "c")
    assert plain.institutions == plain.workers == plain.complaints == 0
    assert not (tmp_path / "c" / "sdm.csv").exists()
    for name in ("keluarga.csv", "anggota.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()


def test_the_lists_hold_what_an_office_keeps(tmp_path: Path) -> None:
    generate(CONFIG, tmp_path)
    homes = _read(tmp_path, "lembaga")
    assert homes["NO_REGISTRASI"].is_unique().all()
    assert {"anak", "lansia", "disabilitas"} <= set(homes["JENIS"].to_list())
    expires = homes["AKREDITASI_BERLAKU_SAMPAI"].drop_nulls().str.to_date()
    assert (expires < AS_OF).any()  # expired
    assert ((expires >= AS_OF) & (expires <= AS_OF + dt.timedelta(days=180))).any()  # expiring

    workers = _read(tmp_path, "sdm")
    assert workers["NIK"].is_unique().all()
    assert workers["NIK"].str.contains(r"^\d{16}$").all()
    desa = {d.code for kec in children("3604") for d in children(kec.code)}
    psm = workers.filter(pl.col("PERAN") == "psm")["WILAYAH_TUGAS"].to_list()
    assert sorted(psm) == sorted(desa)  # a PSM in every desa
    tksk = set(workers.filter(pl.col("PERAN") == "tksk")["WILAYAH_TUGAS"].to_list())
    assert len({code[:6] for code in desa} - tksk) == 1  # one kecamatan short of a TKSK
    roles = set(workers["PERAN"].to_list())
    assert {"tksk", "pendamping pkh", "psm", "tagana", "karang taruna", "sakti peksos"} <= roles

    complaints = _read(tmp_path, "pengaduan")
    assert set(complaints["STATUS"].to_list()) == {
        "diterima", "diperiksa", "dikunjungi", "diputuskan", "dirujuk", "selesai",
    }  # fmt: skip
    received = complaints["TGL_PENGADUAN"].str.to_date()
    assert (received < AS_OF).all()
    assert (received >= AS_OF - dt.timedelta(days=120)).all()
    referred = complaints.filter(pl.col("STATUS") == "dirujuk")
    assert referred["RUJUKAN_KE"].is_not_null().all()
    # About registry persons by NIK, except the poor not yet registered.
    niks = set(pl.read_csv(tmp_path / "anggota.csv", infer_schema=False)["NIK"].to_list())
    about = complaints.filter(pl.col("KATEGORI") != "miskin belum terdaftar")["NIK"]
    assert set(about.to_list()) <= niks
    last = complaints.row(-1, named=True)
    assert (last["KATEGORI"], last["STATUS"]) == ("data salah", "diperiksa")
