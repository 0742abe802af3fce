"""Reading the registry: finding persons, a family's record, lists of families.

Typed read functions over the registry's tables (family, person, membership and
their histories), each limited to the reader's region (:class:`Viewer`) with NIKs
masked for readers who may not see them. The web's pages and API call these.
"""

from terpadu.registry.families import (
    AmbiguousFamily,
    FamilyChoice,
    FamilyRecord,
    FamilyRow,
    Member,
    family_record,
    list_families,
    resolve_family,
    status_history,
)
from terpadu.registry.search import PersonHit, SearchBackend, SearchPage, search_persons
from terpadu.registry.viewer import Viewer, region_name

__all__ = [
    "AmbiguousFamily",
    "FamilyChoice",
    "FamilyRecord",
    "FamilyRow",
    "Member",
    "PersonHit",
    "SearchBackend",
    "SearchPage",
    "Viewer",
    "family_record",
    "list_families",
    "region_name",
    "resolve_family",
    "search_persons",
    "status_history",
]
