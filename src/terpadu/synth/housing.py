"""A family's dwelling, utilities, assets and street address, drawn on its permanent welfare."""

from __future__ import annotations

import numpy as np

from terpadu.synth._types import BoolArr, FloatArr, IntArr
from terpadu.synth.draws import binary, logit, ordered
from terpadu.synth.names import ObjArr

_HAMLETS = [
    "Cibeber",
    "Cilaku",
    "Sukamaju",
    "Sukamanah",
    "Babakan",
    "Pasir",
    "Kaum",
    "Tegal",
    "Krajan",
    "Karanganyar",
    "Sidomulyo",
    "Cikoneng",
    "Pabuaran",
    "Cisalak",
    "Kebon",
    "Kelapa",
    "Bojong",
    "Ciherang",
    "Mekarsari",
    "Margasari",
    "Sindangsari",
    "Kadu",
    "Pasanggrahan",
    "Cikupa",
    "Tanjung",
    "Kalapa",
    "Dukuh",
    "Kulon",
    "Wetan",
    "Lor",
    "Kidul",
    "Pondok",
    "Legok",
]
_STREETS = (
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Ahmad Yani",
    "Gatot Subroto",
    "Pahlawan",
    "Veteran",
    "Kartini",
    "Pemuda",
    "Raya Serang",
    "Ki Hajar Dewantara",
    "Imam Bonjol",
    "Mawar",
    "Melati",
    "Kenanga",
    "Flamboyan",
    "Cempaka",
    "Masjid",
    "Pasar Baru",
    "Stasiun",
    "Pelita",
    "Bhayangkara",
    "Trip Jamaksari",
    "Kyai Haji Wasyid",
    "Maulana Hasanudin",
    "Samsudin",
)


