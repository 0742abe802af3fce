"""Proposal commands: ``terpadu usulan …`` (create, list, show, the workflow steps, revise,
comment, attach, bulk).

Every command runs as the logged-in account (``terpadu login``, or a service
account's ``TERPADU_TOKEN``): its role and region decide what it may do, and the
audit log records it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table
from sqlalchemy import Engine

from terpadu.access import Actor, disclosure
from terpadu.cli.account import current_actor
from terpadu.cli.common import (
    console,
    dec,
    fail,
    language,
    num,
    open_engine,
    role_words,
    tell,
    when,
)
from terpadu.cli.errors import fail_with
from terpadu.errors import TerpaduError
from terpadu.files import TableFormatError, write_table
from terpadu.locale import code_label, has_text, text
from terpadu.settings import get_settings
from terpadu.store.ids import family_code, parse_code, person_code
from terpadu.verval import (
    add_comment,
    attach_evidence,
    bulk_decide,
    create_proposal,
    decide,
    get_proposal,
    list_proposals,
    revise_proposal,
)
from terpadu.verval.config import WorkflowConfig
from terpadu.verval.records import proposal_code

usulan_app = typer.Typer(
    name="usulan",
    help="Usulan (proposals): create, review and decide changes to the registry.",
    no_args_is_help=True,
)

NoteOpt = Annotated[str | None, typer.Option("--note", help="Note or reason for this step.")]


def _acting(command: str) -> tuple[Engine, Actor]:
    """The database and the logged-in account that runs ``usulan <command>``."""
    engine = open_engine()
    return engine, current_actor(engine, f"usulan {command}")


def _workflow() -> WorkflowConfig:
    """The workflow configuration of the configured data folder."""
    return WorkflowConfig.load(get_settings().workflow_config_path)


def _proposal_id(value: str) -> int:
    text = value.strip().upper()
    if text.startswith("USL"):
        text = text[3:]
    if not text.isdigit():
        fail(tell("usulan.bad_number", value=value))
    return int(text)


def _record_id(value: str | None, entity: str) -> int | None:
    if value is None:
        return None
    if value.strip().isdigit():
        return int(value)
    parsed = parse_code(value)
    if parsed is None or parsed[0] != entity:
        example = "KLG0000000001" if entity == "family" else "ORG0000000001"
        fail(tell("usulan.bad_id", value=value, example=example))
    return parsed[1]


def _pairs(text: str, separator: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for part in text.split(separator):
        if not part.strip():
            continue
        if "=" not in part:
            fail(tell("subjects.set_form", item=part))
        key, _, value = part.partition("=")
        values[key.strip().lower()] = value.strip()
    return values


# Identifiers a masked role sees masked, and the birth date it sees as a year: with the
# region code a full birth date rebuilds most of a masked NIK.
def _kind(kind: str) -> str:
    return text(f"verval.kind.{kind}", language())


def _state(state: str | None) -> str:
    return code_label("proposal_state", state, language()) if state else "-"


def _print_summary_line(summary: Any) -> None:
    waiting = (
        " · " + tell("usulan.waiting", role=role_words(summary.waiting_on))
        if summary.waiting_on
        else ""
    )
    console.print(
        f"{summary.code} · {_kind(summary.kind)} · [bold]{_state(summary.state)}[/]{waiting}"
    )


@usulan_app.command("create")
def create(
    kind: Annotated[
        str,
        typer.Argument(
            help="new_family (keluarga-baru), add_member (tambah-anggota), remove_member "
            "(keluarkan-anggota), correct (koreksi), deactivate (nonaktifkan), reactivate (aktifkan)."
        ),
    ],
    family: Annotated[
        str | None, typer.Option("--family", help="The family: KLG0000000001 or its number.")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="The member: ORG0000000001 or its number.")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A field value, kolom=nilai (repeat for more fields)."),
    ] = None,
    member: Annotated[
        list[str] | None,
        typer.Option(
            "--member", help="A new member: 'nama=Siti;nik=3604…;jenis_kelamin=2;hub_keluarga=2'."
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="A .json/.yaml file with 'values' and 'members'."),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="meninggal, pindah, tidak ditemukan, ganda or tidak layak."),
    ] = None,
    note: NoteOpt = None,
    and_submit: Annotated[
        bool, typer.Option("--submit", help="Submit right away for verification.")
    ] = False,
) -> None:
    """Create a proposal (a draft until submitted). Nothing changes until it is approved."""
    engine, actor = _acting("create")
    values: dict[str, Any] = {}
    members: list[dict[str, Any]] = []
    if data is not None:
        try:
            loaded = yaml.safe_load(data.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            fail(tell("usulan.unreadable", path=data, error=exc))
        values |= dict(loaded.get("values") or {})
        members += list(loaded.get("members") or [])
    for item in set_ or []:
        values |= _pairs(item, "\0")
    members += [_pairs(m, ";") for m in member or []]
    try:
        proposal_id = create_proposal(
            engine,
            actor,
            kind,
            family_id=_record_id(family, "family"),
            person_id=_record_id(person, "person"),
            values=values,
            members=members,
            reason=reason,
            note=note,
        )
        console.print(tell("usulan.created", code=proposal_code(proposal_id)))
        if and_submit:
            _print_summary_line(
                decide(engine, actor, proposal_id, "submit", note=note, config=_workflow())
            )
    except TerpaduError as exc:
        fail_with(exc)


@usulan_app.command("list")
def list_command(
    state: Annotated[
        str | None,
        typer.Option(help="draft, submitted, verified, approved, rejected or returned."),
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    within: Annotated[
        str | None, typer.Option("--within", help="Only this region code (and below).")
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only proposals waiting for your role.")
    ] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those past their service-level target.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Also write the list (.csv/.xlsx).")] = None,
) -> None:
    """List proposals in your region with their age against the service-level target."""
    engine, actor = _acting("list")
    try:
        rows = list_proposals(
            engine,
            actor,
            state=state,
            kind=kind,
            region=within,
            waiting_for_me=mine,
            overdue=True if overdue else None,
            config=_workflow(),
        )
    except TerpaduError as exc:
        fail_with(exc)
    shown = disclosure(actor)
    table = Table(title=tell("usulan.title", n=num(len(rows))))
    for column in ("number", "kind", "state", "region", "family", "waiting", "age", "target"):
        table.add_column(
            tell(f"usulan.col.{column}"), no_wrap=column in ("number", "region", "family")
        )
    for r in rows:
        age = f"{dec(r.age_days, 1)}"
        table.add_row(
            r.code,
            _kind(r.kind),
            _state(r.state),
            shown.region(r.kode_wilayah),
            r.family_code or "-",
            role_words(r.waiting_on) if r.waiting_on else "-",
            f"[red]{age}[/]" if r.overdue else age,
            "-" if r.sla_days is None else str(r.sla_days),
        )
    console.print(table)
    if out is not None:
        import polars as pl

        frame = pl.DataFrame(
            [
                {
                    "NO_USULAN": r.code,
                    "JENIS": r.kind,
                    "STATUS": r.state,
                    "KODE_WILAYAH": r.kode_wilayah,
                    "FAMILY_ID": r.family_code,
                    "DIBUAT_OLEH": r.created_by,
                    "DIBUAT": when(r.created_at),
                    "MENUNGGU": r.waiting_on,
                    "UMUR_HARI": r.age_days,
                    "TARGET_HARI": r.sla_days,
                    "LEWAT_TARGET": r.overdue,
                }
                for r in rows
            ]
        )
        try:
            write_table(frame, out, sheet="usulan", shown=shown)
        except TableFormatError as exc:
            fail_with(exc)
        console.print(tell("usulan.list_written", path=out))


@usulan_app.command("show")
def show(
    proposal: Annotated[str, typer.Argument(help="Proposal number (12 or USL0000000012).")],
) -> None:
    """Show one proposal: content, history, comments and evidence."""
    engine, actor = _acting("show")
    try:
        d = get_proposal(engine, actor, _proposal_id(proposal), config=_workflow())
    except TerpaduError as exc:
        fail_with(exc)
    s = d.summary
    shown = disclosure(actor)  # masked roles see personal fields masked, old and new values too
    _print_summary_line(s)
    console.print(
        "  "
        + tell(
            "usulan.region_line",
            region=shown.region(s.kode_wilayah),
            by=s.created_by,
            at=when(s.created_at),
        )
    )
    if s.family_id is not None:
        line = tell("usulan.family_line", family=family_code(s.family_id), version=s.family_version)
        console.print("  " + line)
    if s.person_id is not None:
        console.print("  " + tell("usulan.person_line", person=person_code(s.person_id)))
    if d.reason:
        key = f"verval.reason.{d.reason}"
        reason = text(key, language()) if has_text(key) else d.reason
        console.print("  " + tell("usulan.reason_line", reason=reason))
    if d.note:
        console.print("  " + tell("usulan.note_line", note=shown.text(d.note)))
    levels = " → ".join(role_words(level) for level in d.levels)
    console.print("  " + tell("usulan.levels_line", levels=levels, version=s.version))
    if s.waiting_on:
        target = "-" if s.sla_days is None else tell("usulan.days", n=s.sla_days)
        flag = f" [red]{tell('usulan.overdue')}[/]" if s.overdue else ""
        age = tell("usulan.days", n=dec(s.age_days, 1))
        console.print("  " + tell("usulan.age_line", age=age, target=target) + flag)
    payload = json.dumps(shown.record(d.payload), ensure_ascii=False, default=str)
    console.print("  " + tell("usulan.content_line", content=payload))
    if d.result:
        result = json.dumps(shown.record(d.result), ensure_ascii=False)
        console.print("  " + tell("usulan.result_line", result=result))
    steps = Table(title=tell("usulan.history"))
    for column in ("time", "action", "by", "role", "note"):
        steps.add_column(tell(f"usulan.col.{column}"))
    for step in d.steps:
        action = f"verval.step.{step['action']}"
        steps.add_row(
            when(step["at"]),
            text(action, language()) if has_text(action) else str(step["action"]),
            step["actor"],
            role_words(step["role"]),
            shown.text(step["note"]) or "",
        )
    console.print(steps)
    for c in d.comments:
        console.print(f"  💬 {when(c['at'])} {c['author']} ({c['role']}): {shown.text(c['body'])}")
    for e in d.evidence:
        console.print(
            f"  📎 {e['file_name']} ({num(e['size_bytes'])} byte, sha256 {e['sha256'][:12]}…)"
            + (f" — {e['description']}" if e["description"] else "")
        )


def _step_command(action: str, doc: str) -> None:
    def command(
        proposal: Annotated[str, typer.Argument(help="Proposal number (12 or USL0000000012).")],
        note: NoteOpt = None,
        version: Annotated[
            int | None,
            typer.Option(help="The proposal version you reviewed (refuses if it changed)."),
        ] = None,
        family_version: Annotated[
            int | None,
            typer.Option(help="The family version you reviewed (refuses if it changed)."),
        ] = None,
    ) -> None:
        engine, actor = _acting(action)
        try:
            summary = decide(
                engine,
                actor,
                _proposal_id(proposal),
                action,
                note=note,
                expected_version=version,
                family_version=family_version,
                config=_workflow(),
            )
        except TerpaduError as exc:
            fail_with(exc)
        _print_summary_line(summary)

    command.__doc__ = doc
    usulan_app.command(action)(command)


_step_command("submit", "Submit a draft or corrected proposal (operator desa).")
_step_command("verify", "Verify a proposal and pass it to the next level.")
_step_command("approve", "Approve a proposal at the last level: the registry changes now.")
_step_command("reject", "Reject a proposal (final); --note is required.")
_step_command("return", "Return a proposal to the desa for correction; --note is required.")


@usulan_app.command("revise")
def revise(
    proposal: Annotated[str, typer.Argument(help="Proposal number.")],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="A field value, kolom=nilai (repeat for more fields)."),
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Complete or correct a draft or returned proposal (e.g. fill in the NIK it waits for)."""
    engine, actor = _acting("revise")
    values: dict[str, Any] = {}
    for item in set_ or []:
        values |= _pairs(item, "\0")
    try:
        summary = revise_proposal(
            engine, actor, _proposal_id(proposal), values=values or None, note=note
        )
    except TerpaduError as exc:
        fail_with(exc)
    _print_summary_line(summary)


