"""Configuration of the synthetic-data generator: sizes, calibration and fault rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Literal

FaultPreset = Literal["none", "default", "heavy"]

#: Fault rates of each named preset. ``SynthConfig`` fields left at ``None`` take these.
PRESETS: dict[str, dict[str, float]] = {
    "none": {
        "duplicate_rate": 0.0,
        "blank_nik_rate": 0.0,
        "excel_damage_rate": 0.0,
        "invalid_row_rate": 0.0,
    },
    "default": {
        "duplicate_rate": 0.05,
        "blank_nik_rate": 0.03,
        "excel_damage_rate": 0.01,
        "invalid_row_rate": 0.005,
    },
    "heavy": {
        "duplicate_rate": 0.12,
        "blank_nik_rate": 0.08,
        "excel_damage_rate": 0.05,
        "invalid_row_rate": 0.02,
    },
}


@dataclass(frozen=True)
class FaultRates:
    """The resolved fault rates a generation run uses (preset plus explicit overrides)."""

    duplicate_rate: float
    blank_nik_rate: float
    excel_damage_rate: float
    invalid_row_rate: float


@dataclass(frozen=True)
class SynthConfig:
    """What to generate. Every field has a sensible default; ``generate`` documents the output.

    Fault rates left at ``None`` are taken from the ``faults`` preset (``"none"`` by default,
    so a bare ``SynthConfig()`` gives clean data); an explicit value overrides the preset.
    """

    #: Number of registry families (keluarga rows before duplicated families are added).
    households: int = 1000
    #: Kemendagri kab/kota code (4 digits, e.g. ``"3604"`` or ``"36.04"``) or province code
    #: (2 digits) whose kabupaten/kota the families are spread over.
    kab_code: str = "3604"
    #: Seed of the numpy random generator: same seed and config give byte-identical files.
    seed: int = 1
    #: Survey families with measured consumption (``survey_*.csv``), drawn from the same model
    #: in a random stream of their own: the registry files do not depend on this number.
    survey_households: int = 0
    #: The day ages and dates are computed against ("today" for the generated registry).
    reference_date: dt.date = field(default_factory=lambda: dt.date(2025, 7, 1))

    #: Also write the kab/kota's social-services lists (``lembaga.csv``, ``sdm.csv``,
    #: ``pengaduan.csv``: :mod:`terpadu.synth.services`), in a random stream of their own.
    services: bool = False
    #: The day the services lists are as of (accreditations expiring, complaints of the months
    #: before it); None: ``reference_date``.
    services_date: dt.date | None = None

    # --- welfare calibration -----------------------------------------------------------
    #: Poverty line, Rupiah per person per month (BPS, September 2024).
    poverty_line: float = 595_242.0
    #: Share of families whose true consumption per capita is below the poverty line.
    poverty_rate: float = 0.10
    #: Standard deviation of the log multiplicative noise on measured survey consumption.
    survey_measurement_sd: float = 0.15

    # --- form (accepted variants, not faults) --------------------------------------------
    #: Share of keluarga rows whose KODE_WILAYAH is written dotted (``36.04.01.2001``).
    dotted_region_rate: float = 0.3
    #: Share of anggota rows whose TGL_LAHIR is written DD-MM-YYYY or DD/MM/YYYY.
    alt_date_format_rate: float = 0.1

    # --- faults ----------------------------------------------------------------------------
    #: Named preset for the fault rates below.
    faults: FaultPreset = "none"
    #: Extra anggota rows that repeat a real person, as a share of persons.
    duplicate_rate: float | None = None
    #: Share of anggota rows whose NIK is blank (person without NIK: lands, flagged).
    blank_nik_rate: float | None = None
    #: Share of rows whose NIK (anggota) or NO_KK (keluarga) was damaged by Excel.
    excel_damage_rate: float | None = None
    #: Share of anggota rows, and of keluarga rows, made invalid (must be rejected).
    invalid_row_rate: float | None = None

    # --- shape of the duplicates ---------------------------------------------------------
    #: Of duplicates: shares entered twice in the same family / registered in another
    #: family; the rest come from whole families registered twice under a new ID_KELUARGA.
    dup_same_family_share: float = 0.3
    dup_other_family_share: float = 0.4
    #: Of duplicate rows: shares with a NIK typo, a name variant, a birth-date variant,
    #: a blank NIK (independent draws; a blank NIK excludes a typo).
    dup_nik_typo_share: float = 0.15
    dup_name_variant_share: float = 0.35
    dup_dob_variant_share: float = 0.10
    dup_blank_nik_share: float = 0.10
    #: Of Excel-damaged NIKs: share in scientific notation with digits lost (rejected).
    excel_lost_share: float = 0.3

    def __post_init__(self) -> None:
        if self.households < 0 or self.survey_households < 0:
            raise ValueError("household counts must be >= 0")
        if self.households + self.survey_households == 0:
            raise ValueError("nothing to generate: households and survey_households are 0")
        if self.faults not in PRESETS:
            raise ValueError(f"unknown fault preset {self.faults!r}; use one of {list(PRESETS)}")
        if not 0 < self.poverty_rate < 1:
            raise ValueError("poverty_rate must be between 0 and 1")
        if self.poverty_line <= 0:
            raise ValueError("poverty_line must be positive")
        for f in fields(self):
            if f.name.endswith(("_rate", "_share")) and f.name != "poverty_rate":
                value = getattr(self, f.name)
                if value is not None and not 0 <= value <= 1:
                    raise ValueError(f"{f.name} must be between 0 and 1, got {value}")
        if self.dup_same_family_share + self.dup_other_family_share > 1:
            raise ValueError("dup_same_family_share + dup_other_family_share must be <= 1")
        _check_region(self.kab_code)

    def rates(self) -> FaultRates:
        """The fault rates to use: the preset's, overridden by fields set explicitly."""
        preset = PRESETS[self.faults]

        def pick(name: str) -> float:
            value: float | None = getattr(self, name)
            return preset[name] if value is None else value

        return FaultRates(
            duplicate_rate=pick("duplicate_rate"),
            blank_nik_rate=pick("blank_nik_rate"),
            excel_damage_rate=pick("excel_damage_rate"),
            invalid_row_rate=pick("invalid_row_rate"),
        )


def _check_region(code: str) -> None:
    """A kab/kota or province in today's Kemendagri list, said before anything is generated."""
    # Loaded on use: the CLI imports this module at start-up, and the region list brings Polars.
    from terpadu.regions import RegionCodeError, level_of, region_exists

    try:
        level = level_of(code)
        exists = region_exists(code)
    except RegionCodeError as exc:
        raise ValueError(str(exc)) from exc
    if level not in ("kabupaten", "provinsi"):
        raise ValueError(f"kab_code must be a 4-digit kab/kota or 2-digit province, got {code!r}")
    if not exists:
        raise ValueError(
            f"{code!r} is not a kab/kota or province in today's Kemendagri list "
            "(codes change when regions split)"
        )
