"""Data-subject rights under UU 27/2022 (PDP): what the registry holds on one NIK, and
a correction request that becomes a verval proposal.

:func:`subject_report` gathers every record about the person (person rows and their
history, families, welfare desil, programme enrolments, proposals, audit events, the
linkage cluster), scoped to the actor's role and region and audited;
:func:`request_correction` turns the person's request into a draft correction proposal
with their statement as its note.
"""

from terpadu.subjects.correction import request_correction
from terpadu.subjects.errors import InvalidSubjectNik, SubjectError, SubjectNotFound
from terpadu.subjects.render import report_json, report_markdown
from terpadu.subjects.report import SubjectReport, subject_report

__all__ = [
    "InvalidSubjectNik",
    "SubjectError",
    "SubjectNotFound",
    "SubjectReport",
    "report_json",
    "report_markdown",
    "request_correction",
    "subject_report",
]
