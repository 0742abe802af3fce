"""Verification and validation (verval): proposals, their workflow, the edition diff, the indicator.

Proposals (usulan) start in the desa, are verified by the kab/kota and
approved by the province (levels configurable); only an approved proposal
changes the registry, with the same provenance an import leaves and an audit
event for every change. The diff explains what changed between two editions
(:mod:`terpadu.editions`); the indicator counts regions actively updating.

This face holds what the faces and the other areas use; the step shortcuts
(:mod:`terpadu.verval.decisions`), the read models (:mod:`terpadu.verval.inbox`),
the error kinds (:mod:`terpadu.verval.errors`), roles (:mod:`terpadu.access`),
the review levels (:mod:`terpadu.verval.config`) and the proposal kinds
(:mod:`terpadu.verval.kinds`) are imported from their modules.
"""

from terpadu.verval.create import create_proposal, revise_proposal
from terpadu.verval.decisions import bulk_decide, decide
from terpadu.verval.diff import diff_editions
from terpadu.verval.drafts import Draft, create_drafts
from terpadu.verval.errors import VervalError
from terpadu.verval.evidence import add_comment, attach_evidence
from terpadu.verval.inbox import get_proposal, list_proposals
from terpadu.verval.indicator import updating_indicator

__all__ = [
    "Draft",
    "VervalError",
    "add_comment",
    "attach_evidence",
    "bulk_decide",
    "create_drafts",
    "create_proposal",
    "decide",
    "diff_editions",
    "get_proposal",
    "list_proposals",
    "revise_proposal",
    "updating_indicator",
]
