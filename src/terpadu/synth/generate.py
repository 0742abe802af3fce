"""Assembles the registry and survey files from the population, applies faults, writes CSVs."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from terpadu.synth import faults as F
from terpadu.synth._types import BoolArr, IntArr
from terpadu.synth.config import FaultRates, SynthConfig
from terpadu.synth.draws import pick_in_group
from terpadu.synth.kuota import write_sample_quotas
from terpadu.synth.names import NamePools, ObjArr, name_variant
from terpadu.synth.population import Population, build_population
from terpadu.synth.regions import RegionFrame, load_regions
from terpadu.synth.services import ServicesSummary, write_services

KELUARGA_COLUMNS = (
    "ID_KELUARGA", "NO_KK", "KODE_WILAYAH", "ALAMAT", "RT", "RW", "STATUS_BANGUNAN",
    "LUAS_LANTAI", "JENIS_LANTAI", "JENIS_DINDING", "JENIS_ATAP", "SUMBER_AIR_MINUM",
    "SUMBER_PENERANGAN", "DAYA_LISTRIK", "BAHAN_BAKAR_MASAK", "FASILITAS_BAB",
    "ASET_TABUNG_GAS", "ASET_KULKAS", "ASET_AC", "ASET_TV", "ASET_EMAS", "ASET_KOMPUTER",
    "ASET_SEPEDA_MOTOR", "ASET_MOBIL", "ASET_PERAHU_MOTOR", "ASET_RUMAH_LAIN", "LUAS_LAHAN",
    "JUMLAH_TERNAK", "PENGELUARAN_PERKAPITA",
)  # fmt: skip
ANGGOTA_COLUMNS = (
    "ID_ANGGOTA", "ID_KELUARGA", "NIK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TGL_LAHIR",
    "HUB_KELUARGA", "STATUS_KAWIN", "NAMA_IBU_KANDUNG", "PARTISIPASI_SEKOLAH",
    "PENDIDIKAN_TERTINGGI", "STATUS_PEKERJAAN", "DISABILITAS", "DISABILITAS_BERAT",
    "PENYAKIT_KRONIS", "HAMIL",
)  # fmt: skip
TRUTH_ANGGOTA_COLUMNS = ("ID_ANGGOTA", "TRUE_PERSON_ID", "TRUE_NIK", "FAULT", "EXPECT")
TRUTH_KELUARGA_COLUMNS = (
    "ID_KELUARGA", "TRUE_FAMILY_ID", "CONSUMPTION_PERKAPITA", "POOR", "EXPECT", "FAULT",
)  # fmt: skip


@dataclass(frozen=True)
class SynthSummary:
    """What ``generate`` wrote: counts, faults by kind and the file paths."""

    #: keluarga rows in the registry file (duplicated families included).
    families: int
    #: distinct true persons behind the registry's anggota rows.
    persons: int
    #: anggota rows in the registry file.
    anggota_rows: int
    #: anggota rows that repeat a person already present in the file.
    duplicates: int
    #: rows carrying each fault label (a row with several labels counts for each).
    faults: dict[str, int]
    #: keluarga rows carrying each fault label.
    family_faults: dict[str, int]
    #: anggota rows by EXPECT (land / repair / reject).
    expect: dict[str, int]
    #: share of registry families (before duplication) below the poverty line.
    poor_share: float
    survey_families: int
    survey_persons: int
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    #: Rows of the social-services lists (``SynthConfig.services``; 0 without them).
    institutions: int = 0
    workers: int = 0
    complaints: int = 0


#: The seed sequence key of the survey's own random stream: the registry files of a
#: seed are the same whatever the survey's size, with or without it.
SURVEY_STREAM = 1

#: What ``generate`` tells its ``progress`` callback, step by step.
PROGRESS_STEPS = ("synth_population", "synth_registry", "synth_survey", "synth_kuota")
#: The step told last when the social-services lists are written too.
SERVICES_STEP = "synth_services"


def generate(
    config: SynthConfig, outdir: Path, progress: Callable[[str], None] | None = None
) -> SynthSummary:
    """Writes keluarga, anggota, their truth files, a sample ``kuota.csv``, optional
    survey files and, with ``config.services``, the social-services lists into ``outdir``;
    ``progress`` is told each of :data:`PROGRESS_STEPS` (and :data:`SERVICES_STEP`).

    Same config and seed give byte-identical files. The survey families are drawn from
    the same model in their own random stream, so the registry files do not depend on
    ``survey_households``.
    """
    tell = progress or (lambda _step: None)
    started = time.perf_counter()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(config.seed)
    tell(PROGRESS_STEPS[0])
    regions = load_regions(config.kab_code, rng)
    pools = NamePools()
    h = config.households
    if h:
        registry = build_population(replace(config, survey_households=0), regions, rng, pools)
    else:  # a survey alone: an empty registry with the population's columns
        registry = _none_of(build_population(_survey_config(config), regions, rng, pools))
    r = random.Random(int(rng.integers(2**62)))
    files: dict[str, Path] = {}
    tell(PROGRESS_STEPS[1])
    summary = _write_registry(config, config.rates(), registry, regions, rng, r, outdir, files)
    s_fam, s_per = 0, 0
    if config.survey_households:
        tell(PROGRESS_STEPS[2])
        survey_rng = np.random.default_rng([config.seed, SURVEY_STREAM])
        survey_config = _survey_config(config)
        survey = _renumbered(build_population(survey_config, regions, survey_rng, pools), h)
        s_fam, s_per = _write_survey(config, survey, survey_rng, outdir, files)
    tell(PROGRESS_STEPS[3])
    files["kuota"] = outdir / "kuota.csv"
    write_sample_quotas(registry.families["KODE_WILAYAH"], files["kuota"])
    services = ServicesSummary(0, 0, 0)
    if config.services:
        tell(SERVICES_STEP)
        as_of = config.services_date or config.reference_date
        services = write_services(regions, config.kab_code, config.seed, as_of, outdir, files)
    return replace(
        summary,
        survey_families=s_fam,
        survey_persons=s_per,
        files=files,
        seconds=round(time.perf_counter() - started, 3),
        institutions=services.institutions,
        workers=services.workers,
        complaints=services.complaints,
    )


def _survey_config(config: SynthConfig) -> SynthConfig:
    return replace(config, households=config.survey_households, survey_households=0)


def _none_of(pop: Population) -> Population:
    return Population(families=pop.families.clear(), persons=pop.persons.clear())


def _renumbered(pop: Population, first: int) -> Population:
    """The survey's families numbered after the registry's (their truth ids stay distinct)."""
    return Population(
        families=pop.families.with_columns(pl.col("FAM") + first),
        persons=pop.persons.with_columns(pl.col("FAM") + first),
    )


def _ids(prefix: str, values: IntArr, width: int) -> pl.Series:
    """``prefix`` + zero-padded number, e.g. ``K0000042``."""
    digits = pl.Series(values, dtype=pl.Int64).cast(pl.Utf8).str.zfill(width)
    return pl.Series([prefix] * len(values), dtype=pl.Utf8) + digits


def _width(n: int) -> int:
    return max(7, len(str(n)))


def _obj(series: pl.Series) -> ObjArr:
    out: ObjArr = np.array(series.to_list(), dtype=object)
    return out


def _choose(rng: np.random.Generator, mask: BoolArr, rate: float) -> BoolArr:
    """Rows where ``mask`` holds, each picked with probability ``rate``."""
    out: BoolArr = mask & (rng.random(len(mask)) < rate)
    return out


def _fault_text(masks: dict[str, BoolArr], n: int) -> tuple[pl.Series, pl.Series]:
    """FAULT (labels joined by ``;``, or ``none``) and EXPECT for each row."""
    labels = [label for label in F.FAULT_ORDER if label in masks]
    frame = pl.DataFrame(
        {label: masks[label] for label in labels}, schema=dict.fromkeys(labels, pl.Boolean)
    )
    reject = [x for x in labels if x.startswith("invalid_") or x == F.EXCEL_LOST]
    out = frame.select(
        pl.concat_str(
            [pl.when(pl.col(x)).then(pl.lit(x)) for x in labels], separator=";", ignore_nulls=True
        )
        .replace("", F.NONE)
        .fill_null(F.NONE)
        .alias("FAULT"),
        pl.when(pl.any_horizontal([pl.col(x) for x in reject] or [pl.lit(False)]))
        .then(pl.lit("reject"))
        .when(pl.col(F.EXCEL_EXACT) if F.EXCEL_EXACT in labels else pl.lit(False))
        .then(pl.lit("repair"))
        .otherwise(pl.lit("land"))
        .alias("EXPECT"),
    )
    if out.height != n:  # no masks at all
        out = pl.DataFrame({"FAULT": [F.NONE] * n, "EXPECT": ["land"] * n})
    return out["FAULT"], out["EXPECT"]


def _duplicates(
    config: SynthConfig, rates: FaultRates, fam: IntArr, desa_of_fam: IntArr,
    fam_size: IntArr, rng: np.random.Generator,
) -> tuple[IntArr, IntArr, IntArr, IntArr]:  # fmt: skip
    """Rows to add: (source person row, family of the copy, HUB override or 0, dup family src).

    Families duplicated whole get new family numbers ``n_fam + k``; the last array lists
    which original family each new number copies.
    """
    n_person = len(fam)
    n_fam = len(fam_size)
    n_dup = round(rates.duplicate_rate * n_person)
    empty = np.zeros(0, dtype=np.int64)
    if n_dup == 0 or n_fam == 0:
        return empty, empty, empty, empty
    n_same = round(n_dup * config.dup_same_family_share)
    n_other = round(n_dup * config.dup_other_family_share)
    n_famdup = n_dup - n_same - n_other

    order = rng.permutation(n_fam)
    cum = np.cumsum(fam_size[order])
    k = int(np.searchsorted(cum, n_famdup)) + 1 if n_famdup > 0 else 0
    dup_fams = np.sort(order[: min(k, n_fam)])
    new_id = np.full(n_fam, -1, dtype=np.int64)
    new_id[dup_fams] = n_fam + np.arange(len(dup_fams))
    fam_rows = np.nonzero(new_id[fam] >= 0)[0]

    picks = rng.choice(n_person, size=min(n_same + n_other, n_person), replace=False)
    same_rows = np.sort(picks[:n_same])
    other_rows = np.sort(picks[n_same:])
    by_desa = np.argsort(desa_of_fam, kind="stable")
    target = pick_in_group(rng, by_desa.astype(np.int64), desa_of_fam[by_desa],
                            desa_of_fam[fam[other_rows]])  # fmt: skip
    clash = target == fam[other_rows]
    target[clash] = (target[clash] + 1 + rng.integers(0, max(n_fam - 1, 1), clash.sum())) % n_fam
    src = np.concatenate([same_rows, other_rows, fam_rows])
    new_fam = np.concatenate([fam[same_rows], target, new_id[fam[fam_rows]]])
    hub = np.concatenate([np.zeros(len(same_rows), np.int64), np.full(len(other_rows), 8),
                          np.zeros(len(fam_rows), np.int64)])  # fmt: skip
    return src.astype(np.int64), new_fam, hub, dup_fams.astype(np.int64)


def _write_registry(
    config: SynthConfig, rates: FaultRates, pop: Population, regions: RegionFrame,
    rng: np.random.Generator, r: random.Random, outdir: Path, files: dict[str, Path],
) -> SynthSummary:  # fmt: skip
    fams = pop.families
    pers = pop.persons
    n_fam0 = fams.height
    fam0 = pers["FAM"].to_numpy().astype(np.int64)
    desa_of_fam = fams["DESA"].to_numpy().astype(np.int64)
    size = fams["SIZE"].to_numpy().astype(np.int64)

    # --- duplicates ---------------------------------------------------------------------
    d_src, d_fam, d_hub, dup_fams = _duplicates(config, rates, fam0, desa_of_fam, size, rng)
    n0 = pers.height
    src = np.concatenate([np.arange(n0, dtype=np.int64), d_src])
    rows = pers[src]
    n = rows.height
    fam = np.concatenate([fam0, d_fam])
    is_dup = np.concatenate([np.zeros(n0, np.bool_), np.ones(len(d_src), np.bool_)])
    hub = rows["HUB_KELUARGA"].to_numpy().astype(np.int64).copy()
    hub[n0:] = np.where(d_hub > 0, d_hub, hub[n0:])
    fam_src = np.concatenate([np.arange(n_fam0, dtype=np.int64), dup_fams])
    kel = fams[fam_src]
    n_kel = kel.height

    masks: dict[str, BoolArr] = {F.DUPLICATE: is_dup}
    nik: ObjArr = _obj(rows["NIK"].cast(pl.Utf8))
    true_nik = nik.copy()
    nama: ObjArr = _obj(rows["NAMA"])
    male = rows["JENIS_KELAMIN"].to_numpy() == 1
    birth = rows["BIRTH"].to_numpy().astype("datetime64[D]").copy()
    jk = rows["JENIS_KELAMIN"].to_numpy().astype(np.int64).copy()

    # --- variants on duplicate rows -------------------------------------------------------
    blank = _choose(rng, is_dup, config.dup_blank_nik_share)
    typo = _choose(rng, is_dup & ~blank, config.dup_nik_typo_share)
    name_var = _choose(rng, is_dup, config.dup_name_variant_share)
    dob_var = _choose(rng, is_dup, config.dup_dob_variant_share)
    idx = np.nonzero(typo)[0]
    nik[idx] = F.nik_typos(list(nik[idx]), r)
    adult = rows["AGE"].to_numpy() >= 20
    for i in np.nonzero(name_var)[0]:
        nama[i] = name_variant(str(nama[i]), bool(male[i]), bool(adult[i]), r)
    ref = config.reference_date
    for i in np.nonzero(dob_var)[0]:
        d = F.dob_variant(birth[i].astype(dt.date), r)
        birth[i] = np.datetime64(min(d, ref), "D")

    # --- blank NIKs (more often children), Excel damage, invalid rows ---------------------------
    age = rows["AGE"].to_numpy()
    weight = np.where(age < 17, 2.5, 1.0)
    mean_weight = float(weight.mean()) if n else 1.0
    blank |= rng.random(n) < rates.blank_nik_rate * weight / mean_weight
    nik[blank] = ""
    has_nik = ~blank
    damaged = _choose(rng, has_nik, rates.excel_damage_rate)
    lost = damaged & (rng.random(n) < config.excel_lost_share)
    exact = damaged & ~lost
    for i in np.nonzero(exact)[0]:
        nik[i] = F.excel_exact(str(nik[i]), r)
    for i in np.nonzero(lost)[0]:
        nik[i] = F.excel_lost(str(nik[i]), r)

    invalid = _choose(rng, ~damaged, rates.invalid_row_rate)
    kinds = np.array(F.INVALID_PERSON_KINDS, dtype=object)
    kind = kinds[rng.integers(0, len(kinds), n)]
    needs_nik = np.isin(kind, kinds[:4])
    fallback = kinds[4:][rng.integers(0, len(kinds) - 4, n)]
    kind = np.where(needs_nik & ~has_nik, fallback, kind)
    for label in F.INVALID_PERSON_KINDS:
        masks[label] = invalid & (kind == label)
    for label in F.INVALID_PERSON_KINDS[:4]:
        for i in np.nonzero(masks[label])[0]:
            nik[i] = F.invalid_nik(str(nik[i]), label, r)
    jk[masks[F.INVALID_JENIS_KELAMIN]] = 9
    masks[F.BLANK_NIK] = blank
    masks[F.NIK_TYPO] = typo
    masks[F.NAME_VARIANT] = name_var
    masks[F.DOB_VARIANT] = dob_var
    masks[F.EXCEL_EXACT] = exact
    masks[F.EXCEL_LOST] = lost

    # --- keluarga faults ----------------------------------------------------------------------
    kel_dup = np.arange(n_kel) >= n_fam0
    no_kk: ObjArr = _obj(kel["NO_KK"].cast(pl.Utf8))
    kk_damaged = _choose(rng, np.ones(n_kel, np.bool_), rates.excel_damage_rate)
    for i in np.nonzero(kk_damaged)[0]:
        no_kk[i] = F.excel_exact(str(no_kk[i]), r)
    kode: ObjArr = _obj(kel["KODE_WILAYAH"])
    plain = rng.random(n_kel) >= config.dotted_region_rate
    kode[plain] = np.array([str(c).replace(".", "") for c in kode[plain]], dtype=object)
    kel_invalid = _choose(rng, np.ones(n_kel, np.bool_), rates.invalid_row_rate)
    real = set(regions.desa_code)
    for i in np.nonzero(kel_invalid)[0]:
        kode[i] = _invalid_region(str(kel["KODE_WILAYAH"][int(i)]), real, r)
    kel_masks: dict[str, BoolArr] = {
        F.DUPLICATE: kel_dup,
        F.EXCEL_EXACT: kk_damaged,
        F.INVALID_KODE_WILAYAH: kel_invalid,
    }
    masks[F.INVALID_FAMILY_REJECTED] = kel_invalid[fam] & ~masks[F.INVALID_MISSING_FAMILY]

    # --- ids and order ------------------------------------------------------------------------
    kel_plain = kel["KODE_WILAYAH"].str.replace_all(".", "", literal=True).to_numpy()
    kel_order = np.lexsort((rng.random(n_kel), kel_plain))
    pos = np.empty(n_kel, dtype=np.int64)
    pos[kel_order] = np.arange(n_kel)
    wk = _width(n_kel)
    kel_id_by_pos = _ids("K", np.arange(1, n_kel + 1), wk)
    row_order = np.lexsort((np.arange(n), is_dup, pos[fam]))
    orphan = masks[F.INVALID_MISSING_FAMILY]
    id_kel = kel_id_by_pos.gather(pos[fam]).to_numpy().astype(object)
    orphan_ids = _ids("K", n_kel + 1 + np.arange(int(orphan.sum())), wk).to_numpy()
    id_kel[orphan] = orphan_ids

    # --- dates: ISO mostly, some DD-MM-YYYY or DD/MM/YYYY, a few impossible ---------------------
    bd = pl.Series(birth, dtype=pl.Date)
    fmt_pick = rng.random(n)
    alt = fmt_pick < config.alt_date_format_rate
    tgl: ObjArr = np.where(
        alt,
        np.where(fmt_pick < config.alt_date_format_rate / 2,
                 _obj(bd.dt.strftime("%d-%m-%Y")), _obj(bd.dt.strftime("%d/%m/%Y"))),
        _obj(bd.dt.strftime("%Y-%m-%d")),
    )  # fmt: skip
    years = bd.dt.year().to_numpy()
    for i in np.nonzero(masks[F.INVALID_TGL_LAHIR])[0]:
        tgl[i] = F.invalid_date(r, int(years[i]))

    fault, expect = _fault_text(masks, n)
    kel_fault, kel_expect = _fault_text(kel_masks, n_kel)
    wa = _width(n)

    anggota = pl.DataFrame(
        {
            "ID_KELUARGA": pl.Series(id_kel, dtype=pl.Utf8),
            "NIK": pl.Series(nik, dtype=pl.Utf8).replace("", None),
            "NAMA": pl.Series(nama, dtype=pl.Utf8),
            "JENIS_KELAMIN": jk,
            "TEMPAT_LAHIR": rows["TEMPAT_LAHIR"],
            "TGL_LAHIR": pl.Series(tgl, dtype=pl.Utf8),
            "HUB_KELUARGA": hub,
            **{c: rows[c] for c in ANGGOTA_COLUMNS[8:]},
            "NAMA_IBU_KANDUNG": rows["NAMA_IBU_KANDUNG"].replace("", None),
            "TRUE_PERSON_ID": _ids("P", rows["PID"].to_numpy() + 1, wa),
            "TRUE_NIK": pl.Series(true_nik, dtype=pl.Utf8),
            "FAULT": fault,
            "EXPECT": expect,
        }
    )[row_order]
    anggota = anggota.with_columns(ID_ANGGOTA=_ids("A", np.arange(1, n + 1), wa))

    consumption = kel["CONSUMPTION"].to_numpy()
    keluarga = pl.DataFrame(
        {
            "ID_KELUARGA": kel_id_by_pos.gather(pos),
            "NO_KK": pl.Series(no_kk, dtype=pl.Utf8),
            "KODE_WILAYAH": pl.Series(kode, dtype=pl.Utf8),
            **_keluarga_values(kel),
            "PENGELUARAN_PERKAPITA": pl.Series([None] * n_kel, dtype=pl.Int64),
            "TRUE_FAMILY_ID": _ids("F", kel["FAM"].to_numpy() + 1, wk),
            "CONSUMPTION_PERKAPITA": consumption,
            "POOR": (consumption < config.poverty_line).astype(np.int64),
            "EXPECT": kel_expect,
            "FAULT": kel_fault,
        }
    )[kel_order]

    files["keluarga"] = outdir / "keluarga.csv"
    files["anggota"] = outdir / "anggota.csv"
    files["truth_keluarga"] = outdir / "truth_keluarga.csv"
    files["truth_anggota"] = outdir / "truth_anggota.csv"
    keluarga.select(KELUARGA_COLUMNS).write_csv(files["keluarga"])
    anggota.select(ANGGOTA_COLUMNS).write_csv(files["anggota"])
    keluarga.select(TRUTH_KELUARGA_COLUMNS).write_csv(files["truth_keluarga"])
    anggota.select(TRUTH_ANGGOTA_COLUMNS).write_csv(files["truth_anggota"])

    counts = {label: int(m.sum()) for label, m in masks.items() if m.any()}
    kel_counts = {label: int(m.sum()) for label, m in kel_masks.items() if m.any()}
    expect_counts = {k: int((expect == k).sum()) for k in ("land", "repair", "reject")}
    poor0 = consumption[:n_fam0] < config.poverty_line
    return SynthSummary(
        families=n_kel,
        persons=n0,
        anggota_rows=n,
        duplicates=int(is_dup.sum()),
        faults=dict(sorted(counts.items())),
        family_faults=dict(sorted(kel_counts.items())),
        expect=expect_counts,
        poor_share=float(poor0.mean()) if n_fam0 else 0.0,
        survey_families=0,
        survey_persons=0,
    )


def _invalid_region(code: str, real: set[str], r: random.Random) -> str:
    """A KODE_WILAYAH that is not a real desa: unknown village, unknown province, or cut short."""
    kind = r.randrange(3)
    plain = code.replace(".", "")
    if kind == 0:
        for _ in range(20):
            candidate = f"{code[:8]}.2{r.randint(900, 999)}"
            if candidate not in real:
                return candidate
    if kind == 1:
        return r.choice(("10", "20", "30", "40", "41", "99")) + plain[2:]
    return plain[:9]


def _keluarga_values(kel: pl.DataFrame) -> dict[str, pl.Series]:
    """The FORMATS value columns of keluarga rows (address, housing, assets, land)."""
    out: dict[str, pl.Series] = {
        "ALAMAT": kel["ALAMAT"],
        "RT": kel["RT"].cast(pl.Utf8).str.zfill(3),
        "RW": kel["RW"].cast(pl.Utf8).str.zfill(3),
    }
    for c in KELUARGA_COLUMNS[6:-1]:
        out[c] = kel[c].cast(pl.Int64, strict=False)
    return out


def _write_survey(config: SynthConfig, pop: Population, rng: np.random.Generator,
                  outdir: Path, files: dict[str, Path]) -> tuple[int, int]:  # fmt: skip
    """Survey files: clean, canonical form, PENGELUARAN_PERKAPITA = measured consumption."""
    fams = pop.families
    pers = pop.persons
    n_fam = fams.height
    first = int(fams["FAM"].to_numpy().min()) if n_fam else 0
    wk = _width(n_fam)
    consumption = fams["CONSUMPTION"].to_numpy()
    noise = np.exp(rng.normal(0.0, config.survey_measurement_sd, n_fam))
    measured = (np.round(consumption * noise, -2)).astype(np.int64)
    fam_id = _ids("SK", fams["FAM"].to_numpy() - first + 1, wk)
    keluarga = pl.DataFrame(
        {
            "ID_KELUARGA": fam_id,
            "NO_KK": fams["NO_KK"].cast(pl.Utf8),
            "KODE_WILAYAH": fams["KODE_WILAYAH"].str.replace_all(".", "", literal=True),
            **_keluarga_values(fams),
            "PENGELUARAN_PERKAPITA": measured,
        }
    )
    anggota = pl.DataFrame(
        {
            "ID_ANGGOTA": _ids("SA", np.arange(1, pers.height + 1), _width(pers.height)),
            "ID_KELUARGA": _ids("SK", pers["FAM"].to_numpy() - first + 1, wk),
            "NIK": pers["NIK"].cast(pl.Utf8),
            **{c: pers[c] for c in ("NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR")},
            "TGL_LAHIR": pers["BIRTH"].cast(pl.Date).dt.strftime("%Y-%m-%d"),
            **{c: pers[c] for c in ANGGOTA_COLUMNS[7:]},
            "NAMA_IBU_KANDUNG": pers["NAMA_IBU_KANDUNG"].replace("", None),
        }
    )
    truth = pl.DataFrame(
        {
            "ID_KELUARGA": fam_id,
            "TRUE_FAMILY_ID": _ids("F", fams["FAM"].to_numpy() + 1, wk),
            "CONSUMPTION_PERKAPITA": consumption,
            "POOR": (consumption < config.poverty_line).astype(np.int64),
        }
    )
    files["survey_keluarga"] = outdir / "survey_keluarga.csv"
    files["survey_anggota"] = outdir / "survey_anggota.csv"
    files["truth_survey_keluarga"] = outdir / "truth_survey_keluarga.csv"
    keluarga.select(KELUARGA_COLUMNS).write_csv(files["survey_keluarga"])
    anggota.select(ANGGOTA_COLUMNS).write_csv(files["survey_anggota"])
    truth.write_csv(files["truth_survey_keluarga"])
    return n_fam, pers.height
