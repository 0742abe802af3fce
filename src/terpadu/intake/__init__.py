"""Intake: read, map, clean, check and load batches; quarantine what fails."""

from terpadu.intake.importer import (
    PROGRESS_STEPS,
    FileReport,
    ImportBusy,
    ImportReport,
    import_batch,
)
from terpadu.intake.readers import InputFileError, read_table

__all__ = [
    "PROGRESS_STEPS",
    "FileReport",
    "ImportBusy",
    "ImportReport",
    "InputFileError",
    "import_batch",
    "read_table",
]
