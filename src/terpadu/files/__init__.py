"""Files: read CSV, XLSX and Parquet as text, clean them against a layout, write tables.

Every input file is read into the same shape (:class:`RawTable`: text cells,
spreadsheet row numbers, the problems with whole rows); :func:`clean_table`
turns it into values and a table of issues (:data:`ISSUE_SCHEMA`) for the
columns of a layout (:mod:`terpadu.layouts`); :func:`write_table` writes a
table back as CSV, XLSX or Parquet. Nothing here knows the registry's tables:
intake, linkage, welfare, targeting and the web read their files through here.
"""

from terpadu.files.clean import REPAIRED, CleanTable, clean_table
from terpadu.files.form import ROW, InputFileError
from terpadu.files.issues import ISSUE_SCHEMA, error_rows
from terpadu.files.limits import InputLimits, InputTooLarge
from terpadu.files.messages import message
from terpadu.files.readers import RawTable, detect_format, file_digest, read_table, require_file
from terpadu.files.tables import TableFormatError, write_table

__all__ = [
    "ISSUE_SCHEMA",
    "REPAIRED",
    "ROW",
    "CleanTable",
    "InputFileError",
    "InputLimits",
    "InputTooLarge",
    "RawTable",
    "TableFormatError",
    "clean_table",
    "detect_format",
    "error_rows",
    "file_digest",
    "message",
    "read_table",
    "require_file",
    "write_table",
]
