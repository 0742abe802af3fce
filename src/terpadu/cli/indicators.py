"""``terpadu indikator``: the indicator catalogue, computing an edition's values, reading them
(per region, as a scorecard, as a trend) and importing targets and assessment scores.

Reads are limited to the logged-in account's region; computing and importing are audited.
The words come from the locale catalogue (``indicators.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import polars as pl
import typer
from rich.table import Table
from sqlalchemy import Engine

from terpadu.access import Actor
from terpadu.cli.account import current_user
from terpadu.cli.common import console, fail, language, open_engine
from terpadu.cli.data import write_issues
from terpadu.cli.errors import fail_with
from terpadu.cli.progress import progress_bar
from terpadu.editions import current_edition, list_editions
from terpadu.errors import TerpaduError
from terpadu.files import TableFormatError, write_table
from terpadu.indicators.catalogue import Indicator, load_catalogue
from terpadu.locale import fmt_decimal, fmt_number, text
from terpadu.periods import parse_period
from terpadu.regions import normalize_code

if TYPE_CHECKING:
    from terpadu.services.social_files import ListReport

indikator_app = typer.Typer(
    name="indikator",
    help="Indicators: the catalogue, values per region and edition, targets, trends.",
    no_args_is_help=True,
)
target_app = typer.Typer(name="target", help="Indicator targets.", no_args_is_help=True)
survei_app = typer.Typer(
    name="survei", help="Social-functioning assessment scores.", no_args_is_help=True
)
indikator_app.add_typer(target_app, name="target")
indikator_app.add_typer(survei_app, name="survei")
T = TypeVar("T")
SHOWN_PROBLEMS = 10

Edition = Annotated[
    str | None, typer.Argument(help="Edition period (2026-Q4); the latest when left out.")
]
Region = Annotated[
    str | None,
    typer.Option("--wilayah", help="Region code (36, 36.04...); your own region when left out."),
]
Out = Annotated[Path | None, typer.Option("--out", help="Also write the table to .csv or .xlsx.")]


def _t(key: str, **values: object) -> str:
    return text(f"indicators.{key}", language(), **values)


def _run(command: str, work: Callable[[Engine, Actor], T]) -> T:
    """Open the database, act as the logged-in account, turn domain errors into words."""
    engine = open_engine()
    actor = current_user(engine, command).actor
    try:
        return work(engine, actor)
    except TerpaduError as exc:  # InvalidPeriod among them
        fail_with(exc)


def _edition(engine: Engine, edition: str | None) -> str:
    if edition is not None:
        return parse_period(edition)[0]
    latest = current_edition(engine)
    if latest is None:
        fail(_t("no_edition"))
    return latest.period


def _region(actor: Actor, region: str | None) -> str | None:
    """The region asked for, within the account's own (its own when none is asked for)."""
    code = normalize_code(region) if region else None
    own = actor.region or None
    if own and not (code or own).startswith(own):
        fail(_t("outside_region", region=code, own=own))
    return code or own


def _indicator(indicator_id: str) -> Indicator:
    try:
        return load_catalogue().get(indicator_id)
    except KeyError:
        fail(_t("unknown_indicator", indicator=indicator_id))