@usulan_app.command("comment")
def comment(
    proposal: Annotated[str, typer.Argument(help="Proposal number.")],
    text: Annotated[str, typer.Argument(help="The comment.")],
) -> None:
    """Add a comment to a proposal."""
    engine, actor = _acting("comment")
    try:
        add_comment(engine, actor, _proposal_id(proposal), text)
    except TerpaduError as exc:
        fail_with(exc)
    console.print(tell("usulan.commented"))


@usulan_app.command("attach")
def attach(
    proposal: Annotated[str, typer.Argument(help="Proposal number.")],
    file: Annotated[Path, typer.Argument(help="Evidence: berita acara, photo, letter.")],
    description: Annotated[str | None, typer.Option(help="What the file is.")] = None,
) -> None:
    """Attach an evidence file to a proposal (kept by its sha256 under data_dir/evidence)."""
    engine, actor = _acting("attach")
    try:
        attach_evidence(
            engine,
            actor,
            _proposal_id(proposal),
            file,
            description=description,
            evidence_dir=get_settings().evidence_dir,
        )
    except TerpaduError as exc:
        fail_with(exc)
    console.print(tell("usulan.evidence", file=file.name))


@usulan_app.command("bulk")
def bulk(
    action: Annotated[str, typer.Argument(help="verify, approve, reject, return or submit.")],
    proposals: Annotated[
        list[str] | None, typer.Argument(help="Proposal numbers; none: all waiting for you.")
    ] = None,
    within: Annotated[
        str | None, typer.Option("--within", help="With no numbers: only this region.")
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Take one decision on many proposals; each succeeds or fails on its own."""
    engine, actor = _acting("bulk")
    if proposals:
        ids = [_proposal_id(p) for p in proposals]
    else:
        try:
            ids = [
                r.id
                for r in list_proposals(
                    engine, actor, region=within, waiting_for_me=True, config=_workflow()
                )
                if (action == "submit") == (r.state in ("draft", "returned"))
            ]
        except TerpaduError as exc:
            fail_with(exc)
    outcomes = bulk_decide(engine, actor, ids, action, note=note, config=_workflow())
    table = Table(title=tell("usulan.bulk_title", action=action))
    for column in ("number", "outcome", "state", "message"):
        table.add_column(tell(f"usulan.col.{column}"))
    for o in outcomes:
        table.add_row(
            proposal_code(o.proposal_id),
            f"[green]{tell('usulan.ok')}[/]" if o.ok else f"[red]{tell('usulan.failed')}[/]",
            _state(o.state),
            o.message,
        )
    console.print(table)
    failed = sum(not o.ok for o in outcomes)
    console.print(tell("usulan.bulk_done", ok=num(len(outcomes) - failed), failed=num(failed)))
    if failed:
        raise typer.Exit(1)


__all__ = ["usulan_app"]
