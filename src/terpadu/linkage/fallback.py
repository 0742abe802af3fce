"""Guarding the linkage model: checks for a degenerate fit, bounded probabilities, and the
shipped default model.

Unsupervised training can go wrong on a registry unlike the ones it was built on: EM drives a
level's m to 1e-312, a prior of 0 (no NIK to find sure matches with) makes every weight
undefined, a level is never observed. Such a model is never used as it is:

- every level gets a finite m in [:data:`M_FLOOR`, 1 − 1e-6] and u in [:data:`U_FLOOR`,
  1 − 1e-6]; a level training left unset takes the shipped default's values;
- a prior outside the plausible band for the record count (:func:`prior_band`) is replaced by
  the default share of duplicates;
- a model on which agreeing on the NIK, the birth date or the full name weighs nothing, or less
  than disagreeing, is rejected: the run then uses the registry's previous model if that one
  passes, else the shipped default (``default_model.json``, documented in docs/linkage.md).

Every step leaves a :class:`Note` (an English code and a Bahasa Indonesia message) that the
run report, the ``link_run`` row and its audit event carry.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

#: Lowest m of any level: one registration of a person in a thousand can carry any fault (a
#: sex typed wrong, an unrelated name); a smaller m lets one field veto every other agreement.
M_FLOOR: Final = 1e-3
#: Lowest u: rarer than this among random pairs is not measurable from a 2 M-pair sample.
U_FLOOR: Final = 1e-8
CEILING: Final = 1 - 1e-6
#: Levels whose agreement must weigh more than zero and more than the comparison's "else".
KEY_LEVELS: Final[dict[str, str]] = {
    "nik": "NIK sama persis",
    "dob": "tanggal lahir sama",
    "name": "nama sama",
}
ELSE: Final = "All other comparisons"
#: Least m of a key level's agreement: most registrations of one person agree on their birth
#: date and name. EM that ends below it has taken another class (namesakes, family members)
#: for the matches; that comparison's m then comes from the default model.
MIN_KEY_M: Final = 0.3

Source = Literal["trained", "stored", "previous", "default"]

MESSAGES: Final[dict[str, str]] = {
    "prior_failed": "perkiraan porsi pasangan cocok gagal ({})",
    "prior_implausible": "porsi pasangan cocok {} tidak masuk akal; dipakai nilai bawaan",
    "prior_from_names": "porsi pasangan cocok diperkirakan dari nama + tanggal lahir + desa",
    "u_failed": "pengambilan sampel acak untuk u gagal ({})",
    "em_failed": "EM pada blok {} gagal ({})",
    "em_not_converged": "EM pada blok {} belum konvergen",
    "em_skipped": "tidak ada blok EM yang dapat dipakai untuk {}",
    "level_unset": "{} level tanpa nilai latih; diisi dari model bawaan",
    "clamped": "{} nilai m/u di luar batas dibatasi (mis. {})",
    "weight_inverted": "kecocokan {} tidak lebih berbobot dari ketidakcocokan",
    "weight_nonpositive": "kecocokan {} tidak berbobot positif",
    "previous_rejected": "model sebelumnya juga tidak layak: {}",
    "train_failed": "pelatihan gagal ({})",
    "from_decisions": "m diperbarui dari {} keputusan petugas 'sama'",
    "m_implausible": "m perbandingan {} tidak masuk akal (kecocokan {}); m diambil dari model bawaan",
}
SOURCE_LABELS: Final[dict[str, str]] = {
    "trained": "dilatih pada registri ini",
    "stored": "model tersimpan",
    "previous": "model sebelumnya (hasil latih baru tidak layak)",
    "default": "model bawaan Terpadu (hasil latih tidak layak)",
}


@dataclass(frozen=True)
class Note:
    """Something training or the checks found: an English code and its details."""

    code: str
    args: tuple[str, ...] = ()

    def message(self) -> str:
        """The note in Bahasa Indonesia."""
        template = MESSAGES.get(self.code, self.code)
        return template.format(*self.args) if template.count("{}") == len(self.args) else template

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "args": list(self.args), "message": self.message()}


@dataclass
class ModelChoice:
    """The settings a run scores with, where they came from, and why."""

    settings: dict[str, Any]
    source: Source
    notes: list[Note] = field(default_factory=list)

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self.source]


#: The shipped default model (m and u per level; documented in docs/linkage.md).
DEFAULT_PATH: Final = Path(str(resources.files("terpadu.linkage").joinpath("default_model.json")))


def _default_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_PATH.read_text("utf-8"))
    return data


DEFAULT: Final[dict[str, Any]] = _default_file()


def prior_band(records: int) -> tuple[float, float]:
    """Plausible probability that two random registrations are one person: between one
    duplicate per 2,000 registrations and two per registration."""
    pairs = max(records * (records - 1) / 2, 1.0)
    return min(0.0005 * records / pairs, 0.5), min(2.0 * records / pairs, 0.5)


def default_prior(records: int) -> float:
    """The prior for the default share of duplicates (``duplicates_per_record``)."""
    pairs = max(records * (records - 1) / 2, 1.0)
    return min(float(DEFAULT["duplicates_per_record"]) * records / pairs, 0.5)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _levels(settings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (str(c.get("output_column_name", "")), level)
        for c in settings.get("comparisons", [])
        for level in c.get("comparison_levels", [])
        if not level.get("is_null_level")
    ]


def weights(settings: dict[str, Any]) -> dict[tuple[str, str], float]:
    """log2(m/u) of every level with both set."""
    out: dict[tuple[str, str], float] = {}
    for name, level in _levels(settings):
        m, u = _number(level.get("m_probability")), _number(level.get("u_probability"))
        if m and u and m > 0 and u > 0:
            out[(name, str(level.get("label_for_charts", "")))] = math.log2(m / u)
    return out


def repair(settings: dict[str, Any], records: int) -> tuple[dict[str, Any], list[Note]]:
    """A copy with every level's m and u set and bounded and a plausible prior; what changed."""
    fixed = copy.deepcopy(settings)
    notes: list[Note] = []
    unset = 0
    clamped: list[str] = []
    defaults: dict[str, dict[str, dict[str, float]]] = DEFAULT["levels"]
    for name, level in _levels(fixed):
        label = str(level.get("label_for_charts", ""))
        fallback = defaults.get(name, {}).get(label, {"m": 0.01, "u": 0.01})
        for key, floor in (("m", M_FLOOR), ("u", U_FLOOR)):
            value = _number(level.get(f"{key}_probability"))
            if value is None:
                unset += 1
                value = float(fallback[key])
            bounded = min(max(value, floor), CEILING)
            if bounded != value:
                clamped.append(f"{name}/{label} {key}={value:.3g}")
            level[f"{key}_probability"] = bounded
    if unset:
        notes.append(Note("level_unset", (str(unset),)))
    notes += _default_m_where_implausible(fixed)
    if clamped:
        notes.append(Note("clamped", (str(len(clamped)), clamped[0])))
    prior = _number(fixed.get("probability_two_random_records_match"))
    low, high = prior_band(records)
    if prior is None or not low <= prior <= high:
        notes.append(Note("prior_implausible", (f"{prior:.3g}" if prior is not None else "-",)))
        fixed["probability_two_random_records_match"] = default_prior(records)
    return fixed, notes


