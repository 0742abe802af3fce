"""``terpadu link``, ``unmerge``, ``review`` and ``dukcapil``: identity resolution commands.

Registered by the lead in ``terpadu.cli``: ``app.command("link")(link)``,
``app.command("unmerge")(unmerge)``, ``app.add_typer(review_app, name="review")``,
``app.command("dukcapil")(dukcapil)``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.table import Table

from terpadu.access import Actor, allows, show_nik
from terpadu.cli.account import current_actor, jobs_actor
from terpadu.cli.common import console, dec, fail, language, num, open_engine, say, tell
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.files import InputFileError
from terpadu.locale import code_label, has_text, text
from terpadu.settings import get_settings
from terpadu.store.ids import person_code


class LinkEngine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


class Decision(StrEnum):
    same = "same"
    different = "different"
    skip = "skip"


#: The stages ``link_registry`` tells its progress callback (words: cli.progress.link_*).
STAGES: Final = ("snapshot", "prepare", "train", "predict", "cluster", "write", "families")


def link(
    engine: Annotated[
        LinkEngine, typer.Option("--engine", help="Batch engine that runs Splink.")
    ] = LinkEngine.duckdb,
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Fit a new model version instead of reusing one.")
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0.0, max=1.0, help="Match probability to link at (0.95)."),
    ] = None,
    review_floor: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Lowest probability queued for review (0.5)."),
    ] = None,
) -> None:
    """Resolve every person in the registry: one person, one PERSON_ID."""
    # imported here: linkage loads Splink and DuckDB, which other commands skip
    from terpadu.engine import spark_session
    from terpadu.linkage import link_registry

    settings = get_settings()
    db = open_engine()
    actor = jobs_actor(db, "link")
    try:
        with progress_bar("link", len(STAGES), prefix="link_") as step:
            run = link_registry(
                db,
                batch=engine.value,
                retrain=retrain,
                threshold=threshold,
                review_floor=review_floor,
                actor=actor.username,
                data_dir=settings.data_dir,
                spark=(
                    spark_session("terpadu-linkage", settings.spark_checkpoints_dir)
                    if engine.value == "spark"
                    else None
                ),
                progress=step,
            )
    except Exception as exc:  # a run is one transaction: nothing of it was written
        fail(say("link.failed", kind=type(exc).__name__, error=exc))
    table = Table(title=say("link.title", run=run.id), show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    model_version = f"{run.model_version}{say('link.retrained') if run.retrained else ''}"
    for label, value in (
        ("engine", run.engine),
        ("model_version", model_version),
        ("model", f"{run.model_source}: {_source_words(run.model_source)}"),
        ("threshold", dec(run.threshold, 2)),
        ("registrations", num(run.persons)),
        ("pairs_scored", num(run.pairs_scored)),
        ("persons", num(run.resolved)),
        ("merged", num(run.merged_clusters)),
        ("merges_new", num(run.merges_new)),
        ("ids_new", num(run.ids_new)),
        ("review_queued", num(run.review_queued)),
        ("seconds", dec(run.seconds.get("total", 0), 1)),
    ):
        table.add_row(say(f"link.{label}"), str(value))
    console.print(table)
    stages = [
        f"{tell(f'link.stage.{name}')} {dec(run.seconds[name], 1)}"
        for name in STAGES
        if name in run.seconds
    ]
    console.print(say("link.stages", stages=" · ".join(stages)))
    for note in run.model_notes:
        console.print(f"[yellow]{say('link.model_note')}:[/] {_note_words(note)}")
    for name, path in run.reports.items():
        console.print(say("link.report", name=name, path=path))


def _source_words(source: str) -> str:
    """Where the run's model came from, in the interface language."""
    from terpadu.linkage.fallback import SOURCE_LABELS

    key = f"console.link.source.{source}"
    return text(key, language()) if has_text(key) else SOURCE_LABELS.get(source, "")


