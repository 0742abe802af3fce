"""Targeting: the programme catalogue, eligibility rules as SQL, quotas and allocation,
no double benefits, explanations, convergence, payment reconciliation and what-if runs.

See docs/targeting.md.
"""

from terpadu.targeting.allocation import (
    BNBA_COLUMNS,
    TargetingResult,
    bnba_frame,
    evaluate_program,
    run_targeting,
)
from terpadu.targeting.catalogue import (
    Catalogue,
    Program,
    ProgramConfigError,
    load_catalogue,
    load_program,
    parse_program,
)
from terpadu.targeting.convergence import (
    ConvergenceReport,
    FamilyConvergence,
    convergence_report,
    family_convergence,
    write_convergence_report,
)
from terpadu.targeting.explain import FamilyExplanation, explain_family
from terpadu.targeting.inputs import TargetingError
from terpadu.targeting.payments import (
    PaymentReconciliation,
    reconcile_payments,
    write_payments_report,
)
from terpadu.targeting.quota import QuotaFileError, Quotas, quotas_from_mapping, read_quotas
from terpadu.targeting.simulate import Simulation, simulate_program, write_simulation

__all__ = [
    "BNBA_COLUMNS",
    "Catalogue",
    "ConvergenceReport",
    "FamilyConvergence",
    "FamilyExplanation",
    "PaymentReconciliation",
    "Program",
    "ProgramConfigError",
    "QuotaFileError",
    "Quotas",
    "Simulation",
    "TargetingError",
    "TargetingResult",
    "bnba_frame",
    "convergence_report",
    "evaluate_program",
    "explain_family",
    "family_convergence",
    "load_catalogue",
    "load_program",
    "parse_program",
    "quotas_from_mapping",
    "read_quotas",
    "reconcile_payments",
    "run_targeting",
    "simulate_program",
    "write_convergence_report",
    "write_payments_report",
    "write_simulation",
]
