"""The independent evaluation generator and the pairwise scorer of the linkage benchmark."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.evalgen import generate
from benchmarks.evalgen.faults import nik_is_valid
from benchmarks.evalgen.regions import ddmmyy, with_serials
from benchmarks.evalgen.scoring import pair_scores

from terpadu.cli import app
from terpadu.identity import check_nik
from terpadu.settings import get_settings

TODAY = dt.date(2026, 12, 6)
NIK_FAULT_PREFIX = "nik_"


PURPOSE = "uji penolakan baris evalgen"


@pytest.fixture(autouse=True)
def isolated_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_account: Callable[..., str]
) -> Iterator[None]:
    monkeypatch.setenv("TERPADU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TERPADU_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    cli_account("petugas", "admin_provinsi", "33")  # the generated batches are in Jawa Tengah
    yield
    get_settings.cache_clear()


def _truth(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "truth.csv", infer_schema_length=0)


def _anggota(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "anggota.csv", infer_schema_length=0).with_columns(
        pl.col("NIK").fill_null("")
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evalgen") / "default"
    generate(out, persons=4000, duplicate_rate=0.10, seed=3, profile="default", today=TODAY)
    return out


@pytest.fixture(scope="module")
def messy_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evalgen") / "messy"
    generate(out, persons=3000, duplicate_rate=0.10, seed=3, profile="messy", today=TODAY)
    return out


def test_files_import_with_only_the_intended_rejections(batch: Path, tmp_path: Path) -> None:
    _import_and_check(batch, tmp_path)


def test_messy_files_import_with_only_the_intended_rejections(
    messy_batch: Path, tmp_path: Path
) -> None:
    _import_and_check(messy_batch, tmp_path)


def _import_and_check(batch: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(
        app,
        ["import", str(batch / "keluarga.csv"), str(batch / "anggota.csv"), "--source", "eval"],
    )
    assert result.exit_code == 0, result.output
    persons = tmp_path / "persons.parquet"
    exported = runner.invoke(
        app, ["export", "persons", "--out", str(persons), "--purpose", PURPOSE]
    )
    assert exported.exit_code == 0, exported.output
    landed = set(pl.read_parquet(persons)["ID_ANGGOTA"].to_list())
    truth = _truth(batch).with_columns(pl.col("ID_ANGGOTA").is_in(list(landed)).alias("landed"))
    intended = truth.filter(pl.col("INTENDED_REJECT") == "1")
    unintended = truth.filter((pl.col("INTENDED_REJECT") == "0") & ~pl.col("landed"))
    print(f"rows {truth.height}, intended rejections {intended.height}, landed {len(landed)}")
    assert intended.height > 0
    assert not intended["landed"].any(), "a row meant to be rejected landed"
    # Every other row lands, the oldest members' NIKs and two-digit-year dates included.
    assert unintended.height == 0, unintended.select("ID_ANGGOTA", "FAULTS")


def test_truth_covers_every_row(batch: Path) -> None:
    anggota = _anggota(batch)
    truth = _truth(batch)
    assert anggota["ID_ANGGOTA"].n_unique() == anggota.height
    assert anggota["ID_ANGGOTA"].sort().to_list() == truth["ID_ANGGOTA"].sort().to_list()
    assert truth["TRUE_PERSON"].null_count() == 0
    assert truth["TRUE_PERSON"].n_unique() == 4000
    assert truth.height > 4000


@pytest.mark.parametrize("rate", [0.01, 0.10, 0.40])
def test_duplicate_rate_is_as_asked(tmp_path: Path, rate: float) -> None:
    summary = generate(tmp_path, persons=3000, duplicate_rate=rate, seed=4, today=TODAY)
    counts = _truth(tmp_path).group_by("TRUE_PERSON").len()["len"]
    share = (counts > 1).sum() / 3000
    assert share == pytest.approx(rate, abs=0.002)
    assert summary.duplicate_rate == pytest.approx(share)
    # Duplicates sit in other family records than the first registration.
    truth = _truth(tmp_path).join(
        _anggota(tmp_path).select("ID_ANGGOTA", "ID_KELUARGA"), on="ID_ANGGOTA"
    )
    per_person = truth.group_by("TRUE_PERSON").agg(pl.col("ID_KELUARGA").n_unique(), pl.len())
    assert (per_person["ID_KELUARGA"] == per_person["len"]).all()


def test_no_nik_profile_blanks_every_nik(tmp_path: Path) -> None:
    generate(tmp_path, persons=2000, seed=5, profile="no-nik", today=TODAY)
    assert (_anggota(tmp_path)["NIK"] == "").all()


def test_niks_meant_to_be_valid_validate(batch: Path) -> None:
    rows = _truth(batch).join(_anggota(batch).select("ID_ANGGOTA", "NIK"), on="ID_ANGGOTA")
    untouched = rows.filter(
        (pl.col("TRUE_NIK").fill_null("") != "")
        & ~pl.col("FAULTS").fill_null("").str.contains(NIK_FAULT_PREFIX)
        & (pl.col("TRUE_DOB") >= "1927-01-01")  # see the century note above
    )
    assert untouched.height > 3000
    assert (untouched["NIK"] == untouched["TRUE_NIK"]).all()
    for nik, sex in zip(untouched["NIK"], untouched["TRUE_SEX"], strict=True):
        check = check_nik(nik, today=TODAY)
        assert check.ok, (nik, check.error)
        assert check.sex == int(sex)
        assert nik_is_valid(nik, TODAY)


def test_nik_of_a_centenarian_is_built_the_way_the_card_is() -> None:
    born = dt.date(1926, 12, 14)
    import numpy as np

    prefix = pl.Series(["332901"]) + ddmmyy(np.array([born], dtype="datetime64[D]"), 40)
    nik = with_serials(prefix, np.random.default_rng(0))[0]
    assert nik[:12] == "332901541226"
    assert nik_is_valid(nik, TODAY)


def test_pair_scores_on_a_hand_made_clustering() -> None:
    # Truth: {a1 a2 a3} {b1 b2} {c1}. Predicted: {a1 a2} {a3 b1 b2} {c1}.
    truth = ["a", "a", "a", "b", "b", "c"]
    predicted = ["x", "x", "y", "y", "y", "z"]
    scores = pair_scores(predicted, truth)
    # True pairs 3 + 1 = 4; predicted 1 + 3 = 4; both: a1-a2 and b1-b2.
    assert (scores.true_positive, scores.predicted, scores.actual) == (2, 4, 4)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(0.5)


def test_pair_scores_treat_a_blank_cluster_as_a_person_of_its_own() -> None:
    scores = pair_scores([None, None, "", "k", "k"], ["a", "a", "a", "b", "b"])
    assert (scores.true_positive, scores.predicted, scores.actual) == (1, 1, 4)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(0.25)