def _note_words(note: dict[str, Any]) -> str:
    """A training note in the interface language (its details are values: counts, names)."""
    key = f"console.link.note.{note['code']}"
    if not has_text(key):
        return str(note["message"])
    return text(key, language()).format(*note.get("args", ()))


def unmerge(
    target: Annotated[
        str,
        typer.Argument(
            help="PERSON_ID (ORG…) to split, or a registration (ID_ANGGOTA or #row id)."
        ),
    ],
    note: Annotated[str | None, typer.Option(help="Why (kept with the decision).")] = None,
) -> None:
    """Undo a merge; the separated registrations are never linked again by later runs."""
    # imported here: linkage loads Splink and DuckDB, which other commands skip
    from terpadu.linkage import LinkageError
    from terpadu.linkage import unmerge as do_unmerge

    db = open_engine()
    actor = jobs_actor(db, "unmerge")
    try:
        result = do_unmerge(db, target, actor=actor.username, note=note)
    except LinkageError as exc:
        fail_with(exc)
    console.print(
        tell(
            "link.unmerged",
            person=person_code(result.resolved_person_id),
            n=num(len(result.separated)),
            decisions=num(result.decisions),
        )
    )
    for person_id, rid in result.new_ids.items():
        console.print("  " + tell("link.registration", id=person_id, person=person_code(rid)))


review_app = typer.Typer(
    help="Clerical review of uncertain pairs (interactive without a subcommand).",
    no_args_is_help=False,
)


def _shown(viewer: Actor, key: str, value: Any) -> str:
    """A pair's value as ``viewer`` may see it (masked roles: NIK and KK masked, birth year)."""
    if key in ("nik", "no_kk"):
        return show_nik(viewer, None if value is None else str(value)) or "-"
    if key in ("tgl_lahir", "dob") and value and not allows(viewer.role, "see_full_nik"):
        return str(value)[:4]  # with the region, a full birth date rebuilds a masked NIK
    return str(value or "-")


def _pair_table(item: Any, viewer: Actor) -> Table:
    table = Table(
        title=tell(
            "review.pair_title",
            id=item.id,
            probability=dec(item.match_probability, 3),
            weight=dec(item.match_weight, 1),
        )
    )
    table.add_column("kolom")
    table.add_column("pendaftaran A")
    table.add_column("pendaftaran B")
    for key in item.left:
        if key == "person_id":
            continue
        left, right = item.left.get(key), item.right.get(key)
        style = "" if left == right else "yellow"
        table.add_row(key, _shown(viewer, key, left), _shown(viewer, key, right), style=style)
    return table


def _explain_table(item: Any, viewer: Actor) -> Table:
    table = Table(title=tell("review.weights_title"))
    for col in (
        tell("review.col.comparison"),
        tell("review.col.level"),
        tell("review.col.weight"),
        "A",
        "B",
    ):
        table.add_column(col)
    for row in item.explanation:
        weight = row.get("weight")
        color = "green" if (weight or 0) > 0 else "red"
        table.add_row(
            row["comparison"],
            row["level"],
            f"[{color}]{weight:+.1f}[/]" if weight is not None else "-",
            _shown(viewer, str(row["comparison"]).lower(), row.get("left")),
            _shown(viewer, str(row["comparison"]).lower(), row.get("right")),
        )
    return table


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    list_only: Annotated[
        bool, typer.Option("--list", help="List the queue and exit (no prompts).")
    ] = False,
    limit: Annotated[int, typer.Option(help="How many pairs.")] = 20,
    region: Annotated[str | None, typer.Option(help="Only pairs in this region code.")] = None,
) -> None:
    """Review uncertain pairs one by one: same, different or skip."""
    if ctx.invoked_subcommand is not None:
        return
    # imported here: linkage loads Splink and DuckDB, which other commands skip
    from terpadu.linkage import decide_review, list_review

    db = open_engine()
    actor = jobs_actor(db, "review")
    if region is not None:
        actor.require_region(region)
    items = list_review(db, limit=limit, region=region or actor.region)
    if list_only:
        table = Table(title=tell("review.queue_title", n=num(len(items))))
        for col in ("PAIR", tell("review.col.probability"), "A", "B"):
            table.add_column(col)
        for item in items:
            table.add_row(
                str(item.id),
                f"{dec(item.match_probability, 3)}",
                f"{item.left.get('nama')} ({_shown(actor, 'nik', item.left.get('nik'))})",
                f"{item.right.get('nama')} ({_shown(actor, 'nik', item.right.get('nik'))})",
            )
        console.print(table)
        return
    if not items:
        console.print(tell("review.queue_empty"))
        return
    for item in items:
        console.print(_pair_table(item, actor))
        console.print(_explain_table(item, actor))
        answer = typer.prompt(tell("review.prompt"), default=tell("review.answer.skip"))
        answers = {tell(f"review.answer.{c}"): c for c in ("same", "different", "skip")}
        choice = answers.get(answer.strip().lower()[:1])
        if choice is None:
            break
        decide_review(db, item.id, choice, actor=actor.username)


