"""What the list imports share (``lembaga impor``, ``sdm impor``, ``pengaduan impor``): the
file, ``--errors`` and ``--sheet`` options, a progress bar while a large list is read,
checked and written, and the summary with the first problems.

The words come from the locale catalogue (``social.yaml``, ``svcimport.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from terpadu.cli.common import console, language
from terpadu.cli.data import write_issues
from terpadu.cli.progress import progress_bar
from terpadu.locale import fmt_number, text
from terpadu.services.social_files import PROGRESS_STEPS, ListReport, Step

#: Problems shown on the console after an import; the problem file holds them all.
SHOWN_PROBLEMS = 10

ListFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX file.")]
Errors = Annotated[
    Path | None,
    typer.Option("--errors", help="Write every problem found to this .csv or .xlsx file."),
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="XLSX sheet (default: the first).")]


def with_progress(title: str, work: Callable[[Step], ListReport]) -> ListReport:
    """Run an import under a bar of its steps (read, check, write), each said in words."""
    lang = language()
    with progress_bar(title, len(PROGRESS_STEPS)) as step:
        return work(lambda key: step(text(f"svcimport.progress.{key}", lang)))


def print_list_report(
    report: ListReport, errors: Path | None, *, shown: int = SHOWN_PROBLEMS
) -> None:
    """Rows read, kept (new, changed) and refused; the first ``shown`` problems; the problem
    file."""
    lang = language()
    console.print(
        text(
            "social.imported",
            lang,
            file=report.path.name,
            read=fmt_number(report.rows_read, lang),
            landed=fmt_number(report.rows_landed, lang),
            new=fmt_number(report.new, lang),
            updated=fmt_number(report.updated, lang),
            rejected=fmt_number(report.rows_rejected, lang),
        )
    )
    problems = report.problem_list()
    for row in problems.head(shown).iter_rows(named=True):
        console.print(
            "  "
            + text(
                "social.problem",
                lang,
                row=row["__row"],
                column=row["column"],
                message=row["message"],
            ),
            markup=False,
        )
    if problems.height > shown:
        console.print(
            text("social.more_problems", lang, n=fmt_number(problems.height - shown, lang))
        )
    if errors is not None:
        write_issues(problems, errors)


__all__ = ["Errors", "ListFile", "Sheet", "print_list_report", "with_progress"]
