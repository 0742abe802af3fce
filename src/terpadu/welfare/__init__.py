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

The submodules below are public too; import their other names from them:

- ``deprivation``: the deprivation dimensions (``DeprivationConfig``,
  ``parse_deprivation_config``, ``af_measures``).
- ``evaluation``: targeting errors and the published benchmark (``targeting_errors``,
  ``ALATAS_2012``).
- ``report``: the report's files (``ReportFiles``).
- ``scope``: the region a desil covers (``DesilScope``).
"""

from terpadu.welfare.deprivation import DeprivationConfigError, load_deprivation_config
from terpadu.welfare.model import ModelNotFound, PmtModel, fit_pmt, list_models, load_model
from terpadu.welfare.ranking import RankRun, rank_families, score_and_rank
from terpadu.welfare.report import NoRanking, PovertyProfile, poverty_profile, write_poverty_report
from terpadu.welfare.scope import desil_scope

__all__ = [
    "DeprivationConfigError",
    "ModelNotFound",
    "NoRanking",
    "PmtModel",
    "PovertyProfile",
    "RankRun",
    "desil_scope",
    "fit_pmt",
    "list_models",
    "load_deprivation_config",
    "load_model",
    "poverty_profile",
    "rank_families",
    "score_and_rank",
    "write_poverty_report",
]
