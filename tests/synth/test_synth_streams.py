"""The survey's own random stream and the sample quota file."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from terpadu.synth import SynthConfig, generate
from terpadu.targeting.quota import read_quotas

REGISTRY_FILES = ("keluarga.csv", "anggota.csv", "truth_keluarga.csv", "truth_anggota.csv")


def test_registry_files_do_not_depend_on_the_survey(tmp_path: Path) -> None:
    without, small, large = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(SynthConfig(households=120, seed=7, faults="default"), without)
    generate(SynthConfig(households=120, seed=7, faults="default", survey_households=80), small)
    generate(SynthConfig(households=120, seed=7, faults="default", survey_households=300), large)
    for name in REGISTRY_FILES:
        assert (small / name).read_bytes() == (without / name).read_bytes(), name
        assert (large / name).read_bytes() == (without / name).read_bytes(), name
    assert not (without / "survey_keluarga.csv").exists()
    survey = pl.read_csv(large / "survey_keluarga.csv")
    assert survey.height == 300
    # the survey's truth ids never name a registry family
    registry_ids = set(pl.read_csv(without / "truth_keluarga.csv")["TRUE_FAMILY_ID"])
    survey_ids = set(pl.read_csv(large / "truth_survey_keluarga.csv")["TRUE_FAMILY_ID"])
    assert not registry_ids & survey_ids


def test_sample_quota_file_covers_each_kecamatan_and_reads(tmp_path: Path) -> None:
    summary = generate(
        SynthConfig(households=400, kab_code="3604", seed=3, faults="heavy"), tmp_path
    )
    path = summary.files["kuota"]
    frame = pl.read_csv(path, schema_overrides={"KODE_WILAYAH": pl.Utf8, "PERIODE": pl.Utf8})
    assert frame.columns == ["PROGRAM", "KODE_WILAYAH", "KUOTA", "PERIODE"]
    truth = pl.read_csv(tmp_path / "truth_keluarga.csv").join(
        pl.read_csv(tmp_path / "keluarga.csv", schema_overrides={"KODE_WILAYAH": pl.Utf8}),
        on="ID_KELUARGA",
    )
    # the rows made invalid (unknown region codes) are no kecamatan of the quota file
    valid = truth.filter(~pl.col("FAULT").str.contains("invalid_kode_wilayah"))
    kecamatan = {code.replace(".", "")[:6] for code in valid["KODE_WILAYAH"]}
    pkh = frame.filter(pl.col("PROGRAM") == "pkh")
    assert set(pkh["KODE_WILAYAH"]) == kecamatan
    assert 0.08 * 400 <= pkh["KUOTA"].sum() <= 0.16 * 420
    quotas = read_quotas(path, "pkh", "2026-11")
    assert quotas.total == pkh["KUOTA"].sum()
    assert quotas.skipped_rows == frame.height - pkh.height
