"""Intake: read, map, clean, check and load batches; quarantine what fails."""

from terpadu.intake.importer import (
    PROGRESS_STEPS,
    AsOfInvalid,
    FileReport,
    ImportBusy,
    ImportReport,
    import_batch,
    parse_as_of,
)

__all__ = [
    "PROGRESS_STEPS",
    "AsOfInvalid",
    "FileReport",
    "ImportBusy",
    "ImportReport",
    "import_batch",
    "parse_as_of",
]