@review_app.command("decide")
def review_decide(
    pair: Annotated[int, typer.Argument(help="Pair number (from --list).")],
    decision: Annotated[Decision, typer.Argument(help="same, different or skip.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Decide one queued pair without prompts (for scripts)."""
    # imported here: linkage loads Splink and DuckDB, which other commands skip
    from terpadu.linkage import LinkageError, decide_review

    db = open_engine()
    actor = jobs_actor(db, "review decide")
    try:
        item = decide_review(db, pair, decision.value, actor=actor.username, note=note)
    except LinkageError as exc:
        fail_with(exc)
    lang = language()
    console.print(
        tell(
            "review.decided",
            id=item.id,
            state=code_label("review_state", item.state, lang),
            decision=code_label("review_decision", item.decision or "skip", lang),
        )
    )


@review_app.command("show")
def review_show(pair: Annotated[int, typer.Argument(help="Pair number.")]) -> None:
    """Show one pair side by side with its explanation."""
    # imported here: linkage loads Splink and DuckDB, which other commands skip
    from terpadu.linkage import LinkageError, get_review

    db = open_engine()
    actor = current_actor(db, "review show")
    try:
        item = get_review(db, pair)
    except LinkageError as exc:
        fail_with(exc)
    console.print(_pair_table(item, actor))
    console.print(_explain_table(item, actor))


def dukcapil(
    file: Annotated[Path, typer.Argument(help="Dukcapil extract (CSV, XLSX or Parquet).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the per-desa reports.")] = Path(
        "dukcapil-laporan"
    ),
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write XLSX reports.")] = False,
    proposals: Annotated[
        bool, typer.Option(help="Raise draft verval proposals (deactivation, NIK correction).")
    ] = True,
) -> None:
    """Check every registry person against a civil-registry (Dukcapil) extract."""
    # imported here: linkage loads Splink and DuckDB, which other commands skip
    from terpadu.linkage import check_against_dukcapil

    db = open_engine()
    actor = jobs_actor(db, "dukcapil")
    try:
        report = check_against_dukcapil(
            db,
            file,
            outdir=out,
            actor=actor.username,
            raise_proposals=proposals,
            formats=("csv", "xlsx") if xlsx else ("csv",),
            data_dir=get_settings().data_dir,
        )
    except InputFileError as exc:
        fail(str(exc))
    table = Table(title=tell("dukcapil.title", check=report.check_id), show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row(tell("dukcapil.rows_read"), f"{num(report.rows_read)}")
    table.add_row(tell("dukcapil.rows_unreadable"), f"{num(report.rows_unreadable)}")
    table.add_row(tell("dukcapil.persons_checked"), f"{num(report.persons_checked)}")
    for key, value in sorted(report.counts.items()):
        table.add_row(key, f"{num(value)}")
    table.add_row(tell("dukcapil.proposals"), f"{num(report.proposals)}")
    console.print(table)
    console.print(tell("dukcapil.written", path=out))
