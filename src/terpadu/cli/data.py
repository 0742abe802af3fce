"""Commands that move data in and out: init, import, export."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from terpadu.access import PermissionDenied, require_import_region
from terpadu.cli.account import current_actor
from terpadu.cli.common import console, language, num, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.errors import TerpaduError
from terpadu.files import InputFileError, InputLimits, TableFormatError, write_table
from terpadu.i18n import t as label
from terpadu.intake import (
    PROGRESS_STEPS,
    AsOfInvalid,
    ImportReport,
    import_batch,
    parse_as_of,
)
from terpadu.intake.report import stored_problems
from terpadu.locale import DEFAULT_LANGUAGE, has_text, text
from terpadu.reports.personal import personal_export
from terpadu.settings import get_settings
from terpadu.store.bulk import StorageFull, UnstorableText
from terpadu.store.db import current_revision
from terpadu.store.locks import Busy


def t(key: str, **values: object) -> str:
    """A label of the import report in the configured interface language."""
    return label(key, get_settings().language, **values)


def init() -> None:
    """Create the database or upgrade it to the latest schema."""
    engine = open_engine(migrate=True)
    url = engine.url.render_as_string(hide_password=True)
    console.print(t("database_ready", url=url, rev=current_revision(engine)))


def import_batch_command(
    keluarga: Annotated[
        Path, typer.Argument(help="The keluarga (household) file: CSV, XLSX or Parquet.")
    ],
    anggota: Annotated[
        Path, typer.Argument(help="The anggota (member) file: CSV, XLSX or Parquet.")
    ],
    source: Annotated[
        str, typer.Option(help="Name of the sender (a desa, survey or agency).")
    ] = "default",
    errors: Annotated[
        Path | None, typer.Option(help="Write every problem found to this .csv or .xlsx file.")
    ] = None,
    sheet_keluarga: Annotated[
        str | None, typer.Option(help="XLSX sheet of the keluarga file (default: the first).")
    ] = None,
    sheet_anggota: Annotated[
        str | None,
        typer.Option(
            help="XLSX sheet of the anggota file (default: the first); one workbook "
            "may hold both: pass it twice."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the data was collected (YYYY-MM-DD, or a period YYYY-MM: its last "
            "day). A value the registry changed after this date is kept; without it, a value "
            "the registry already replaced is kept.",
        ),
    ] = None,
) -> None:
    """Import a batch: check every row, land the good ones, report the rest.

    Runs as the logged-in account: its role must import, and every family must lie in its
    region.
    """
    try:
        collected = parse_as_of(as_of) if as_of else None
    except AsOfInvalid as exc:
        fail_with(exc)
    engine = open_engine()
    actor = current_actor(engine, "import")
    try:
        actor.require("import", doing="import_data")
        limits = InputLimits.from_settings(get_settings())
        require_import_region(actor, keluarga, sheet_keluarga, limits)
    except (PermissionDenied, InputFileError) as exc:
        fail_with(exc)
    with progress_bar("import", PROGRESS_STEPS) as step:
        try:
            report = import_batch(
                engine,
                keluarga,
                anggota,
                source=source,
                actor=actor.username,
                progress=step,
                keluarga_sheet=sheet_keluarga,
                anggota_sheet=sheet_anggota,
                as_of=collected,
                wait_s=get_settings().import_wait_s,
                chunk_rows=get_settings().import_chunk_rows,
                limits=limits,
            )
        except (InputFileError, StorageFull, UnstorableText, Busy, AsOfInvalid) as exc:
            fail_with(exc)
    print_import_report(report)
    if errors is not None:
        # Files sent again change nothing, but their problem file is still asked for: it is
        # the one their first import found.
        problems = (
            stored_problems(engine, report.batch_id)
            if report.already_imported and report.batch_id is not None
            else report.problem_list()
        )
        write_issues(problems, errors)


#: The problem file's column headings.
PROBLEM_HEADINGS = {
    "file": "FILE",
    "__row": "ROW",
    "column": "COLUMN",
    "value": "VALUE",
    "repaired": "REPAIRED_VALUE",
    "severity": "SEVERITY",
    "code": "CODE",
    "message": "MESSAGE",
}


def write_issues(problems: ImportReport | pl.DataFrame, path: Path) -> None:
    """Write the problem list (issues and repaired values) as .csv or .xlsx."""
    if isinstance(problems, ImportReport):
        problems = problems.problem_list()
    frame = problems.rename({k: v for k, v in PROBLEM_HEADINGS.items() if k in problems.columns})
    try:
        write_table(frame, path, sheet="masalah")
    except TableFormatError as exc:
        fail_with(exc)
    console.print(t("errors_written", path=path))


def print_import_report(report: ImportReport) -> None:
    if report.already_imported:
        console.print(t("already_imported", batch=report.batch_id))
        return
    table = Table(title=tell("import.title", batch=report.batch_id, source=report.source))
    for key in (
        "file",
        "rows_read",
        "rows_landed",
        "rows_repaired",
        "rows_rejected",
        "rows_warned",
    ):
        table.add_column(t(key), justify="left" if key == "file" else "right")
    for f in report.files:
        table.add_row(
            f"{f.path.name} ({tell(f'import.role.{f.role}')})",
            *(
                num(n)
                for n in (
                    f.rows_read,
                    f.rows_landed,
                    f.rows_repaired,
                    f.rows_rejected,
                    f.rows_warned,
                )
            ),
        )
    console.print(table)
    for key in (
        "families_new",
        "families_changed",
        "persons_new",
        "persons_changed",
        "persons_without_nik",
    ):
        console.print(f"  {t(key)}: {num(getattr(report, key))}")
    if report.issues.height:
        counts = Counter(report.issues["code"].to_list())
        top = Table(title=t("top_problems"))
        top.add_column(t("code"))
        top.add_column(t("count"), justify="right")
        top.add_column(t("example"))
        for code, n in counts.most_common(8):
            example = report.issues.filter(pl.col("code") == code).row(0, named=True)
            top.add_row(
                code,
                num(n),
                tell(
                    "import.example",
                    file=example["file"],
                    row=example["__row"],
                    message=_example_words(code, str(example["message"])),
                ),
            )
        console.print(top)


# The console shows an example of each problem; a megabyte cell quoted in its message would
# fill the terminal. The problem file keeps the whole message.
EXAMPLE_CHARS = 300


def _shortened(message: str) -> str:
    if len(message) <= EXAMPLE_CHARS:
        return message
    return message[:EXAMPLE_CHARS] + tell("import.cut", n=num(len(message)))


def _example_words(code: str, message: str) -> str:
    """A problem's example: intake's own message (Bahasa Indonesia, quoting the operator's
    data); in another language the problem's name, the message being in the problem file."""
    key = f"reports.issue.{code}"
    if language() == DEFAULT_LANGUAGE or not has_text(key):
        return _shortened(message)
    return text(key, language())


class ExportKind(StrEnum):
    persons = "persons"
    families = "families"


def export(
    kind: Annotated[ExportKind, typer.Argument(help="What to export: persons or families.")],
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv, .xlsx or .parquet.")],
    purpose: Annotated[
        str | None,
        typer.Option("--purpose", help="Why the personal data is taken (recorded in the audit)."),
    ] = None,
) -> None:
    """Export the registry in the stable layouts of docs/formats.md.

    Runs as the logged-in account: only the rows of its region, NIK and KK as its role
    may see them, with a purpose recorded in the audit log.
    """
    engine = open_engine(migrate=False)
    actor = current_actor(engine, f"export {kind.value}")
    with progress_bar(f"export {kind.value}", 3) as step:
        try:
            frame = personal_export(
                engine,
                actor,
                kind.value,
                purpose=purpose,
                destination=str(out.resolve()),
                progress=step,
            )
        except TerpaduError as exc:
            fail_with(exc)
        step("export_write")
        try:
            write_table(frame, out)
        except TableFormatError as exc:
            fail_with(exc)
    console.print(t("exported", n=num(frame.height), path=out))
