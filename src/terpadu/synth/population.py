"""The clean population: families, their members and their welfare (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import polars as pl

from terpadu.synth._types import BoolArr, FloatArr, IntArr
from terpadu.synth.config import SynthConfig
from terpadu.synth.ids import DateArr, compose_kk, compose_nik, date_parts
from terpadu.synth.names import NamePools, ObjArr, decorate
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


@dataclass(frozen=True)
class Population:
    """The generated truth before faults: one row per family and one per person."""

    families: pl.DataFrame
    persons: pl.DataFrame


def _ordered(
    rng: np.random.Generator,
    score: FloatArr,
    loading: float,
    codes: tuple[int, ...],
    shares: tuple[float, ...],
    shift: FloatArr | None = None,
) -> IntArr:
    """Ordered-probit draw: codes listed poorest first, with the given population shares.

    The latent is ``loading * score + noise`` with unit variance, so ``loading`` is the
    correlation of the proxy's latent with the family's standardised permanent welfare.
    """
    x = loading * score + np.sqrt(1.0 - loading**2) * rng.standard_normal(len(score))
    if shift is not None:
        x = x + shift
    total = sum(shares)
    cum = np.cumsum(np.array(shares) / total)[:-1]
    cuts = np.array([NormalDist().inv_cdf(float(c)) for c in cum])
    k = np.searchsorted(cuts, x)
    out: IntArr = np.asarray(codes, dtype=np.int64)[k]
    return out


def _binary(
    rng: np.random.Generator, score: FloatArr, loading: float, share: float | FloatArr
) -> BoolArr:
    """Probit draw with the given share of ones (scalar or per row)."""
    x = loading * score + np.sqrt(1.0 - loading**2) * rng.standard_normal(len(score))
    shares = np.broadcast_to(np.asarray(share, dtype=np.float64), score.shape)
    levels, which = np.unique(shares, return_inverse=True)
    cuts = np.array([NormalDist().inv_cdf(1.0 - float(np.clip(s, 1e-9, 1 - 1e-9))) for s in levels])
    out: BoolArr = x > cuts[which]
    return out


def _logit(rng: np.random.Generator, util: FloatArr) -> IntArr:
    """Multinomial-logit draw: argmax of utilities plus Gumbel noise (``-inf`` = not allowed)."""
    out: IntArr = np.argmax(util + rng.gumbel(size=util.shape), axis=1).astype(np.int64)
    return out


def pick_in_group(rng: np.random.Generator, values: IntArr, groups: IntArr, want: IntArr) -> IntArr:
    """For each ``want`` group, a random element of ``values`` whose group matches (sorted)."""
    start = np.searchsorted(groups, want, side="left")
    stop = np.searchsorted(groups, want, side="right")
    idx = start + np.floor(rng.random(len(want)) * np.maximum(stop - start, 1)).astype(np.int64)
    out: IntArr = values[np.minimum(idx, len(values) - 1)]
    return out


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


# Roles, for attributes that depend on who the person is in the family.
R_HEAD, R_SPOUSE, R_CHILD, R_PARENT, R_MENANTU, R_CUCU, R_HELPER, R_OTHER = range(8)
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
    age = _age_years(birth, config.reference_date)
    pws = ws[fam] - np.where(role == R_HELPER, 1.5, 0.0) - np.where(role == R_OTHER, 0.3, 0.0)
    size = np.bincount(fam, minlength=n_fam)

    # --- education, school, work, health --------------------------------------------------
    part, edu = _schooling(rng, age, birth_year, pws)
    work = _work(rng, age, edu, part, pws, role, male)
    dis, dis_berat = _disability(rng, age, pws)
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
    nik_kec = _nik_region(rng, regions, kec[fam], kab[fam], role)
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
    housing = _housing(rng, ws, urban, size, head_work)

    kk_kec = kec
    issued = ref - rng.integers(30, 365 * 18, n_fam).astype("timedelta64[D]")
    no_kk = compose_kk(rng, kk_kec, issued)
    alamat = _addresses(rng, urban)

    families = pl.DataFrame(
        {
            "FAM": fam_idx,
            "DESA": desa.astype(np.int64),
            "KODE_WILAYAH": np.array(regions.desa_code, dtype=object)[desa],
            "NO_KK": no_kk,
            "ALAMAT": alamat,
            "RT": rng.integers(1, 13, n_fam),
            "RW": rng.integers(1, 9, n_fam),
            **housing,
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


def _age_years(birth: DateArr, ref: dt.date) -> IntArr:
    """Completed years of age on the reference date."""
    year, month, day = date_parts(birth)
    before = (month > ref.month) | ((month == ref.month) & (day > ref.day))
    out: IntArr = ref.year - year - before.astype(np.int64)
    return out


def _schooling(rng: np.random.Generator, age: IntArr, birth_year: IntArr,
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


def _work(rng: np.random.Generator, age: IntArr, edu: IntArr, part: IntArr, pws: FloatArr,
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
    work = _logit(rng, util)
    work = np.where(role == R_HELPER, 2, work)
    active = (age >= 15) & (part != 1)
    out: IntArr = np.where(active, work, 0).astype(np.int64)
    return out


def _disability(rng: np.random.Generator, age: IntArr,
                pws: FloatArr) -> tuple[IntArr, IntArr]:  # fmt: skip
    """Disability (about 2.5 %, rising with age, a little more in poor families) and severity."""
    n = len(age)
    p = np.select([age < 18, age < 40, age < 60], [0.012, 0.015, 0.03], default=0.075)
    p = p * np.exp(-0.15 * pws)
    has = rng.random(n) < p
    kind = rng.choice(np.array([1, 2, 3, 4, 5]), size=n, p=[0.45, 0.12, 0.13, 0.22, 0.08])
    severe = has & (rng.random(n) < np.where(kind == 5, 0.6, 0.3))
    return np.where(has, kind, 0).astype(np.int64), severe.astype(np.int64)


def _nik_region(rng: np.random.Generator, regions: RegionFrame, kec: IntArr, kab: IntArr,
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


def _housing(rng: np.random.Generator, ws: FloatArr, urban: BoolArr, size: IntArr,
             head_work: IntArr) -> dict[str, IntArr | FloatArr]:  # fmt: skip
    """Housing, utilities and assets, each an ordered-probit proxy of permanent welfare."""
    n = len(ws)
    up = urban.astype(np.float64)
    status = (
        _logit(
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
    lantai = _ordered(
        rng, ws, 0.5, (8, 7, 5, 6, 4, 2, 1), (0.05, 0.01, 0.05, 0.22, 0.10, 0.52, 0.05), 0.3 * up
    )
    lantai = np.where(rng.random(n) < 0.01, np.where(rng.random(n) < 0.5, 3, 9), lantai)
    dinding = _ordered(
        rng, ws, 0.45, (6, 4, 5, 3, 2, 1), (0.02, 0.04, 0.01, 0.06, 0.05, 0.82), 0.3 * up
    )
    dinding = np.where(rng.random(n) < 0.005, 7, dinding)
    atap = _ordered(rng, ws, 0.3, (7, 6, 5, 3, 4, 2, 1), (0.01, 0.01, 0.02, 0.20, 0.12, 0.60, 0.04))
    atap = np.where(rng.random(n) < 0.005, 8, atap)
    air = _ordered(
        rng, ws, 0.4, (9, 8, 6, 10, 5, 7, 4, 3, 2, 1),
        (0.02, 0.02, 0.04, 0.01, 0.12, 0.04, 0.18, 0.08, 0.40, 0.09), 0.4 * up,
    )  # fmt: skip
    air = np.where(rng.random(n) < 0.003, 11, air)
    terang = _ordered(rng, ws, 0.35, (4, 3, 2, 1), (0.01, 0.01, 0.06, 0.92), 0.5 * up)
    daya = _ordered(rng, ws, 0.55, (450, 900, 1300, 2200, 3500), (0.30, 0.42, 0.17, 0.07, 0.04))
    daya_f = np.where(terang == 1, daya.astype(np.float64), np.nan)
    masak = _ordered(
        rng, ws, 0.45, (8, 7, 5, 3, 2, 1), (0.12, 0.01, 0.02, 0.74, 0.09, 0.02), 0.5 * up
    )
    masak = np.where(rng.random(n) < 0.01, rng.choice(np.array([4, 6, 9, 10]), n), masak)
    bab = _ordered(rng, ws, 0.4, (4, 3, 2, 1), (0.05, 0.03, 0.09, 0.83), 0.3 * up)
    assets = {
        "ASET_TABUNG_GAS": _binary(rng, ws, 0.45, 0.15),
        "ASET_KULKAS": _binary(rng, ws, 0.55, 0.55),
        "ASET_AC": _binary(rng, ws, 0.6, 0.06),
        "ASET_TV": _binary(rng, ws, 0.4, 0.82),
        "ASET_EMAS": _binary(rng, ws, 0.45, 0.14),
        "ASET_KOMPUTER": _binary(rng, ws, 0.55, 0.13),
        "ASET_SEPEDA_MOTOR": _binary(rng, ws, 0.45, 0.80),
        "ASET_MOBIL": _binary(rng, ws, 0.6, 0.09),
        "ASET_PERAHU_MOTOR": _binary(rng, ws, 0.1, 0.012),
        "ASET_RUMAH_LAIN": _binary(rng, ws, 0.5, 0.07),
    }
    owns_land = _binary(rng, ws, 0.2, np.where(urban, 0.08, 0.42))
    land = np.where(owns_land, np.round(np.exp(6.8 + 0.4 * ws + rng.normal(0, 0.9, n)), -1), 0.0)
    has_stock = _binary(rng, ws, 0.1, np.where(urban, 0.03, 0.2))
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


def _addresses(rng: np.random.Generator, urban: BoolArr) -> ObjArr:
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
