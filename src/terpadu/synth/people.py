"""A person's attributes that follow age, cohort and family welfare: school, work, health, NIK region."""

from __future__ import annotations

import datetime as dt
from statistics import NormalDist

import numpy as np

from terpadu.synth._types import BoolArr, FloatArr, IntArr
from terpadu.synth.draws import logit, pick_in_group
from terpadu.synth.ids import DateArr, date_parts
from terpadu.synth.regions import RegionFrame

# Roles, for attributes that depend on who the person is in the family.
R_HEAD, R_SPOUSE, R_CHILD, R_PARENT, R_MENANTU, R_CUCU, R_HELPER, R_OTHER = range(8)


def age_years(birth: DateArr, ref: dt.date) -> IntArr:
    """Completed years of age on the reference date."""
    year, month, day = date_parts(birth)
    before = (month > ref.month) | ((month == ref.month) & (day > ref.day))
    out: IntArr = ref.year - year - before.astype(np.int64)
    return out


def schooling(rng: np.random.Generator, age: IntArr, birth_year: IntArr,
              pws: FloatArr) -> tuple[IntArr, IntArr]:  # fmt: skip
    """School participation and highest diploma, consistent with age and family welfare."""
    n = len(age)
    latent = 0.6 * pws + 0.8 * rng.standard_normal(n) + 0.035 * (birth_year - 1975)
    # Adult attainment shares: none, SD, SMP, SMA, D1-D3, D4/S1, S2/S3.
    cuts = np.array([NormalDist(0, 1.0).inv_cdf(c) for c in (0.08, 0.36, 0.56, 0.86, 0.90, 0.99)])
    adult_edu = np.searchsorted(cuts, latent).astype(np.int64)

    lvl_by_age = np.select([age >= 19, age >= 16, age >= 13], [3, 2, 1], default=0)
    a_age = np.select([age <= 12, age <= 15], [4.0, 2.6], default=1.3)
    in_school_p = 1.0 / (1.0 + np.exp(-(a_age + 0.7 * pws)))
    school_age = (age >= 7) & (age <= 18)
    in_school = school_age & (rng.random(n) < in_school_p)
    dropped_lvl = np.maximum(lvl_by_age - (rng.random(n) < 0.3), 0)
    univ = (age >= 19) & (age <= 23) & (adult_edu >= 4) & (rng.random(n) < 0.8)
    young_adult_edu = np.where(age >= 22, adult_edu, np.minimum(adult_edu, 3))

    edu = np.select(
        [age < 7, school_age & in_school, school_age, univ, age < 25],
        [np.zeros(n, np.int64), lvl_by_age, np.minimum(dropped_lvl, adult_edu.clip(0, 2)),
         np.full(n, 3), young_adult_edu],
        default=adult_edu,
    ).astype(np.int64)  # fmt: skip
    early = (age >= 5) & (age <= 6) & (rng.random(n) < np.where(age == 6, 0.6, 0.3))
    attended = (edu >= 1) | (rng.random(n) < 0.5)
    part = np.select(
        [age < 5, age <= 6, in_school | univ, attended],
        [np.zeros(n, np.int64), early.astype(np.int64), np.ones(n, np.int64), np.full(n, 2)],
        default=0,
    ).astype(np.int64)
    return part, edu


_NEG = -np.inf
# Utilities (intercept, slope on welfare) of work statuses 0..7 by group.
_WORK_A = np.array(
    [
        [-1.5, 0.6, 0.8, 0.3, -3.0, -1.3, -2.5, -1.0],  # male head or husband
        [0.9, 0.2, -0.3, -1.0, -0.2, -2.1, _NEG, -1.5],  # wife
        [0.2, -0.8, 0.5, 0.0, -0.5, -3.0, -3.5, _NEG],  # other adults
        [1.2, -0.3, -2.0, -0.6, -0.6, _NEG, _NEG, -0.5],  # 65 and over
        [-0.5, 0.5, 0.6, 0.4, -1.5, -2.1, _NEG, -1.5],  # female head
    ]
)
_WORK_B = np.array(
    [
        [0.0, 0.15, 0.25, -0.7, 0.0, 0.9, 0.6, 0.8],
        [-0.1, 0.1, 0.2, -0.6, -0.2, 0.9, 0.0, 0.8],
        [0.0, 0.1, 0.3, -0.6, -0.2, 0.9, 0.6, 0.0],
        [0.0, 0.0, 0.0, -0.5, 0.0, 0.0, 0.0, 0.9],
        [0.0, 0.1, 0.2, -0.6, 0.0, 0.9, 0.0, 0.8],
    ]
)


def work_status(rng: np.random.Generator, age: IntArr, edu: IntArr, part: IntArr, pws: FloatArr,
                role: IntArr, male: BoolArr) -> IntArr:  # fmt: skip
    """Work status, from a logit on welfare; ASN/TNI/Polri need SMA and working age."""
    main_adult = (role == R_HEAD) | (role == R_SPOUSE)
    group = np.select(
        [age >= 65, main_adult & male, role == R_SPOUSE, (role == R_HEAD) & ~male],
        [3, 0, 1, 4],
        default=2,
    )
    util = _WORK_A[group] + _WORK_B[group] * pws[:, None]
    util[:, 5] = np.where((age >= 20) & (age < 58) & (edu >= 3), util[:, 5], _NEG)
    util[:, 6] = np.where((age >= 19) & (age < 58) & (edu >= 3) & male, util[:, 6], _NEG)
    util[:, 7] = np.where((age >= 50) & (edu >= 2), util[:, 7], _NEG)
    work = logit(rng, util)
    work = np.where(role == R_HELPER, 2, work)
    active = (age >= 15) & (part != 1)
    out: IntArr = np.where(active, work, 0).astype(np.int64)
    return out


def disability(rng: np.random.Generator, age: IntArr,
               pws: FloatArr) -> tuple[IntArr, IntArr]:  # fmt: skip
    """Disability (about 2.5 %, rising with age, a little more in poor families) and severity."""
    n = len(age)
    p = np.select([age < 18, age < 40, age < 60], [0.012, 0.015, 0.03], default=0.075)
    p = p * np.exp(-0.15 * pws)
    has = rng.random(n) < p
    kind = rng.choice(np.array([1, 2, 3, 4, 5]), size=n, p=[0.45, 0.12, 0.13, 0.22, 0.08])
    severe = has & (rng.random(n) < np.where(kind == 5, 0.6, 0.3))
    return np.where(has, kind, 0).astype(np.int64), severe.astype(np.int64)


def nik_region(rng: np.random.Generator, regions: RegionFrame, kec: IntArr, kab: IntArr,
               role: IntArr) -> IntArr:  # fmt: skip
    """Kecamatan of first registration: usually home, sometimes elsewhere (people move)."""
    n = len(kec)
    adult = (role != R_CHILD) & (role != R_CUCU)
    p_kab = np.where(role == R_PARENT, 0.25, np.where(adult, 0.16, 0.0))
    p_prov = np.where(
        role == R_HELPER, 0.5, np.where(role == R_PARENT, 0.15, np.where(adult, 0.09, 0.0))
    )
    u = rng.random(n)
    same_kab = pick_in_group(rng, regions.kec_code, regions.kec_kab, kab)
    anywhere = regions.kec_code[rng.integers(0, len(regions.kec_code), n)]
    out: IntArr = np.where(u < p_prov, anywhere, np.where(u < p_prov + p_kab, same_kab, kec))
    return out
