"""Verification and validation (verval): proposals, their workflow, editions, the indicator.

Proposals (usulan) start in the desa, are verified by the kab/kota and
approved by the province (levels configurable); only an approved proposal
changes the registry, with the same provenance an import leaves and an audit
event for every change. Editions freeze the registry per period; the
indicator counts regions actively updating.
"""

from terpadu.verval.actors import (
    ADMIN_PROVINSI,
    ANALIS_PUSAT,
    AUDITOR,
    OPERATOR_DESA,
    ROLES,
    VERIFIKATOR_KAB,
    Actor,
)
from terpadu.verval.config import WorkflowConfig, load_config
from terpadu.verval.diff import diff_editions
from terpadu.verval.errors import (
    ConflictError,
    InvalidProposal,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    VervalError,
)
from terpadu.verval.indicator import updating_indicator
from terpadu.verval.kinds import DEACTIVATION_REASONS, KINDS, STATES
from terpadu.verval.proposals import (
    BulkOutcome,
    Draft,
    ProposalDetail,
    ProposalSummary,
    add_comment,
    approve,
    attach_evidence,
    bulk_decide,
    create_drafts,
    create_proposal,
    decide,
    get_proposal,
    list_proposals,
    reject,
    return_proposal,
    revise_proposal,
    submit,
    verify,
)

__all__ = [
    "ADMIN_PROVINSI",
    "ANALIS_PUSAT",
    "AUDITOR",
    "DEACTIVATION_REASONS",
    "KINDS",
    "OPERATOR_DESA",
    "ROLES",
    "STATES",
    "VERIFIKATOR_KAB",
    "Actor",
    "BulkOutcome",
    "ConflictError",
    "Draft",
    "InvalidProposal",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "ProposalDetail",
    "ProposalSummary",
    "VervalError",
    "WorkflowConfig",
    "add_comment",
    "approve",
    "attach_evidence",
    "bulk_decide",
    "create_drafts",
    "create_proposal",
    "decide",
    "diff_editions",
    "get_proposal",
    "list_proposals",
    "load_config",
    "reject",
    "return_proposal",
    "revise_proposal",
    "submit",
    "updating_indicator",
    "verify",
]
