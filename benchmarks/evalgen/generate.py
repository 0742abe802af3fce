"""Put it together: population -> registrations -> faults -> files."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .duplicates import build_registrations
from .faults import PROFILES, damage
from .households import build_population
from .names import BIRTHPLACE_ELSEWHERE
from .regions import load_kabupaten
from .writer import (
    ANGGOTA_COLUMNS,
    KELUARGA_COLUMNS,
    cased,
    dotted_region,
    dusun_names,
    formatted_date,
    formatted_sex,
    housing_columns,
    operator_styles,
    write_csv,
)


@dataclass(frozen=True)
class Summary:
    persons: int
    registrations: int
    families: int
    duplicated_persons: int
    duplicate_rate: float
    true_pairs: int
    intended_rejects: int
    seconds: float


def generate(
    out: Path,
    *,
    persons: int,
    duplicate_rate: float = 0.10,
    seed: int = 1,
    kabupaten: str = "3329",
    profile: str = "default",
    today: dt.date | None = None,
) -> Summary:
    """Write keluarga.csv, anggota.csv, truth.csv and generation.json into `out`."""
    started = time.perf_counter()
    today = today or dt.date.today()
    prof = PROFILES[profile]
    rng = np.random.default_rng(seed)
    kab = load_kabupaten(kabupaten)
    families, people = build_population(rng, kab, persons, today)
    reg_families, rows = build_registrations(rng, kab, families, people, duplicate_rate)

    # Operators: one per (batch, desa); each registration family takes its operator's habits.
    reg_families = reg_families.with_columns(
        pl.struct("batch", "desa").rank("dense").cast(pl.Int64).sub(1).alias("operator")
    )
    styles = operator_styles(
        rng, int(reg_families["operator"].max()) + 1, prof.two_digit_year_batches
    )
    reg_families = reg_families.join(styles, on="operator", how="left")
    reg_families = reg_families.with_columns(
        pl.concat_str(
            pl.col("batch"),
            pl.lit("-"),
            pl.col("desa"),
            pl.lit("-"),
            (pl.col("reg_family").rank("ordinal").over("batch", "desa")).cast(pl.Utf8).str.zfill(5),
        ).alias("ID_KELUARGA"),
        pl.col("desa").str.slice(0, 6).alias("kecamatan_now"),
    )

    rows = rows.join(people, on="person", how="left").join(
        reg_families.select(
            "reg_family", "ID_KELUARGA", "kecamatan_now", "case", "date_fmt", "sex_fmt"
        ),
        on="reg_family",
        how="left",
    )
    rows = rows.sort("reg_family", maintain_order=True)
    rows = rows.with_columns(
        (pl.int_range(pl.len()).over("reg_family") + 1).alias("member_no"),
        pl.col("nik").filter(pl.col("reg_role") == 1).first().over("reg_family").alias("head_nik"),
    )
    rows = rows.with_columns(pl.col("head_nik").fill_null(""))

    damaged = damage(
        rng,
        prof,
        true_nik=rows["nik"].to_numpy().astype(object),
        head_nik=rows["head_nik"].to_numpy().astype(object),
        name=rows["name"].to_numpy().astype(object),
        dob=rows["dob"].to_list(),
        female=rows["female"].to_numpy(),
        age=rows["age"].to_numpy(),
        tradition=rows["tradition"].to_numpy(),
        reg_role=rows["reg_role"].to_numpy(),
        mother=rows["mother"].to_numpy().astype(object),
        kecamatan_now=rows["kecamatan_now"].to_numpy().astype(object),
        today=today,
    )
    n = rows.height
    birthplace = np.where(
        rng.random(n) < 0.8, kab.name, np.asarray(BIRTHPLACE_ELSEWHERE)[rng.integers(0, 16, n)]
    )
    rows = rows.with_columns(
        pl.Series("nama_raw", damaged.name, dtype=pl.Utf8),
        pl.Series("ibu_raw", damaged.mother, dtype=pl.Utf8),
        pl.Series("nik_out", damaged.nik, dtype=pl.Utf8),
        pl.Series("dob_out", damaged.dob, dtype=pl.Date),
        pl.Series("female_out", damaged.female),
        pl.Series("birthplace", birthplace),
    )
    anggota = rows.select(
        pl.concat_str(
            pl.col("ID_KELUARGA"), pl.lit("-"), pl.col("member_no").cast(pl.Utf8).str.zfill(2)
        ).alias("ID_ANGGOTA"),
        "ID_KELUARGA",
        pl.col("nik_out").alias("NIK"),
        cased("nama_raw").alias("NAMA"),
        formatted_sex("female_out").alias("JENIS_KELAMIN"),
        cased("birthplace").alias("TEMPAT_LAHIR"),
        formatted_date("dob_out").alias("TGL_LAHIR"),
        pl.col("reg_role").alias("HUB_KELUARGA"),
        pl.col("married").alias("STATUS_KAWIN"),
        cased("ibu_raw").alias("NAMA_IBU_KANDUNG"),
        *_schooling_and_work(rng, rows["age"].to_numpy()),
    )
    truth = pl.DataFrame(
        {
            "ID_ANGGOTA": anggota["ID_ANGGOTA"],
            "TRUE_PERSON": rows["person"],
            "TRUE_FAMILY": rows["family"],
            "TRUE_NAME": rows["name"],
            "TRUE_DOB": rows["dob"],
            "TRUE_SEX": np.where(rows["female"].to_numpy(), 2, 1).astype(np.int8),
            "TRUE_NIK": rows["nik"],
            "INTENDED_REJECT": damaged.rejected.astype(np.int8),
            "FAULTS": [";".join(f) for f in damaged.faults],
        }
    )

    keluarga = _keluarga(rng, reg_families)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(keluarga.select(KELUARGA_COLUMNS), out / "keluarga.csv")
    write_csv(anggota.select(ANGGOTA_COLUMNS), out / "anggota.csv")
    write_csv(truth, out / "truth.csv")

    counts = rows.group_by("person").len()["len"]
    summary = Summary(
        persons=people.height,
        registrations=n,
        families=reg_families.height,
        duplicated_persons=int((counts > 1).sum()),
        duplicate_rate=float((counts > 1).sum() / people.height),
        true_pairs=int((counts * (counts - 1) // 2).sum()),
        intended_rejects=int(damaged.rejected.sum()),
        seconds=round(time.perf_counter() - started, 2),
    )
    params = {
        "persons": persons,
        "duplicate_rate": duplicate_rate,
        "seed": seed,
        "kabupaten": kab.code,
        "profile": profile,
        "today": today.isoformat(),
    }
    (out / "generation.json").write_text(
        json.dumps({"parameters": params, "summary": summary.__dict__}, indent=2) + "\n"
    )
    return summary


def _schooling_and_work(rng: np.random.Generator, age: np.ndarray) -> list[pl.Series]:
    """School, diploma and work answers consistent with age (linkage does not use them)."""
    n = len(age)
    school_age = (age >= 7) & (age <= 18)
    in_school = school_age & (rng.random(n) < 0.88)
    participation = np.where(age < 5, 0, np.where(in_school, 1, 2))
    participation = np.where((age >= 60) & (rng.random(n) < 0.15), 0, participation)
    adult_level = rng.choice(7, size=n, p=[0.12, 0.35, 0.2, 0.23, 0.04, 0.05, 0.01])
    child_level = np.select([age < 13, age < 16], [0, 1], default=2)
    level = np.where(age < 19, child_level, adult_level)
    level = np.where(participation == 0, 0, level)
    work_p = [0.3, 0.25, 0.2, 0.15, 0.06, 0.03, 0.01, 0.0]
    work = np.where((age >= 18) & (age <= 65), rng.choice(8, size=n, p=work_p), 0)
    work = np.where((age > 65) & (rng.random(n) < 0.08), 7, work)
    disability = np.where(rng.random(n) < 0.03, rng.integers(1, 6, n), 0)
    return [
        pl.Series("PARTISIPASI_SEKOLAH", participation.astype(np.int8)),
        pl.Series("PENDIDIKAN_TERTINGGI", level.astype(np.int8)),
        pl.Series("STATUS_PEKERJAAN", work.astype(np.int8)),
        pl.Series("DISABILITAS", disability.astype(np.int8)),
        pl.Series("DISABILITAS_BERAT", ((disability > 0) & (rng.random(n) < 0.3)).astype(np.int8)),
        pl.Series("PENYAKIT_KRONIS", (rng.random(n) < 0.08).astype(np.int8)),
        pl.Series("HAMIL", np.zeros(n, dtype=np.int8)),
    ]


def _keluarga(rng: np.random.Generator, reg_families: pl.DataFrame) -> pl.DataFrame:
    """One row per registration family, with its KK as the operator typed it."""
    n = reg_families.height
    kk = reg_families["kk"].to_numpy().astype(object)
    u = rng.random(n)
    has = kk != ""
    kk = np.where(has & (u < 0.06), "", kk)
    kk = np.where(has & (u >= 0.06) & (u < 0.08), np.char.add("'", kk.astype(str)), kk)
    kk = np.where(has & (u >= 0.08) & (u < 0.10), np.char.add(kk.astype(str), ".0"), kk)
    kk = np.where(~has & (u < 0.2), "-", kk)
    frame = reg_families.select("ID_KELUARGA", "desa", "dotted").with_columns(
        pl.Series("NO_KK", kk.astype(str)),
        pl.concat_str(
            pl.lit("DUSUN "),
            pl.Series(dusun_names(rng, n).astype(str)),
            pl.lit(" RT "),
            pl.Series(rng.integers(1, 15, n)).cast(pl.Utf8).str.zfill(3),
        ).alias("ALAMAT"),
        pl.Series("RT", rng.integers(1, 15, n)).cast(pl.Utf8).str.zfill(3),
        pl.Series("RW", rng.integers(1, 8, n)).cast(pl.Utf8).str.zfill(3),
    )
    frame = frame.with_columns(dotted_region("desa").alias("KODE_WILAYAH"))
    return frame.with_columns([pl.Series(k, v) for k, v in housing_columns(rng, n).items()])
