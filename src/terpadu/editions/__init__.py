"""Registry editions: publish a frozen, checksummed snapshot per period; list; open.

The ground floor between the registry and the areas that read it: ranking and
targeting run on the current (or a named) edition and record which. Comparing
two editions, with the reasons from the verval workflow, is
``terpadu.verval.diff_editions``.
"""

from terpadu.editions.catalogue import (
    EditionInfo,
    current_edition,
    edition_path,
    get_edition,
    list_editions,
)
from terpadu.editions.errors import EditionError, EditionExists, EditionNotFound
from terpadu.editions.publish import publish_edition
from terpadu.editions.snapshot import open_edition

__all__ = [
    "EditionError",
    "EditionExists",
    "EditionInfo",
    "EditionNotFound",
    "current_edition",
    "edition_path",
    "get_edition",
    "list_editions",
    "open_edition",
    "publish_edition",
]
