"""Targeting: the programme catalogue, eligibility rules as SQL, quotas and allocation,
no double benefits, explanations, convergence, payment reconciliation and what-if runs.

This face holds the entry points the CLI and the web call and the errors they turn into
words. The submodules below are public too; import their other names from them:

- ``catalogue``: programmes and their YAML (``Catalogue``, ``load_program``, ``parse_program``).
- ``allocation``: one programme run and its BNBA (``evaluate_program``, ``bnba_frame``,
  ``BNBA_COLUMNS``).
- ``quota``: quota files (``Quotas``, ``quotas_from_mapping``).
- ``explain``, ``convergence``, ``payments``, ``simulate``: the result types of each entry
  point (``FamilyExplanation``, ``ConvergenceReport``, ``family_convergence``,
  ``PaymentReconciliation``, ``Simulation``).

See docs/targeting.md.
"""

from terpadu.targeting.allocation import TargetingResult, run_targeting
from terpadu.targeting.catalogue import Program, ProgramConfigError, load_catalogue
from terpadu.targeting.convergence import convergence_report, write_convergence_report
from terpadu.targeting.explain import explain_family
from terpadu.targeting.inputs import TargetingError
from terpadu.targeting.payments import reconcile_payments, write_payments_report
from terpadu.targeting.quota import QuotaFileError, read_quotas
from terpadu.targeting.simulate import simulate_program, write_simulation

__all__ = [
    "Program",
    "ProgramConfigError",
    "QuotaFileError",
    "TargetingError",
    "TargetingResult",
    "convergence_report",
    "explain_family",
    "load_catalogue",
    "read_quotas",
    "reconcile_payments",
    "run_targeting",
    "simulate_program",
    "write_convergence_report",
    "write_payments_report",
    "write_simulation",
]
