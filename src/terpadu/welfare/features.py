"""PMT proxies and deprivation inputs, derived relationally from families and persons.

Everything here is SQL text that runs unchanged on DuckDB and Spark: a *profile*
query turns the ``families`` and ``persons`` tables (the registry snapshot's
layout, or survey files shaped the same way) into one row per active family with
descriptive columns (size, composition, the head, the dwelling, assets), and the
*model features* are numeric expressions over that profile. Fitting, scoring and
the deprivation profile all read the same profile, so a proxy means the same
thing when the model is fitted and when the registry is ranked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from terpadu.engine.family import ASSETS, DWELLING_CODES, member_count, members_sql

#: Columns of the profile query that describe a family (usable by deprivation indicators).
PROFILE_COLUMNS: dict[str, str] = {
    "jumlah_anggota": "active members",
    "anak_0_6": "children aged 0-6",
    "anak_7_12": "children aged 7-12",
    "anak_13_15": "children aged 13-15",
    "anak_16_18": "children aged 16-18",
    "usia_kerja": "members aged 15-64",
    "lansia": "members aged 60 or more",
    "jumlah_pekerja": "members aged 15+ who work (STATUS_PEKERJAAN 1-6)",
    "jumlah_disabilitas": "members with a disability (DISABILITAS 1-5)",
    "jumlah_disabilitas_berat": "members with a severe disability",
    "jumlah_penyakit_kronis": "members with a chronic illness",
    "jumlah_hamil": "pregnant members",
    "anak_tidak_sekolah": "children aged 7-18 not in school",
    "dewasa_tanpa_ijazah": "members aged 19+ without any diploma",
    "pendidikan_maks": "highest diploma in the family (0-6)",
    "rasio_tanggungan": "(children under 15 + members 65+) / members aged 15-64",
    "kepala_perempuan": "the head is a woman (0/1)",
    "kepala_umur": "the head's age in years",
    "kepala_pendidikan": "the head's highest diploma (0-6)",
    "kepala_pekerjaan": "the head's work status (0-7)",
    "kepala_kawin": "the head is married (0/1)",
    "lansia_tunggal": "one member, aged 60 or more (0/1)",
    "luas_lantai_per_kapita": "floor area per member, m²",
    "aset_bergerak": "movable assets (gold, motorbike, car, motor boat, livestock) owned",
    "perkotaan": "lives in a kelurahan (urban) (0/1)",
    "status_bangunan": "tenure code",
    "jenis_lantai": "floor code",
    "jenis_dinding": "wall code",
    "jenis_atap": "roof code",
    "sumber_air_minum": "drinking-water code",
    "sumber_penerangan": "lighting code",
    "daya_listrik": "electricity power, VA",
    "bahan_bakar_masak": "cooking-fuel code",
    "fasilitas_bab": "toilet code",
    "aset_tabung_gas": "owns a gas tank of 5.5 kg or more",
    "aset_kulkas": "owns a fridge",
    "aset_ac": "owns an air conditioner",
    "aset_tv": "owns a TV",
    "aset_emas": "owns gold of 10 g or more",
    "aset_komputer": "owns a computer",
    "aset_sepeda_motor": "owns a motorbike",
    "aset_mobil": "owns a car",
    "aset_perahu_motor": "owns a motor boat",
    "aset_rumah_lain": "owns another house",
    "luas_lahan": "land owned, m²",
    "jumlah_ternak": "large livestock, head",
}

#: Columns every scoring or ranking query carries along (not model features).
KEY_COLUMNS = ("family_id", "kode_wilayah", "kode_provinsi", "kode_kabkota")

# Coded dwelling columns: (column, feature prefix, codes that get a dummy). The first
# code of each list in docs/formats.md is the reference level; a blank code counts as it.
CATEGORICAL: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("status_bangunan", "tenure", (2, 3, 4, 5)),
    ("jenis_lantai", "lantai", (2, 3, 4, 5, 6, 7, 8, 9)),
    ("jenis_dinding", "dinding", (2, 3, 4, 5, 6, 7)),
    ("jenis_atap", "atap", (2, 3, 4, 5, 6, 7, 8)),
    ("sumber_air_minum", "air", (2, 3, 4, 5, 6, 7, 8, 9, 10, 11)),
    ("sumber_penerangan", "penerangan", (2, 3, 4)),
    ("bahan_bakar_masak", "bbm", (2, 3, 4, 5, 6, 7, 8, 9, 10)),
    ("fasilitas_bab", "bab", (2, 3, 4)),
    ("kepala_pendidikan", "kepala_pendidikan", (1, 2, 3, 4, 5, 6)),
    ("kepala_pekerjaan", "kepala_kerja", (1, 2, 3, 4, 5, 6, 7)),
)


@dataclass(frozen=True)
class Feature:
    """One model input: a name and a numeric SQL expression over the profile."""

    name: str
    sql: str


def _features() -> tuple[Feature, ...]:
    out: list[Feature] = [
        Feature("log_jumlah_anggota", "ln(jumlah_anggota)"),
        Feature("anak_0_6", "anak_0_6"),
        Feature("anak_7_12", "anak_7_12"),
        Feature("anak_13_15", "anak_13_15"),
        Feature("anak_16_18", "anak_16_18"),
        Feature("lansia", "lansia"),
        Feature("jumlah_pekerja", "jumlah_pekerja"),
        Feature("jumlah_disabilitas", "jumlah_disabilitas"),
        Feature("jumlah_penyakit_kronis", "jumlah_penyakit_kronis"),
        Feature("jumlah_hamil", "jumlah_hamil"),
        Feature("pendidikan_maks", "pendidikan_maks"),
        Feature("rasio_tanggungan", "rasio_tanggungan"),
        Feature("kepala_perempuan", "kepala_perempuan"),
        Feature("kepala_umur", "kepala_umur"),
        Feature("kepala_umur2", "kepala_umur * kepala_umur / 100.0e0"),
        Feature("kepala_kawin", "kepala_kawin"),
        Feature("perkotaan", "perkotaan"),
        Feature("log_lantai_per_kapita", "ln(1.0e0 + luas_lantai_per_kapita)"),
        Feature("log_lahan", "ln(1.0e0 + coalesce(luas_lahan, 0.0e0))"),
        Feature("log_ternak", "ln(1.0e0 + coalesce(jumlah_ternak, 0))"),
        *[Feature(a, f"coalesce({a}, 0)") for a in ASSETS],
    ]
    for daya in (900, 1300, 2200):
        out.append(Feature(f"daya_{daya}", f"CASE WHEN daya_listrik = {daya} THEN 1 ELSE 0 END"))
    out.append(Feature("daya_3500", "CASE WHEN daya_listrik >= 3500 THEN 1 ELSE 0 END"))
    for column, prefix, codes in CATEGORICAL:
        for code in codes:
            out.append(
                Feature(f"{prefix}_{code}", f"CASE WHEN {column} = {code} THEN 1 ELSE 0 END")
            )
    return tuple(out)


#: The PMT's inputs, in a fixed order (the model artefact stores the names it used).
FEATURES: tuple[Feature, ...] = _features()
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def _int(column: str) -> str:
    return f"CAST({column} AS INT)"


#: The member counts of the profile, all from ``terpadu.engine.family.MEMBER_COUNTS``.
COUNTED: tuple[str, ...] = (
    "anak_0_6",
    "anak_7_12",
    "anak_13_15",
    "anak_16_18",
    "usia_kerja",
    "tanggungan",
    "lansia",
    "jumlah_pekerja",
    "jumlah_disabilitas",
    "jumlah_disabilitas_berat",
    "jumlah_penyakit_kronis",
    "jumlah_hamil",
    "anak_tidak_sekolah",
    "dewasa_tanpa_ijazah",
)


def profile_sql(
    reference: dt.date,
    families: str = "families",
    persons: str = "persons",
    *,
    foreign: str | None = None,
) -> str:
    """One row per active family with at least one active member, as ``PROFILE_COLUMNS``.

    Only families and persons with status ``aktif`` count; a person belongs to the
    family of its current membership (``persons.family_id``), and one registered in several
    families counts only in the family of their newest registration (as in targeting). The
    member counts and the head (relation 1, else the oldest member) are
    ``terpadu.engine.family``'s.

    ``foreign``: a table of the registrations that count in another family, computed once
    beforehand (``terpadu.engine.family.foreign_sql``); without it the query finds them.
    """
    coded = (*DWELLING_CODES, *ASSETS, "jumlah_ternak")
    family_cols = ",\n           ".join(f"{_int(c)} AS {c}" for c in coded)
    counts = ",\n               ".join(f"{member_count(n)} AS {n}" for n in COUNTED)
    return f"""
    WITH p AS (
        SELECT * FROM ({members_sql(reference, persons, foreign=foreign)}) m WHERE asing = 0
    ),
    agg AS (
        SELECT family_id,
               count(*) AS jumlah_anggota,
               {counts},
               coalesce(max(pendidikan_tertinggi), 0) AS pendidikan_maks,
               max(CASE WHEN kepala = 1 THEN CASE WHEN jenis_kelamin = 2 THEN 1 ELSE 0 END END)
                   AS kepala_perempuan,
               max(CASE WHEN kepala = 1 THEN umur END) AS kepala_umur_raw,
               max(CASE WHEN kepala = 1 THEN pendidikan_tertinggi END) AS kepala_pendidikan,
               max(CASE WHEN kepala = 1 THEN status_pekerjaan END) AS kepala_pekerjaan,
               max(CASE WHEN kepala = 1 THEN CASE WHEN status_kawin = 2 THEN 1 ELSE 0 END END)
                   AS kepala_kawin
        FROM p
        GROUP BY family_id
    ),
    f AS (
        SELECT CAST(id AS BIGINT) AS family_id, CAST(kode_wilayah AS STRING) AS kode_wilayah,
               CAST(luas_lantai AS DOUBLE) AS luas_lantai,
               CAST(luas_lahan AS DOUBLE) AS luas_lahan,
               {family_cols}
        FROM {families}
        WHERE status = 'aktif'
    )
    SELECT f.family_id, f.kode_wilayah,
           substr(f.kode_wilayah, 1, 2) AS kode_provinsi,
           substr(f.kode_wilayah, 1, 4) AS kode_kabkota,
           a.jumlah_anggota, a.anak_0_6, a.anak_7_12, a.anak_13_15, a.anak_16_18,
           a.usia_kerja, a.lansia, a.jumlah_pekerja, a.jumlah_disabilitas,
           a.jumlah_disabilitas_berat, a.jumlah_penyakit_kronis, a.jumlah_hamil,
           a.anak_tidak_sekolah, a.dewasa_tanpa_ijazah, a.pendidikan_maks,
           CAST(a.tanggungan AS DOUBLE) / CAST(greatest(a.usia_kerja, 1) AS DOUBLE)
               AS rasio_tanggungan,
           coalesce(a.kepala_perempuan, 0) AS kepala_perempuan,
           coalesce(a.kepala_umur_raw, 40) AS kepala_umur,
           a.kepala_pendidikan, a.kepala_pekerjaan,
           coalesce(a.kepala_kawin, 0) AS kepala_kawin,
           CASE WHEN a.jumlah_anggota = 1 AND a.lansia = 1 THEN 1 ELSE 0 END AS lansia_tunggal,
           coalesce(f.luas_lantai, 0.0e0) / CAST(a.jumlah_anggota AS DOUBLE)
               AS luas_lantai_per_kapita,
           coalesce(f.aset_emas, 0) + coalesce(f.aset_sepeda_motor, 0) + coalesce(f.aset_mobil, 0)
               + coalesce(f.aset_perahu_motor, 0)
               + CASE WHEN f.jumlah_ternak > 0 THEN 1 ELSE 0 END AS aset_bergerak,
           CASE WHEN substr(f.kode_wilayah, 7, 1) = '1' THEN 1 ELSE 0 END AS perkotaan,
           {", ".join(f"f.{c}" for c in (*DWELLING_CODES, *ASSETS, "luas_lahan", "jumlah_ternak"))}
    FROM f JOIN agg a ON a.family_id = f.family_id
    """


def features_sql(profile: str) -> str:
    """The key columns and every model feature (as DOUBLE) over a profile table or subquery."""
    cols = ",\n           ".join(f"CAST({f.sql} AS DOUBLE) AS {f.name}" for f in FEATURES)
    return f"""
    SELECT {", ".join(KEY_COLUMNS)},
           {cols}
    FROM {profile}
    """