def _number(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return _t("status.no_data")
    if indicator.unit == "count":
        return fmt_number(value, language())
    return fmt_decimal(value, language(), 2 if indicator.unit != "index" else 3)


def _write(frame: pl.DataFrame, out: Path | None, sheet: str) -> None:
    if out is None:
        return
    try:
        write_table(frame, out, sheet=sheet)
    except TableFormatError as exc:
        fail_with(exc)
    console.print(_t("written", path=out))


def _place(region: str | None) -> str:
    return region or _t("national")


def katalog(out: Out = None) -> None:
    """List the catalogue's indicators: unit, direction, default target, source."""
    catalogue = load_catalogue()
    lang = language()
    table = Table(title=_t("catalogue_title", version=catalogue.version))
    for key in ("id", "indicator", "unit", "direction", "target", "source"):
        table.add_column(_t(f"column.{key}"))
    rows = []
    for i in catalogue.indicators:
        target = i.targets.default
        row = {
            "id": i.id,
            "indicator": i.label(lang),
            "unit": _t(f"unit.{i.unit}"),
            "direction": _t(f"direction.{i.direction}"),
            "target": "" if target is None else _number(i, target),
            "source": i.source,
        }
        rows.append(row)
        table.add_row(*row.values())
    console.print(table)
    _write(pl.DataFrame(rows), out, "katalog")


def hitung(
    edition: Edition = None,
    region: Region = None,
    engine_kind: Annotated[str, typer.Option("--engine", help="duckdb or spark.")] = "duckdb",
) -> None:
    """Compute every indicator on an edition and store the values per region."""

    def work(engine: Engine, actor: Actor) -> None:
        from terpadu.indicators.compute import compute_indicators

        period = _edition(engine, edition)
        catalogue = load_catalogue()
        with progress_bar(period, len(catalogue.indicators), prefix="indicator.") as step:
            run = compute_indicators(
                engine,
                period,
                region=_region(actor, region),
                batch_kind=engine_kind,
                actor=actor.username,
                progress=step,
            )
        console.print(
            _t(
                "computed",
                edition=run.edition,
                values=fmt_number(run.values.height, language()),
                run=run.run_id,
                catalogue=run.catalogue_sha256[:12],
            )
        )
        for indicator_id, lacking in run.skipped.items():
            inputs = ", ".join(_t(f"requirement.{r}") for r in lacking)
            console.print(_t("no_data_for", indicator=indicator_id, inputs=inputs))

    _run("indikator hitung", work)


def lihat(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id (see katalog).")],
    edition: Edition = None,
    region: Region = None,
    level: Annotated[
        str, typer.Option("--tingkat", help="provinsi, kabupaten, kecamatan or desa.")
    ] = "kabupaten",
    out: Out = None,
) -> None:
    """Show an indicator's values in every region of a level, with its breakdowns."""
    indicator = _indicator(indicator_id)

    def work(engine: Engine, actor: Actor) -> None:
        from terpadu.indicators.reads import indicator_values

        period = _edition(engine, edition)
        code = _region(actor, region)
        frame = indicator_values(engine, period, code, level).filter(
            pl.col("indicator_id") == indicator.id
        )
        if frame.is_empty():
            fail(_t("not_computed", edition=period))
        title = _t(
            "values_title",
            indicator=indicator.label(language()),
            edition=period,
            level=_t(f"level.{level}"),
            region=_place(code),
        )
        table = Table(title=title)
        for key in ("region", "program", "breakdown", "numerator", "denominator", "value"):
            table.add_column(
                _t(f"column.{key}"),
                justify="left" if key in ("region", "program", "breakdown") else "right",
            )
        for r in frame.iter_rows(named=True):
            part = f"{r['breakdown']}={r['breakdown_value']}" if r["breakdown"] else ""
            table.add_row(
                r["kode_wilayah"],
                r["program"],
                part,
                fmt_decimal(r["numerator"], language(), 2),
                "" if r["denominator"] is None else fmt_decimal(r["denominator"], language(), 2),
                _number(indicator, r["value"]),
            )
        console.print(table)
        _write(frame, out, "nilai")

    _run("indikator lihat", work)


def skor(edition: Edition = None, region: Region = None, out: Out = None) -> None:
    """The scorecard: every indicator against its target (on track, behind)."""

    def work(engine: Engine, actor: Actor) -> None:
        from terpadu.indicators.reads import scorecard

        period = _edition(engine, edition)
        code = _region(actor, region)
        rows = scorecard(engine, period, code)
        lang = language()
        table = Table(title=_t("scorecard_title", edition=period, region=_place(code)))
        for key in ("indicator", "program", "value", "target", "status"):
            table.add_column(
                _t(f"column.{key}"), justify="right" if key in ("value", "target") else "left"
            )
        records = []
        for r in rows:
            table.add_row(
                r.indicator.label(lang),
                r.program,
                _number(r.indicator, r.value),
                "" if r.target is None else _number(r.indicator, r.target),
                _t(f"status.{r.status}"),
            )
            records.append(
                {
                    "indikator": r.indicator.id,
                    "nama": r.indicator.label(lang),
                    "program": r.program,
                    "nilai": r.value,
                    "target": r.target,
                    "status": r.status,
                }
            )
        console.print(table)
        _write(pl.DataFrame(records, infer_schema_length=None), out, "skor")

    _run("indikator skor", work)


def tren(
    indicator_id: Annotated[str, typer.Argument(help="Indicator id (see katalog).")],
    region: Region = None,
    out: Out = None,
) -> None:
    """An indicator across every edition, with the change in family counts explained."""
    indicator = _indicator(indicator_id)

    def work(engine: Engine, actor: Actor) -> None:
        from terpadu.indicators.reads import trend

        code = _region(actor, region)
        periods = [e.period for e in list_editions(engine)]
        if not periods:
            fail(_t("no_edition"))
        frame = trend(engine, indicator.id, code, periods)
        table = Table(
            title=_t("trend_title", indicator=indicator.label(language()), region=_place(code))
        )
        reasons = [c for c in frame.columns if c.startswith("perubahan_")]
        table.add_column(_t("column.edition"))
        for key in ("value", "target", "change"):
            table.add_column(_t(f"column.{key}"), justify="right")
        for reason in reasons:
            table.add_column(_t(f"reason.{reason.removeprefix('perubahan_')}"), justify="right")
        for r in frame.iter_rows(named=True):
            table.add_row(
                r["edition"],
                _number(indicator, r["value"]),
                "" if r["target"] is None else _number(indicator, r["target"]),
                "" if r["change"] is None else fmt_decimal(r["change"], language(), 2),
                *("" if r[c] is None else fmt_number(r[c], language()) for c in reasons),
            )
        console.print(table)
        _write(frame, out, "tren")

    _run("indikator tren", work)


ListFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX file.")]
Errors = Annotated[
    Path | None, typer.Option("--errors", help="Write every problem row to this .csv or .xlsx.")
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="Worksheet name (XLSX).")]


