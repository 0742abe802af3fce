"""Welfare ranking: proxy means test (PMT), registry-relative desil, and poverty by cause.

- ``fit_pmt`` fits an OLS baseline and a gradient-boosted PMT on survey files,
  evaluates both out of sample (inclusion/exclusion error at 10-40 % cuts,
  Spearman, by region) and saves the selected model as a versioned JSON artefact.
- ``rank_families`` scores and ranks every active family on DuckDB or Spark and
  stores percentile, desil, ranks and the deprivation profile as a run. The desil is
  relative to the families in the registry (``desil_scope`` names the region it covers);
  the national DTSEN desil is imported with the keluarga file, not computed.
- ``poverty_profile`` and ``write_poverty_report`` give a region's Alkire-Foster
  measures (H, A, M0, dimension contributions) and the desil distribution.
"""

from terpadu.welfare.deprivation import (
    DeprivationConfig,
    DeprivationConfigError,
    af_measures,
    load_deprivation_config,
    parse_deprivation_config,
)
from terpadu.welfare.evaluation import ALATAS_2012, targeting_errors
from terpadu.welfare.model import ModelNotFound, PmtModel, fit_pmt, list_models, load_model
from terpadu.welfare.ranking import RankRun, rank_families, score_and_rank
from terpadu.welfare.report import (
    NoRanking,
    PovertyProfile,
    ReportFiles,
    poverty_profile,
    write_poverty_report,
)
from terpadu.welfare.scope import DesilScope, desil_scope

__all__ = [
    "ALATAS_2012",
    "DeprivationConfig",
    "DeprivationConfigError",
    "DesilScope",
    "ModelNotFound",
    "NoRanking",
    "PmtModel",
    "PovertyProfile",
    "RankRun",
    "ReportFiles",
    "af_measures",
    "desil_scope",
    "fit_pmt",
    "list_models",
    "load_deprivation_config",
    "load_model",
    "parse_deprivation_config",
    "poverty_profile",
    "rank_families",
    "score_and_rank",
    "targeting_errors",
    "write_poverty_report",
]
