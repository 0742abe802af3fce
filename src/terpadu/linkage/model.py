"""The linkage model: Splink settings, training, and the versioned JSON artefact.

A trained model is written to ``<data_dir>/models/linkage/linkage-model-NNNN.json`` (a small
wrapper around Splink's own model JSON, with the model format, when and on how many records it
was trained). Later runs load the newest one; ``--retrain`` fits and writes the next version.
A model whose format differs from :data:`MODEL_FORMAT` (comparisons changed in code) is not
reused.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from terpadu.linkage import comparisons as C

#: Changes whenever comparisons or prepared columns change; older artefacts are then refitted.
MODEL_FORMAT: Final = "terpadu-linkage/11"
_FILE = re.compile(r"^linkage-model-(\d{4,})\.json$")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelArtefact:
    """A trained model as stored: its version, file and Splink settings."""

    version: int
    path: Path
    trained_at: str
    records: int
    splink_settings: dict[str, Any]


def base_settings(
    *,
    generic: bool = False,
    link_type: Literal["dedupe_only", "link_only"] = "dedupe_only",
    rules: list[Any] | None = None,
) -> Any:
    """Untrained Splink settings: Indonesian comparisons, or the generic baseline.

    ``rules``: the blocking rules (default: the unbounded ones of the comparisons module).
    """
    from splink import SettingsCreator

    if rules is None:
        rules = C.generic_blocking_rules() if generic else C.blocking_rules()
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=C.generic_comparisons() if generic else C.indonesian_comparisons(),
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=[],
    )


#: Largest m probability allowed for these (comparison, level) pairs after training: two
#: registrations of one person almost never carry two unrelated valid NIKs, or birth dates
#: that share nothing. EM on blocks where both are rare cannot learn that from the data.
M_CAPS: Final[dict[tuple[str, str], float]] = {
    ("nik", "All other comparisons"): 0.002,
    ("dob", "All other comparisons"): 0.002,
    # A NIK given to another member of the family (same NIK, KK and desa) looks like one
    # person to EM on the NIK block; the entirely different name is what tells them apart.
    ("name", "All other comparisons"): 0.002,
}


def cap_m(settings: dict[str, Any]) -> dict[str, Any]:
    """Apply :data:`M_CAPS` to trained settings (in place; also returned)."""
    for comparison in settings.get("comparisons", []):
        name = comparison.get("output_column_name", "")
        for level in comparison.get("comparison_levels", []):
            cap = M_CAPS.get((name, str(level.get("label_for_charts", ""))))
            if cap is not None and level.get("m_probability") is not None:
                level["m_probability"] = min(float(level["m_probability"]), cap)
    return settings


def model_dir(data_dir: Path) -> Path:
    """Where linkage models live."""
    return data_dir / "models" / "linkage"


def _versions(folder: Path) -> list[tuple[int, Path]]:
    if not folder.exists():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _FILE.match(p.name))]
    return sorted(found)


def latest_model(folder: Path) -> ModelArtefact | None:
    """The newest stored model of the current format, or None."""
    for version, path in reversed(_versions(folder)):
        data = json.loads(path.read_text())
        if data.get("format") != MODEL_FORMAT:
            log.info("model %s has format %s; not reused", path.name, data.get("format"))
            continue
        return ModelArtefact(
            version, path, data["trained_at"], int(data["records"]), data["splink_settings"]
        )
    return None


def save_model(folder: Path, splink_settings: dict[str, Any], records: int) -> ModelArtefact:
    """Write the next version of the model; earlier versions are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    versions = _versions(folder)
    version = versions[-1][0] + 1 if versions else 1
    path = folder / f"linkage-model-{version:04d}.json"
    trained_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    payload = {
        "format": MODEL_FORMAT,
        "version": version,
        "trained_at": trained_at,
        "records": records,
        "splink_settings": splink_settings,
    }
    path.write_text(json.dumps(payload, indent=1, default=str))
    return ModelArtefact(version, path, trained_at, records, splink_settings)


def level_weights(splink_settings: dict[str, Any]) -> dict[tuple[str, str], float]:
    """log2(m/u) of every trained level, keyed by (comparison, level label)."""
    import math

    weights: dict[tuple[str, str], float] = {}
    for comparison in splink_settings.get("comparisons", []):
        name = comparison.get("output_column_name", "")
        for level in comparison.get("comparison_levels", []):
            m, u = level.get("m_probability"), level.get("u_probability")
            label = level.get("label_for_charts", "")
            if m and u:
                weights[(name, label)] = math.log2(m / u)
    return weights


def settings_for_dialect(trained: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The trained model's parameters on settings rebuilt for another SQL dialect.

    A stored model's SQL is in the dialect it was trained on (DuckDB); rather than translate
    it, the comparisons are rebuilt from code for ``dialect`` and the trained m and u
    probabilities and the prior are copied level by level.
    """
    if trained.get("sql_dialect") == dialect:
        return trained
    base: dict[str, Any] = (
        base_settings(link_type=trained.get("link_type", "dedupe_only"))
        .get_settings(dialect)
        .as_dict()
    )
    base["probability_two_random_records_match"] = trained.get(
        "probability_two_random_records_match"
    )
    for new, old in zip(base["comparisons"], trained["comparisons"], strict=True):
        if new.get("output_column_name") != old.get("output_column_name"):
            raise ValueError("stored model does not match the comparisons in code")
        for new_level, old_level in zip(
            new["comparison_levels"], old["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if old_level.get(key) is not None:
                    new_level[key] = old_level[key]
    return base