def _report(report: ListReport, errors: Path | None) -> None:
    lang = language()
    console.print(
        _t(
            "imported",
            file=report.path.name,
            read=fmt_number(report.rows_read, lang),
            landed=fmt_number(report.rows_landed, lang),
            rejected=fmt_number(report.rows_rejected, lang),
        )
    )
    problems = report.problem_list()
    for row in problems.head(SHOWN_PROBLEMS).iter_rows(named=True):
        line = _t("problem", row=row["__row"], column=row["column"], message=row["message"])
        console.print("  " + line, markup=False)
    if problems.height > SHOWN_PROBLEMS:
        console.print(_t("more_problems", n=fmt_number(problems.height - SHOWN_PROBLEMS, lang)))
    if errors is not None:
        write_issues(problems, errors)


def target_impor(file: ListFile, errors: Errors = None, sheet: Sheet = None) -> None:
    """Import targets from a planning workbook (INDIKATOR, TAHUN, KODE_WILAYAH, TARGET)."""
    from terpadu.indicators.imports import import_targets

    report = _run(
        "indikator target impor",
        lambda engine, actor: import_targets(engine, actor, file, sheet=sheet),
    )
    _report(report, errors)


def survei_impor(
    file: ListFile,
    period: Annotated[
        str, typer.Option("--periode", help="The edition period the scores belong to.")
    ],
    errors: Errors = None,
    sheet: Sheet = None,
) -> None:
    """Import social-functioning assessment scores (KELOMPOK, KODE_WILAYAH, ID_RESPONDEN, SKOR...)."""
    from terpadu.indicators.imports import import_survey

    report = _run(
        "indikator survei impor",
        lambda engine, actor: import_survey(engine, actor, file, period, sheet=sheet),
    )
    _report(report, errors)


indikator_app.command("katalog")(katalog)
indikator_app.command("hitung")(hitung)
indikator_app.command("lihat")(lihat)
indikator_app.command("tren")(tren)
indikator_app.command("skor")(skor)
target_app.command("impor")(target_impor)
survei_app.command("impor")(survei_impor)

__all__ = ["indikator_app"]