def housing(rng: np.random.Generator, ws: FloatArr, urban: BoolArr, size: IntArr,
            head_work: IntArr) -> dict[str, IntArr | FloatArr]:  # fmt: skip
    """Housing, utilities and assets, each an ordered-probit proxy of permanent welfare."""
    n = len(ws)
    up = urban.astype(np.float64)
    status = (
        logit(
            rng,
            np.log(np.array([0.80, 0.09, 0.08, 0.01, 0.02]))[None, :]
            + np.array([0.15, 0.3, -0.6, 0.3, 0.0])[None, :] * ws[:, None]
            + np.array([0.0, 1.3, 0.0, 0.0, 0.0])[None, :] * up[:, None],
        )
        + 1
    )
    status = np.where(((head_work == 5) | (head_work == 6)) & (rng.random(n) < 0.12), 4, status)
    floor_area = np.exp(3.75 + 0.16 * ws + 0.3 * np.log(size) + rng.normal(0, 0.4, n) - 0.1 * up)
    floor_area = np.clip(np.round(floor_area), 9, 600)
    lantai = ordered(
        rng, ws, 0.5, (8, 7, 5, 6, 4, 2, 1), (0.05, 0.01, 0.05, 0.22, 0.10, 0.52, 0.05), 0.3 * up
    )
    lantai = np.where(rng.random(n) < 0.01, np.where(rng.random(n) < 0.5, 3, 9), lantai)
    dinding = ordered(
        rng, ws, 0.45, (6, 4, 5, 3, 2, 1), (0.02, 0.04, 0.01, 0.06, 0.05, 0.82), 0.3 * up
    )
    dinding = np.where(rng.random(n) < 0.005, 7, dinding)
    atap = ordered(rng, ws, 0.3, (7, 6, 5, 3, 4, 2, 1), (0.01, 0.01, 0.02, 0.20, 0.12, 0.60, 0.04))
    atap = np.where(rng.random(n) < 0.005, 8, atap)
    air = ordered(
        rng, ws, 0.4, (9, 8, 6, 10, 5, 7, 4, 3, 2, 1),
        (0.02, 0.02, 0.04, 0.01, 0.12, 0.04, 0.18, 0.08, 0.40, 0.09), 0.4 * up,
    )  # fmt: skip
    air = np.where(rng.random(n) < 0.003, 11, air)
    terang = ordered(rng, ws, 0.35, (4, 3, 2, 1), (0.01, 0.01, 0.06, 0.92), 0.5 * up)
    daya = ordered(rng, ws, 0.55, (450, 900, 1300, 2200, 3500), (0.30, 0.42, 0.17, 0.07, 0.04))
    daya_f = np.where(terang == 1, daya.astype(np.float64), np.nan)
    masak = ordered(
        rng, ws, 0.45, (8, 7, 5, 3, 2, 1), (0.12, 0.01, 0.02, 0.74, 0.09, 0.02), 0.5 * up
    )
    masak = np.where(rng.random(n) < 0.01, rng.choice(np.array([4, 6, 9, 10]), n), masak)
    bab = ordered(rng, ws, 0.4, (4, 3, 2, 1), (0.05, 0.03, 0.09, 0.83), 0.3 * up)
    assets = {
        "ASET_TABUNG_GAS": binary(rng, ws, 0.45, 0.15),
        "ASET_KULKAS": binary(rng, ws, 0.55, 0.55),
        "ASET_AC": binary(rng, ws, 0.6, 0.06),
        "ASET_TV": binary(rng, ws, 0.4, 0.82),
        "ASET_EMAS": binary(rng, ws, 0.45, 0.14),
        "ASET_KOMPUTER": binary(rng, ws, 0.55, 0.13),
        "ASET_SEPEDA_MOTOR": binary(rng, ws, 0.45, 0.80),
        "ASET_MOBIL": binary(rng, ws, 0.6, 0.09),
        "ASET_PERAHU_MOTOR": binary(rng, ws, 0.1, 0.012),
        "ASET_RUMAH_LAIN": binary(rng, ws, 0.5, 0.07),
    }
    owns_land = binary(rng, ws, 0.2, np.where(urban, 0.08, 0.42))
    land = np.where(owns_land, np.round(np.exp(6.8 + 0.4 * ws + rng.normal(0, 0.9, n)), -1), 0.0)
    has_stock = binary(rng, ws, 0.1, np.where(urban, 0.03, 0.2))
    stock = np.where(has_stock, 1 + rng.poisson(1.2 * np.exp(0.2 * ws)), 0)
    return {
        "STATUS_BANGUNAN": status.astype(np.int64),
        "LUAS_LANTAI": floor_area,
        "JENIS_LANTAI": lantai,
        "JENIS_DINDING": dinding,
        "JENIS_ATAP": atap,
        "SUMBER_AIR_MINUM": air,
        "SUMBER_PENERANGAN": terang,
        "DAYA_LISTRIK": daya_f,
        "BAHAN_BAKAR_MASAK": masak.astype(np.int64),
        "FASILITAS_BAB": bab,
        **{k: v.astype(np.int64) for k, v in assets.items()},
        "LUAS_LAHAN": land,
        "JUMLAH_TERNAK": stock.astype(np.int64),
    }


def addresses(rng: np.random.Generator, urban: BoolArr) -> ObjArr:
    """Street addresses in towns, hamlet (kampung, dusun) names in villages."""
    n = len(urban)
    streets = np.array(_STREETS, dtype=object)[rng.integers(0, len(_STREETS), n)]
    hamlets = np.array(_HAMLETS, dtype=object)[rng.integers(0, len(_HAMLETS), n)]
    numbers = rng.integers(1, 120, n).astype(str).astype(object)
    road = np.where(rng.random(n) < 0.7, "Jl. ", "Gg. ").astype(object)
    town: ObjArr = road + streets + " No. " + numbers
    village: ObjArr = np.where(rng.random(n) < 0.6, "Kp. ", "Dusun ").astype(object) + hamlets
    out: ObjArr = np.where(urban, town, village)
    return out