def _default_m_where_implausible(settings: dict[str, Any]) -> list[Note]:
    """Replace the m of a key comparison whose agreement level has m below :data:`MIN_KEY_M`
    (in place) by the default model's; a note for each."""
    notes: list[Note] = []
    defaults: dict[str, dict[str, dict[str, float]]] = DEFAULT["levels"]
    for comparison in settings.get("comparisons", []):
        name = str(comparison.get("output_column_name", ""))
        key = KEY_LEVELS.get(name)
        levels = [
            lv for lv in comparison.get("comparison_levels", []) if not lv.get("is_null_level")
        ]
        agree = next((lv for lv in levels if lv.get("label_for_charts") == key), None)
        m = _number(agree.get("m_probability")) if agree else None
        if agree is None or m is None or m >= MIN_KEY_M:
            continue
        for level in levels:
            value = defaults.get(name, {}).get(str(level.get("label_for_charts", "")))
            if value is not None:
                level["m_probability"] = float(value["m"])
        notes.append(Note("m_implausible", (name, f"m={m:.3g}")))
    return notes


def problems(settings: dict[str, Any]) -> list[Note]:
    """Why a (repaired) model must not be used: key agreements that weigh nothing or less than
    disagreement. Empty when it is fit to use."""
    found: list[Note] = []
    w = weights(settings)
    for name, label in KEY_LEVELS.items():
        agree, differ = w.get((name, label)), w.get((name, ELSE))
        if agree is None:
            continue
        if agree <= 0:
            found.append(Note("weight_nonpositive", (name,)))
        elif differ is not None and agree <= differ:
            found.append(Note("weight_inverted", (name,)))
    return found


def default_settings(base: dict[str, Any], records: int) -> dict[str, Any]:
    """The shipped default model on ``base`` (untrained settings for the run's dialect)."""
    settings = copy.deepcopy(base)
    levels: dict[str, dict[str, dict[str, float]]] = DEFAULT["levels"]
    for name, level in _levels(settings):
        values = levels.get(name, {}).get(str(level.get("label_for_charts", "")))
        if values is not None:
            level["m_probability"] = float(values["m"])
            level["u_probability"] = float(values["u"])
    settings["probability_two_random_records_match"] = default_prior(records)
    repaired, _ = repair(settings, records)
    return repaired


def choose(
    candidate: dict[str, Any] | None,
    *,
    source: Source,
    notes: list[Note],
    previous: dict[str, Any] | None,
    base: dict[str, Any],
    records: int,
) -> ModelChoice:
    """The model a run uses: ``candidate`` (trained now or stored) repaired when it passes;
    else ``previous`` repaired when it passes; else the shipped default."""
    notes = list(notes)
    if candidate is not None:
        fixed, repaired = repair(candidate, records)
        notes += repaired
        found = problems(fixed)
        if not found:
            return ModelChoice(fixed, source, notes)
        notes += found
    if previous is not None:
        fixed, repaired = repair(previous, records)
        found = problems(fixed)
        if not found:
            return ModelChoice(fixed, "previous", notes + repaired)
        notes.append(Note("previous_rejected", ("; ".join(n.message() for n in found),)))
    return ModelChoice(default_settings(base, records), "default", notes)
