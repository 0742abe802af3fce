"""Workflow configuration: review levels per region and service-level targets.

Read from ``<data_dir>/verval.yaml`` when present, e.g.::

    levels: [verifikator_kab, admin_provinsi]   # the default chain
    regions:                                      # overrides by region code prefix
      "3302": [verifikator_kab]                   # this kab/kota approves itself
    sla_days:                                     # target days an item may wait at each level
      operator_desa: 14
      verifikator_kab: 14
      admin_provinsi: 7
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from terpadu.access import ADMIN_PROVINSI, OPERATOR_DESA, VERIFIKATOR_KAB
from terpadu.regions import RegionCodeError, normalize_code
from terpadu.verval.errors import InvalidProposal

REVIEW_ROLES = (VERIFIKATOR_KAB, ADMIN_PROVINSI)
DEFAULT_LEVELS: tuple[str, ...] = (VERIFIKATOR_KAB, ADMIN_PROVINSI)
DEFAULT_SLA_DAYS: dict[str, int] = {OPERATOR_DESA: 14, VERIFIKATOR_KAB: 14, ADMIN_PROVINSI: 7}
CONFIG_FILE = "verval.yaml"


def _levels(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise InvalidProposal(f"{where}: tingkat verifikasi harus daftar peran yang tidak kosong.")
    levels = tuple(str(v) for v in value)
    unknown = [lv for lv in levels if lv not in REVIEW_ROLES]
    if unknown or len(set(levels)) != len(levels):
        raise InvalidProposal(
            f"{where}: tingkat {list(levels)} tidak sah; gunakan {list(REVIEW_ROLES)} tanpa ulangan."
        )
    return levels


@dataclass(frozen=True)
class WorkflowConfig:
    """Which roles review a proposal, in order, and how long each level may take."""

    levels: tuple[str, ...] = DEFAULT_LEVELS
    region_levels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sla_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_DAYS))

    def levels_for(self, code: str) -> tuple[str, ...]:
        """The review chain for a family in region ``code``: the longest matching prefix wins."""
        digits = normalize_code(code)
        best = ""
        for prefix in self.region_levels:
            if digits.startswith(prefix) and len(prefix) > len(best):
                best = prefix
        return self.region_levels[best] if best else self.levels

    def sla_for(self, role: str) -> int | None:
        return self.sla_days.get(role)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> WorkflowConfig:
        levels = _levels(data.get("levels", list(DEFAULT_LEVELS)), "levels")
        regions: dict[str, tuple[str, ...]] = {}
        for code, value in (data.get("regions") or {}).items():
            try:
                key = normalize_code(str(code))
            except RegionCodeError as exc:
                raise InvalidProposal(f"regions: {exc}") from exc
            regions[key] = _levels(value, f"regions.{code}")
        sla = dict(DEFAULT_SLA_DAYS)
        for role, days in (data.get("sla_days") or {}).items():
            sla[str(role)] = int(days)
        return cls(levels, regions, sla)

    @classmethod
    def load(cls, path: Path) -> WorkflowConfig:
        """Read a YAML file; a missing file gives the defaults."""
        if not path.exists():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise InvalidProposal(f"{path}: isi berkas konfigurasi harus berupa pemetaan.")
        return cls.from_mapping(data)


def load_config(data_dir: Path) -> WorkflowConfig:
    """The workflow configuration from ``<data_dir>/verval.yaml`` (defaults if absent)."""
    return WorkflowConfig.load(data_dir / CONFIG_FILE)


__all__ = ["CONFIG_FILE", "DEFAULT_LEVELS", "DEFAULT_SLA_DAYS", "WorkflowConfig", "load_config"]
