"""Identity resolution: one person, one record.

Splink (DuckDB or Spark) scores pairs of person registrations with comparisons built for
Indonesian data; clusters become resolved persons (PERSON_ID) with golden records; merges are
recorded and can be undone; uncertain pairs go to clerical review; families registered twice
are reported; the registry is checked against the civil registry (Dukcapil).
"""

from terpadu.linkage.decisions import LinkageError, Unmerged, record_decision, unmerge
from terpadu.linkage.dukcapil import (
    DukcapilReport,
    check_against_dukcapil,
    extract_from_synth,
)
from terpadu.linkage.families import family_report
from terpadu.linkage.resolve import LinkRun, link_registry
from terpadu.linkage.review import ReviewItem, decide_review, get_review, list_review

__all__ = [
    "DukcapilReport",
    "LinkRun",
    "LinkageError",
    "ReviewItem",
    "Unmerged",
    "check_against_dukcapil",
    "decide_review",
    "extract_from_synth",
    "family_report",
    "get_review",
    "link_registry",
    "list_review",
    "record_decision",
    "unmerge",
]
