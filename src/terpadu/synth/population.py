"""The clean population: families, their members and their welfare (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from terpadu.synth._types import BoolArr, FloatArr, IntArr
from terpadu.synth.config import SynthConfig
from terpadu.synth.housing import addresses, housing
from terpadu.synth.ids import compose_kk, compose_nik, date_parts
from terpadu.synth.names import NamePools, decorate
from terpadu.synth.people import (
    R_CHILD,
    R_CUCU,
    R_HEAD,
    R_HELPER,
    R_MENANTU,
    R_OTHER,
    R_PARENT,
    R_SPOUSE,
    age_years,
    disability,
    nik_region,
    schooling,
    work_status,
)
from terpadu.synth.regions import RegionFrame

# Family types.
COUPLE, SINGLE_MOTHER, SINGLE_FATHER, ELDERLY_ALONE, YOUNG_SINGLE = range(5)
_TYPE_SHARES = (0.77, 0.085, 0.02, 0.065, 0.06)
# Log-welfare shifts by family type (female-headed and elderly-alone families are poorer).
_TYPE_EFFECT = np.array([0.0, -0.18, -0.08, -0.15, 0.05])

# Standard deviations of the latent log consumption components.
SD_KAB, SD_KEC, SD_DESA, URBAN_EFFECT = 0.08, 0.12, 0.08, 0.15
SD_HOUSEHOLD = 0.42  # permanent, household level: what the proxies reveal
SD_TRANSITORY = 0.30  # this month's luck: no proxy can see it
SIZE_ELASTICITY = -0.30  # log consumption per capita on log family size
MAX_AGE = 90  # keeps every NIK two-digit year unambiguous


@dataclass(frozen=True)
class Population:
    """The generated truth before faults: one row per family and one per person."""

    families: pl.DataFrame
    persons: pl.DataFrame


class _People:
    """Column lists of person segments (heads, spouses, children...) being assembled."""

    def __init__(self) -> None:
        self.cols: dict[str, list[FloatArr]] = {
            k: [] for k in ("fam", "hub", "male", "age", "kawin", "mother_rel", "role")
        }

    def add(self, fam: IntArr, hub: int, male: BoolArr, age: FloatArr, kawin: IntArr,
            mother_rel: IntArr, role: int) -> None:  # fmt: skip
        n = len(fam)
        self.cols["fam"].append(fam.astype(np.float64))
        self.cols["hub"].append(np.full(n, hub, dtype=np.float64))
        self.cols["male"].append(male.astype(np.float64))
        self.cols["age"].append(age.astype(np.float64))
        self.cols["kawin"].append(kawin.astype(np.float64))
        self.cols["mother_rel"].append(mother_rel.astype(np.float64))
        self.cols["role"].append(np.full(n, role, dtype=np.float64))

    def arrays(self) -> dict[str, FloatArr]:
        return {k: np.concatenate(v) for k, v in self.cols.items()}


# How NAMA_IBU_KANDUNG is found: random, the family's mother figure, the parent row.
M_RANDOM, M_FAMILY_MOTHER, M_PARENT_ROW, M_MENANTU = range(4)


def build_population(config: SynthConfig, regions: RegionFrame, rng: np.random.Generator,
                     pools: NamePools) -> Population:  # fmt: skip
    """Draws families, members, latent welfare and all observable attributes."""
    n_fam = config.households + config.survey_households
    ref = np.datetime64(config.reference_date, "D")

    # --- where, and how well off --------------------------------------------------------
    desa = rng.choice(len(regions.desa_code), size=n_fam, p=regions.desa_weight)
    kec = regions.desa_kec[desa]
    kab = regions.desa_kab[desa]
    urban = regions.desa_urban[desa]
    kab_ids, kab_inv = np.unique(regions.desa_kab, return_inverse=True)
    kec_ids, kec_inv = np.unique(regions.desa_kec, return_inverse=True)
    desa_effect = (
        rng.normal(0, SD_KAB, len(kab_ids))[kab_inv]
        + rng.normal(0, SD_KEC, len(kec_ids))[kec_inv]
        + rng.normal(0, SD_DESA, len(regions.desa_code))
        + URBAN_EFFECT * regions.desa_urban
    )
    ftype = rng.choice(5, size=n_fam, p=np.array(_TYPE_SHARES) / sum(_TYPE_SHARES))
    perm = desa_effect[desa] + _TYPE_EFFECT[ftype] + rng.normal(0, SD_HOUSEHOLD, n_fam)
    ws = (perm - perm.mean()) / max(float(perm.std()), 1e-9)

    # --- composition -------------------------------------------------------------------------
    people = _People()
    fam_idx = np.arange(n_fam, dtype=np.int64)
    head_male = np.select(
        [ftype == COUPLE, ftype == SINGLE_MOTHER, ftype == SINGLE_FATHER, ftype == ELDERLY_ALONE],
        [rng.random(n_fam) < 0.96, np.zeros(n_fam, bool), np.ones(n_fam, bool),
         rng.random(n_fam) < 0.35],
        default=rng.random(n_fam) < 0.6,
    )  # fmt: skip
    head_age = np.select(
        [ftype == COUPLE, ftype == SINGLE_MOTHER, ftype == SINGLE_FATHER, ftype == ELDERLY_ALONE],
        [rng.normal(44, 13, n_fam), rng.normal(46, 12, n_fam), rng.normal(48, 12, n_fam),
         60 + rng.exponential(8, n_fam)],
        default=rng.uniform(18, 35, n_fam),
    )  # fmt: skip
    head_age = np.clip(head_age, 18.0, MAX_AGE + 0.9)
    head_age = np.where(ftype == COUPLE, np.maximum(head_age, 20.0), head_age)
    u = rng.random(n_fam)
    head_kawin = np.select(
        [ftype == COUPLE, ftype == YOUNG_SINGLE, ftype == ELDERLY_ALONE],
        [np.full(n_fam, 2), np.full(n_fam, 1), np.where(u < 0.8, 4, np.where(u < 0.9, 3, 1))],
        default=np.where(u < 0.55, 4, 3),
    )
    people.add(fam_idx, 1, head_male, head_age, head_kawin, np.full(n_fam, M_RANDOM), R_HEAD)

    couple = ftype == COUPLE
    gap = 1.0 + rng.gamma(2.0, 1.6, n_fam)
    spouse_age = np.clip(np.where(head_male, head_age - gap, head_age + gap), 17.0, MAX_AGE + 0.9)
    f_sp = fam_idx[couple]
    people.add(f_sp, 2, ~head_male[couple], spouse_age[couple], np.full(len(f_sp), 2),
               np.full(len(f_sp), M_RANDOM), R_SPOUSE)  # fmt: skip

    # Children: births to the family's mother figure, spaced, minus those who left home.
    mother_age = np.select(
        [couple & head_male, couple, ftype == SINGLE_MOTHER, ftype == SINGLE_FATHER],
        [spouse_age, head_age, head_age, head_age - 3.0],
        default=np.nan,
    )
    mother_birth_year = config.reference_date.year - mother_age
    base_births = np.where(
        mother_birth_year < 1970, 3.7, np.where(mother_birth_year < 1985, 3.1, 2.7)
    )
    births = rng.poisson(base_births * np.exp(-0.16 * ws))
    births = np.where(np.isnan(mother_age), 0, np.minimum(births, 9))
    slots = 9
    first_at = 19.0 + rng.gamma(2.0, 2.0, n_fam)
    spacing = 1.3 + rng.gamma(2.0, 1.1, (n_fam, slots))
    spacing[:, 0] = 0.0
    at_birth = first_at[:, None] + np.cumsum(spacing, axis=1)
    child_age = np.nan_to_num(mother_age)[:, None] - at_birth
    exists = (np.arange(slots)[None, :] < births[:, None]) & (at_birth <= 44) & (child_age >= 0)
    stays = rng.random((n_fam, slots)) < 1.0 / (1.0 + np.exp((child_age - 24.0) / 2.5))
    keep = exists & stays
    cf, cs = np.nonzero(keep)
    c_age = child_age[cf, cs]
    uk = rng.random(len(cf))
    c_kawin = np.where(c_age < 17, 1, np.where(uk < 0.93, 1, np.where(uk < 0.97, 2, 3)))
    people.add(cf, 3, rng.random(len(cf)) < 0.51, c_age, c_kawin,
               np.full(len(cf), M_FAMILY_MOTHER), R_CHILD)  # fmt: skip

    # An elderly parent or parent-in-law.
    has_parent = (
        (ftype <= SINGLE_FATHER) & (head_age >= 28) & (head_age <= 62) & (rng.random(n_fam) < 0.075)
    )
    f_p = fam_idx[has_parent]
    p_age = np.clip(head_age[has_parent] + 22 + rng.gamma(2.0, 3.0, len(f_p)), 45.0, MAX_AGE + 0.9)
    p_male = rng.random(len(f_p)) < 0.25
    p_kawin = np.where(rng.random(len(f_p)) < 0.88, 4, 2)
    people.add(f_p, 6, p_male, p_age, p_kawin, np.full(len(f_p), M_RANDOM), R_PARENT)
    own_mother = np.zeros(n_fam, dtype=np.bool_)
    own_mother[f_p] = ~p_male & (rng.random(len(f_p)) < 0.6)

    # A married child's spouse (menantu) and grandchildren (cucu) in older families.
    has_mc = (ftype <= SINGLE_MOTHER) & (head_age >= 48) & (rng.random(n_fam) < 0.13)
    f_m = fam_idx[has_mc]
    m_age = np.clip(20 + rng.gamma(2.0, 3.0, len(f_m)), 18.0, head_age[has_mc] - 16)
    m_male = rng.random(len(f_m)) < 0.5
    people.add(f_m, 4, m_male, m_age, np.full(len(f_m), 2), np.full(len(f_m), M_RANDOM), R_MENANTU)
    menantu_female = np.zeros(n_fam, dtype=np.bool_)
    menantu_female[f_m] = ~m_male
    n_cucu = np.where(has_mc, 1 + (rng.random(n_fam) < 0.45), 0)
    cu_f = np.repeat(fam_idx, n_cucu)
    m_age_full = np.zeros(n_fam)
    m_age_full[f_m] = m_age
    cu_age = rng.uniform(0, 1, len(cu_f)) * np.clip(m_age_full[cu_f] - 18, 0.5, 12)
    people.add(cu_f, 5, rng.random(len(cu_f)) < 0.51, cu_age, np.ones(len(cu_f), np.int64),
               np.where(menantu_female[cu_f], M_MENANTU, M_RANDOM), R_CUCU)  # fmt: skip

    # Household help in rich families; other relatives now and then.
    has_help = (ws > 1.3) & (rng.random(n_fam) < 0.12)
    f_h = fam_idx[has_help]
    h_kawin = np.where(rng.random(len(f_h)) < 0.6, 1, 2)
    people.add(f_h, 7, rng.random(len(f_h)) < 0.1, rng.uniform(18, 50, len(f_h)), h_kawin,
               np.full(len(f_h), M_RANDOM), R_HELPER)  # fmt: skip
    has_other = (ftype <= SINGLE_FATHER) & (rng.random(n_fam) < 0.025)
    f_o = fam_idx[has_other]
    o_age = rng.uniform(8, 30, len(f_o))
    people.add(f_o, 8, rng.random(len(f_o)) < 0.5, o_age, np.where(o_age < 22, 1, 2),
               np.full(len(f_o), M_RANDOM), R_OTHER)  # fmt: skip

    p = people.arrays()
    fam = p["fam"].astype(np.int64)
    order = np.lexsort((-p["age"], p["hub"], fam))  # family, then relation, then eldest
    p = {k: v[order] for k, v in p.items()}
    fam = p["fam"].astype(np.int64)
    hub = p["hub"].astype(np.int64)
    role = p["role"].astype(np.int64)
    male = p["male"].astype(np.bool_)
    n = len(fam)
    age_days = np.floor(p["age"] * 365.25).astype(np.int64)
    birth = ref - age_days.astype("timedelta64[D]")
    birth_year, _, _ = date_parts(birth)
    age = age_years(birth, config.reference_date)
    pws = ws[fam] - np.where(role == R_HELPER, 1.5, 0.0) - np.where(role == R_OTHER, 0.3, 0.0)
    size = np.bincount(fam, minlength=n_fam)

    # --- education, school, work, health --------------------------------------------------
    part, edu = schooling(rng, age, birth_year, pws)
    work = work_status(rng, age, edu, part, pws, role, male)
    dis, dis_berat = disability(rng, age, pws)
    chronic = rng.random(n) < np.select(
        [age < 30, age < 45, age < 60], [0.02, 0.06, 0.15], default=0.28
    )
    pregnant = (
        (~male)
        & (age >= 18)
        & (age <= 45)
        & (p["kawin"] == 2)
        & (rng.random(n) < np.where(age < 35, 0.07, 0.025))
    )

    # --- identity: NIK, names -----------------------------------------------------------
    nik_kec = nik_region(rng, regions, kec[fam], kab[fam], role)
    head_row = np.searchsorted(fam, fam_idx)  # rows are sorted by family, head first
    child_like = (role == R_CHILD) | (role == R_CUCU)
    nik_kec = np.where(child_like & (rng.random(n) < 0.1), nik_kec[head_row[fam]], nik_kec)
    nik = compose_nik(rng, nik_kec, birth, ~male)

    core, first_tok = pools.core_names(rng, male, birth_year)
    mother_core, _ = pools.core_names(rng, np.zeros(n, np.bool_), birth_year - 25)
    father_first = pools.tokens[pools.male_first.draw(rng, n)]
    spouse_row = np.full(n_fam, -1, dtype=np.int64)
    spouse_row[fam[hub == 2]] = np.nonzero(hub == 2)[0]
    parent_row = np.full(n_fam, -1, dtype=np.int64)
    parent_row[fam[hub == 6]] = np.nonzero(hub == 6)[0]
    menantu_row = np.full(n_fam, -1, dtype=np.int64)
    menantu_row[fam[hub == 4]] = np.nonzero(hub == 4)[0]
    # The family's mother figure: the female of the couple, or a single mother.
    hm = head_male[fam]
    fam_mother = np.where(hm, spouse_row[fam], head_row[fam])
    fam_father = np.where(hm, head_row[fam], spouse_row[fam])
    mrel = p["mother_rel"].astype(np.int64)
    use_family = (mrel == M_FAMILY_MOTHER) & (fam_mother >= 0)
    mother_core[use_family] = core[fam_mother[use_family]]
    use_parent = (role == R_HEAD) & own_mother[fam] & (parent_row[fam] >= 0)
    mother_core[use_parent] = core[parent_row[fam][use_parent]]
    use_menantu = (mrel == M_MENANTU) & (menantu_row[fam] >= 0)
    mother_core[use_menantu] = core[menantu_row[fam][use_menantu]]
    with_father = (role == R_CHILD) & (fam_father >= 0)
    father_first[with_father] = first_tok[fam_father[with_father]]
    nama = decorate(rng, core, male, age, edu, pws, father_first)
    mother_name = mother_core.copy()
    mother_name[rng.random(n) < 0.04] = ""

    place_lookup = regions.kab_place
    kab_of_nik = nik_kec // 100
    uniq_kab, inv_kab = np.unique(kab_of_nik, return_inverse=True)
    places = np.array([place_lookup.get(int(k), "") for k in uniq_kab], dtype=object)[inv_kab]

    # --- welfare ----------------------------------------------------------------------------
    shock = rng.normal(0, SD_TRANSITORY, n_fam)
    raw = perm + SIZE_ELASTICITY * np.log(size) + shock
    mu = np.log(config.poverty_line) - float(np.quantile(raw, config.poverty_rate))
    log_c = mu + raw
    consumption = np.round(np.exp(log_c)).astype(np.int64)

    head_edu = edu[head_row]
    head_work = work[head_row]
    dwelling = housing(rng, ws, urban, size, head_work)

    kk_kec = kec
    issued = ref - rng.integers(30, 365 * 18, n_fam).astype("timedelta64[D]")
    no_kk = compose_kk(rng, kk_kec, issued)
    alamat = addresses(rng, urban)

    families = pl.DataFrame(
        {
            "FAM": fam_idx,
            "DESA": desa.astype(np.int64),
            "KODE_WILAYAH": np.array(regions.desa_code, dtype=object)[desa],
            "NO_KK": no_kk,
            "ALAMAT": alamat,
            "RT": rng.integers(1, 13, n_fam),
            "RW": rng.integers(1, 9, n_fam),
            **dwelling,
            "SIZE": size,
            "URBAN": urban,
            "FTYPE": ftype,
            "WS": ws,
            "LOG_CONSUMPTION": log_c,
            "CONSUMPTION": consumption,
            "HEAD_EDU": head_edu,
            "HEAD_WORK": head_work,
        },
        strict=False,
    )
    persons = pl.DataFrame(
        {
            "PID": np.arange(n, dtype=np.int64),
            "FAM": fam,
            "NIK": nik,
            "NAMA": nama,
            "JENIS_KELAMIN": np.where(male, 1, 2),
            "TEMPAT_LAHIR": places,
            "BIRTH": birth,
            "HUB_KELUARGA": hub,
            "STATUS_KAWIN": p["kawin"].astype(np.int64),
            "NAMA_IBU_KANDUNG": mother_name,
            "PARTISIPASI_SEKOLAH": part,
            "PENDIDIKAN_TERTINGGI": edu,
            "STATUS_PEKERJAAN": work,
            "DISABILITAS": dis,
            "DISABILITAS_BERAT": dis_berat,
            "PENYAKIT_KRONIS": chronic.astype(np.int64),
            "HAMIL": pregnant.astype(np.int64),
            "AGE": age,
        },
        strict=False,
    )
    return Population(families=families, persons=persons)
