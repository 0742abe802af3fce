"""Hand-made families/persons tables in the registry snapshot's layout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from terpadu.engine.family import ASSETS

# The generator's reference date: ages and NIK centuries are computed against it.
REFERENCE = dt.date(2025, 7, 1)

FAMILY_DEFAULTS: dict[str, Any] = {
    "status": "aktif",
    "kode_wilayah": "3604052001",
    "status_bangunan": 1,
    "luas_lantai": 36.0,
    "jenis_lantai": 2,
    "jenis_dinding": 1,
    "jenis_atap": 2,
    "sumber_air_minum": 3,
    "sumber_penerangan": 1,
    "daya_listrik": 900,
    "bahan_bakar_masak": 3,
    "fasilitas_bab": 1,
    **dict.fromkeys(ASSETS, 0),
    "luas_lahan": 0.0,
    "jumlah_ternak": 0,
}
PERSON_DEFAULTS: dict[str, Any] = {
    "status": "aktif",
    "nik": None,
    "resolved_person_id": None,
    "membership_hub": None,
    "hub_keluarga": 3,
    "jenis_kelamin": 1,
    "status_kawin": 1,
    "partisipasi_sekolah": 2,
    "pendidikan_tertinggi": 3,
    "status_pekerjaan": 2,
    "disabilitas": 0,
    "disabilitas_berat": 0,
    "penyakit_kronis": 0,
    "hamil": 0,
    "tgl_lahir": dt.date(1990, 1, 1),
}
FAMILY_TYPES = {
    "id": pa.int64(),
    "status": pa.string(),
    "kode_wilayah": pa.string(),
    "luas_lantai": pa.float64(),
    "luas_lahan": pa.float64(),
}
PERSON_TYPES = {
    "id": pa.int64(),
    "family_id": pa.int64(),
    "status": pa.string(),
    "nik": pa.string(),
    "tgl_lahir": pa.date32(),
}


def _table(rows: list[dict[str, Any]], defaults: dict[str, Any], types: dict[str, Any]) -> pa.Table:
    full = [{**defaults, **row} for row in rows]
    columns = list(full[0])
    return pa.table(
        {c: pa.array([r[c] for r in full], type=types.get(c, pa.int64())) for c in columns}
    )


def families(rows: list[dict[str, Any]]) -> pa.Table:
    return _table(rows, FAMILY_DEFAULTS, FAMILY_TYPES)


def persons(rows: list[dict[str, Any]]) -> pa.Table:
    return _table(rows, PERSON_DEFAULTS, PERSON_TYPES)
