"""The true population: families of one kabupaten and the people in them.

Everything here is the truth the registrations are later drawn (and damaged) from: one row
per real person with their real name, birth date, sex and NIK, and one row per real family
with its desa and KK number.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from .names import PAPUA, YOUNG_SECOND_F, YOUNG_SECOND_M, draw_names, province_mix
from .regions import Kabupaten, ddmmyy, desa_weights, with_serials

# Persons per family (KK): more single-person and large families than a textbook mean.
FAMILY_SIZES = np.arange(1, 10)
FAMILY_SIZE_SHARES = np.array([0.11, 0.19, 0.23, 0.21, 0.13, 0.07, 0.035, 0.015, 0.01])

HEAD, SPOUSE, CHILD, IN_LAW, GRANDCHILD, PARENT, HELPER, OTHER = 1, 2, 3, 4, 5, 6, 7, 8


def _family_sizes(rng: np.random.Generator, persons: int) -> np.ndarray:
    """Family sizes summing to exactly `persons`."""
    mean = float((FAMILY_SIZES * FAMILY_SIZE_SHARES).sum())
    sizes = rng.choice(FAMILY_SIZES, size=int(persons / mean * 1.1) + 10, p=FAMILY_SIZE_SHARES)
    cum = np.cumsum(sizes)
    cut = int(np.searchsorted(cum, persons))
    sizes = sizes[: cut + 1].copy()
    sizes[-1] -= int(cum[cut] - persons)
    return sizes[sizes > 0]


def _dates_from_ages(rng: np.random.Generator, ages: np.ndarray, today: dt.date) -> np.ndarray:
    """Birth dates for ages in whole years (a random day within the year of age)."""
    today64 = np.datetime64(today, "D")
    days = (ages * 365.25 + rng.uniform(0, 365, size=len(ages))).astype(np.int64)
    return today64 - days.astype("timedelta64[D]")


def build_population(
    rng: np.random.Generator, kab: Kabupaten, persons: int, today: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(families, people) of the kabupaten, `persons` people in all."""
    sizes = _family_sizes(rng, persons)
    n_fam = len(sizes)
    desa_idx = rng.choice(len(kab.desa), size=n_fam, p=desa_weights(rng, len(kab.desa)))
    mix = province_mix(kab.code[:2])
    tradition_f = rng.choice(list(mix), size=n_fam, p=np.array(list(mix.values())))

    # Per family: who heads it and who else lives there.
    single = sizes == 1
    female_head = rng.random(n_fam) < np.where(single, 0.45, 0.14)
    head_age = np.where(single, rng.normal(58, 16, n_fam), rng.normal(46, 12, n_fam)).clip(18, 98)
    # A family with many children has an older head.
    head_age = np.maximum(head_age, 24 + 2.5 * (sizes - 3)).astype(int)
    has_spouse = (sizes >= 2) & ~female_head & (rng.random(n_fam) < 0.93)
    has_parent = (sizes >= 3) & (rng.random(n_fam) < 0.10) & (head_age < 70)
    has_grandchild = (sizes >= 4) & (head_age >= 52) & (rng.random(n_fam) < 0.35)

    fam = np.repeat(np.arange(n_fam), sizes)
    start = np.repeat(np.cumsum(sizes) - sizes, sizes)
    pos = np.arange(len(fam)) - start
    size = sizes[fam]
    n = len(fam)

    role = np.full(n, CHILD)
    role[pos == 0] = HEAD
    role[(pos == 1) & has_spouse[fam]] = SPOUSE
    last = pos == size - 1
    role[last & has_parent[fam]] = PARENT
    grand = has_grandchild[fam] & ~has_parent[fam] & (pos >= size - 2) & (pos >= 2)
    role[grand] = GRANDCHILD
    in_law = has_grandchild[fam] & ~has_parent[fam] & (pos == size - 3) & (pos >= 2)
    role[in_law & (rng.random(n) < 0.5)] = IN_LAW
    role[(role == CHILD) & (rng.random(n) < 0.015)] = OTHER

    h_age = head_age[fam]
    age = np.zeros(n)
    age[role == HEAD] = h_age[role == HEAD]
    sp = role == SPOUSE
    age[sp] = (h_age[sp] - rng.normal(4, 4, sp.sum())).clip(16, 95)
    ch = role == CHILD
    # The eldest child is born when the head is 19 to 32, the next ones 1.5 to 4 years apart.
    child_rank = pos - np.where(has_spouse[fam], 2, 1)
    eldest = head_age - rng.uniform(19, 32, n_fam)
    spacing = rng.uniform(1.5, 4.0, n_fam)
    age[ch] = eldest[fam][ch] - spacing[fam][ch] * child_rank[ch]
    # More children than the head's age allows: they are nephews, nieces or other relatives
    # living with the family (siblings months apart would be impossible).
    unborn = ch & (age < 0)
    role[unborn] = OTHER
    age[unborn] = rng.uniform(3, 40, unborn.sum())
    ch = role == CHILD
    pa = role == PARENT
    age[pa] = (h_age[pa] + rng.uniform(20, 36, pa.sum())).clip(None, 105)
    gc = role == GRANDCHILD
    age[gc] = rng.uniform(0, 14, gc.sum())
    il = role == IN_LAW
    age[il] = (h_age[il] - rng.uniform(20, 32, il.sum())).clip(17, None)
    ot = (role == OTHER) & ~unborn
    age[ot] = rng.uniform(5, 70, ot.sum())
    age = age.astype(int)

    female = rng.random(n) < 0.5
    female[role == HEAD] = female_head[fam][role == HEAD]
    female[sp] = ~female_head[fam][sp]
    female[pa] = rng.random(pa.sum()) < 0.72

    dob = _dates_from_ages(rng, age, today)
    dob = _default_dates_of_the_old(rng, dob)
    birth_year = dob.astype("datetime64[Y]").astype(int) + 1970

    tradition = tradition_f[fam]
    # Birth order (for Balinese names): children and grandchildren counted from the eldest.
    order = np.where(np.isin(role, (CHILD, GRANDCHILD)), child_rank.clip(0, None) % 4, 0)
    names = draw_names(rng, tradition, female, birth_year, order)
    names = _distinct_within_family(rng, fam, names, female)

    mother = _mother_names(rng, role, female, fam, names, tradition, birth_year, pos)

    desa = kab.desa[desa_idx]
    family_kec = kab.desa_kecamatan[desa_idx]
    nik = _true_niks(rng, kab, family_kec[fam], dob, female, age, role, tradition)

    kk = _true_kk(rng, family_kec, today)

    people = pl.DataFrame(
        {
            "person": np.arange(n, dtype=np.int64),
            "family": fam.astype(np.int64),
            "role": role.astype(np.int8),
            "female": female,
            "age": age.astype(np.int16),
            "dob": dob,
            "tradition": tradition.astype(np.int8),
            "name": names.astype(str),
            "mother": mother.astype(str),
            "nik": nik,
            "married": _married(role, age, female, rng),
        }
    )
    families = pl.DataFrame(
        {
            "family": np.arange(n_fam, dtype=np.int64),
            "desa": desa,
            "kk": kk,
            "size": sizes.astype(np.int16),
        }
    )
    return families, people


