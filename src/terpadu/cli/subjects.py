"""Data-subject commands (UU PDP): ``terpadu subjek laporan|koreksi``.

Both run as the logged-in account (``terpadu login``, or a service key in
``TERPADU_TOKEN``): role and region come from the account.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from terpadu.cli.account import current_actor
from terpadu.cli.common import console, fail, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.errors import TerpaduError
from terpadu.store.ids import parse_code

subjects_app = typer.Typer(
    name="subjek",
    help="Data-subject rights (UU PDP): what the registry holds on one NIK; correction requests.",
    no_args_is_help=True,
)

NikArg = Annotated[str, typer.Argument(help="The person's NIK (16 digits).")]


def _outputs(out: Path) -> tuple[Path, Path]:
    """The JSON and Markdown files for ``--out`` (``laporan.json`` → also ``laporan.md``)."""
    base = out.with_suffix("") if out.suffix.lower() in {".json", ".md"} else out
    return base.with_name(base.name + ".json"), base.with_name(base.name + ".md")


def _write_private(path: Path, text: str) -> None:
    # The report holds a full NIK, birth date and mother's name: readable by the owner only.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")


@subjects_app.command("laporan")
def report_command(
    nik: NikArg,
    out: Annotated[
        Path, typer.Option("--out", help="Write NAME.json and NAME.md (e.g. --out laporan.json).")
    ],
    purpose: Annotated[
        str, typer.Option("--tujuan", help="Why: e.g. the request's number (kept in the audit).")
    ],
) -> None:
    """Everything the registry holds on one NIK within your region, as JSON and Markdown."""
    from terpadu.subjects import report_json, report_markdown, subject_report

    engine = open_engine()
    actor = current_actor(engine, "subjek laporan")
    try:
        report = subject_report(engine, actor, nik, purpose=purpose)
    except TerpaduError as exc:
        fail_with(exc)
    json_path, markdown_path = _outputs(out)
    _write_private(json_path, report_json(report))
    _write_private(markdown_path, report_markdown(report))
    counts = ", ".join(f"{k} {len(v)}" for k, v in report.sections.items() if v)
    console.print(tell("subjects.written", json=json_path, markdown=markdown_path, counts=counts))
    if report.withheld:
        withheld = ", ".join(f"{k} {v}" for k, v in report.withheld.items())
        console.print(tell("subjects.withheld", what=withheld))
    console.print(tell("audited", event=report.audit_event_id))


@subjects_app.command("koreksi")
def correction_command(
    nik: NikArg,
    set_: Annotated[
        list[str],
        typer.Option("--set", help="kolom=nilai as the person says it should be; repeatable."),
    ],
    statement: Annotated[
        str, typer.Option("--pernyataan", help="The person's statement (why, what they showed).")
    ],
    person: Annotated[
        str | None, typer.Option("--person", help="ORG… code, when the NIK is held twice.")
    ] = None,
) -> None:
    """Record a person's correction request as a draft correction proposal (usulan)."""
    from terpadu.subjects import request_correction
    from terpadu.verval.records import proposal_code

    engine = open_engine()
    actor = current_actor(engine, "subjek koreksi")
    values: dict[str, str] = {}
    for item in set_:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(tell("subjects.set_form", item=item))
        values[key.strip().lower()] = value.strip()
    person_id: int | None = None
    if person is not None:
        parsed = parse_code(person)
        if parsed is None or parsed[0] != "person":
            fail(tell("subjects.bad_person", code=person))
        person_id = parsed[1]
    try:
        proposal_id = request_correction(engine, actor, nik, values, statement, person_id=person_id)
    except TerpaduError as exc:
        fail_with(exc)
    console.print(tell("subjects.recorded", code=proposal_code(proposal_id), id=proposal_id))


__all__ = ["subjects_app"]
