"""Verification and validation (verval): proposals, their workflow, editions, the indicator.

Proposals (usulan) start in the desa, are verified by the kab/kota and
approved by the province (levels configurable); only an approved proposal
changes the registry, with the same provenance an import leaves and an audit
event for every change. Editions freeze the registry per period; the
indicator counts regions actively updating.
"""

from terpadu.verval.config import WorkflowConfig, load_config
from terpadu.verval.editions import (
    EditionInfo,
    current_edition,
    diff_editions,
    edition_path,
    list_editions,
    open_edition,
    publish_edition,
)
from terpadu.verval.errors import (
    ConflictError,
    EditionExists,
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
    "DEACTIVATION_REASONS",
    "KINDS",
    "STATES",
    "BulkOutcome",
    "ConflictError",
    "Draft",
    "EditionExists",
    "EditionInfo",
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
    "current_edition",
    "decide",
    "diff_editions",
    "edition_path",
    "get_proposal",
    "list_editions",
    "list_proposals",
    "load_config",
    "open_edition",
    "publish_edition",
    "reject",
    "return_proposal",
    "revise_proposal",
    "submit",
    "updating_indicator",
    "verify",
]