def _distinct_within_family(
    rng: np.random.Generator, fam: np.ndarray, names: np.ndarray, female: np.ndarray
) -> np.ndarray:
    """Parents do not give two children the same name: a repeat gets a second word."""
    repeat = (
        pl.DataFrame({"fam": fam, "name": names.astype(str)})
        .select(pl.col("name").cum_count().over("fam", "name") > 1)
        .to_series()
        .to_numpy()
    )
    idx = np.flatnonzero(repeat)
    out = names.copy()
    for i in idx.tolist():
        words = YOUNG_SECOND_F if female[i] else YOUNG_SECOND_M
        out[i] = f"{names[i]} {words[int(rng.integers(len(words)))]}"
    return out


def _default_dates_of_the_old(rng: np.random.Generator, dob: np.ndarray) -> np.ndarray:
    """Many people born before 1960 only know their year: their papers say 1 Jul, 31 Dec, 1 Jan."""
    year = dob.astype("datetime64[Y]")
    old = (year.astype(int) + 1970 < 1960) & (rng.random(len(dob)) < 0.22)
    pick = rng.choice(3, size=len(dob), p=[0.4, 0.35, 0.25])
    first_jan = year.astype("datetime64[D]")
    defaults = np.select(
        [pick == 0, pick == 1],
        [first_jan + np.timedelta64(181, "D"), (year + 1).astype("datetime64[D]") - 1],
        default=first_jan,
    )
    out = dob.copy()
    out[old] = defaults[old]
    return out


def _mother_names(
    rng: np.random.Generator,
    role: np.ndarray,
    female: np.ndarray,
    fam: np.ndarray,
    names: np.ndarray,
    tradition: np.ndarray,
    birth_year: np.ndarray,
    pos: np.ndarray,
) -> np.ndarray:
    """The mother's name: the family's wife (or female head) for its children, else drawn."""
    n = len(role)
    drawn = draw_names(
        rng, tradition, np.ones(n, dtype=bool), birth_year - 25, np.zeros(n, dtype=int)
    )
    # The woman at position 0 or 1 of each family, if any.
    is_mother = ((role == SPOUSE) & female) | ((role == HEAD) & female)
    mother_of_family = np.full(fam.max() + 1, -1)
    idx = np.flatnonzero(is_mother)
    mother_of_family[fam[idx]] = idx
    m = mother_of_family[fam]
    own = (role == CHILD) & (m >= 0)
    out = drawn.copy()
    out[own] = names[m[own]]
    return out


def _true_niks(
    rng: np.random.Generator,
    kab: Kabupaten,
    family_kec: np.ndarray,
    dob: np.ndarray,
    female: np.ndarray,
    age: np.ndarray,
    role: np.ndarray,
    tradition: np.ndarray,
) -> np.ndarray:
    """Each person's NIK, or "" for people who never got one."""
    n = len(dob)
    # Where the NIK was first issued: mostly the family's kecamatan; adults may come from
    # elsewhere in the kabupaten or the province.
    u = rng.random(n)
    adult = age >= 17
    region = family_kec.copy()
    same_kab = adult & (u < 0.08)
    region[same_kab] = rng.choice(kab.kecamatan, size=int(same_kab.sum()))
    province = adult & (u >= 0.08) & (u < 0.20)
    region[province] = rng.choice(kab.province_kecamatan, size=int(province.sum()))

    # Some people's NIK carries a date other than the one they state (a clerk's guess).
    nik_dob = dob.copy()
    born_early = dob < np.datetime64("1980-01-01")
    shifted = born_early & (rng.random(n) < 0.03)
    year_start = dob[shifted].astype("datetime64[Y]").astype("datetime64[D]")
    nik_dob[shifted] = year_start + rng.integers(0, 365, int(shifted.sum())).astype(
        "timedelta64[D]"
    )
    date_part = ddmmyy(nik_dob, np.where(female, 40, 0))
    prefix = pl.Series(region.astype(str)) + date_part
    nik = with_serials(prefix, rng).to_numpy().astype(object)

    p_none = np.select(
        [age < 1, age < 6, age < 17, age < 70], [0.5, 0.12, 0.05, 0.025], default=0.10
    )
    p_none = np.where(tradition == PAPUA, p_none * 3, p_none)
    nik[rng.random(n) < p_none] = ""
    return nik


def _true_kk(rng: np.random.Generator, family_kec: np.ndarray, today: dt.date) -> np.ndarray:
    """Each family's KK number (issued 2008 to last year), "" for 5 % without a card."""
    n = len(family_kec)
    first = np.datetime64("2008-01-01")
    span = (np.datetime64(dt.date(today.year - 1, 12, 31)) - first).astype(int)
    issued = first + rng.integers(0, span, n).astype("timedelta64[D]")
    prefix = pl.Series(family_kec.astype(str)) + ddmmyy(issued)
    kk = with_serials(prefix, rng, max_start=200).to_numpy().astype(object)
    kk[rng.random(n) < 0.05] = ""
    return kk


def _married(
    role: np.ndarray, age: np.ndarray, female: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """STATUS_KAWIN of each person (1 single, 2 married, 3 divorced, 4 widowed)."""
    status = np.where(age >= 19, 2, 1)
    status[(role == HEAD) & female] = np.where(
        rng.random(int(((role == HEAD) & female).sum())) < 0.7, 4, 3
    )
    status[role == PARENT] = 4
    status[(role == CHILD) & (age >= 19)] = np.where(
        rng.random(int(((role == CHILD) & (age >= 19)).sum())) < 0.25, 2, 1
    )
    return status.astype(np.int8)
