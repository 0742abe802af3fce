"""The ``terpadu`` command."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated

import typer

import terpadu
from terpadu.cli import account, data, demo, linkage
from terpadu.cli import indicator as indicator_cli
from terpadu.cli import targeting as targeting_cli
from terpadu.cli.audit import audit_app
from terpadu.cli.cases import kasus_app
from terpadu.cli.common import console, say, set_quiet
from terpadu.cli.edition import edition_app
from terpadu.cli.help import LocalizedGroup
from terpadu.cli.indicators import indikator_app
from terpadu.cli.report import report_app
from terpadu.cli.retention import data_app
from terpadu.cli.services import pengaduan_app
from terpadu.cli.social import lembaga_app, sdm_app
from terpadu.cli.subjects import subjects_app
from terpadu.cli.synth import synth
from terpadu.cli.users import users_app
from terpadu.cli.usulan import usulan_app
from terpadu.cli.web import serve
from terpadu.cli.welfare import pmt_app, rank

app = typer.Typer(
    name="terpadu",
    help="Terpadu: integrated social-welfare data (DTKS/DTSEN) for Dinas Sosial offices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LocalizedGroup,
)


def _show_version(wanted: bool) -> None:
    if wanted:
        console.print(say("version", version=terpadu.__version__))
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No progress bars (they are off in pipes and logs)."),
    ] = False,
) -> None:
    """Terpadu: integrated social-welfare data (DTKS/DTSEN) for Dinas Sosial offices."""
    set_quiet(quiet)


app.command("init")(data.init)
app.command("login")(account.login)
app.command("logout")(account.logout)
app.command("whoami")(account.whoami)
app.command("import")(data.import_batch_command)
app.command("export")(data.export)
app.command("demo")(demo.demo)

app.command("synth")(synth)
app.command("link")(linkage.link)
app.command("unmerge")(linkage.unmerge)
app.add_typer(linkage.review_app, name="review")
app.command("dukcapil")(linkage.dukcapil)
app.add_typer(pmt_app, name="pmt")
app.add_typer(pengaduan_app, name="pengaduan")
app.add_typer(kasus_app, name="kasus")
app.add_typer(lembaga_app, name="lembaga")
app.add_typer(sdm_app, name="sdm")
app.command("rank")(rank)
report_app.command("convergence")(targeting_cli.convergence)
app.add_typer(report_app, name="report")
app.command("target")(targeting_cli.target)
app.command("explain")(targeting_cli.explain)
app.command("payments")(targeting_cli.payments)
app.command("simulate")(targeting_cli.simulate)
app.add_typer(targeting_cli.program_app, name="program")
# The updating indicator is documented under both ``verval`` and ``usulan``.
usulan_app.command("indicator")(indicator_cli.indicator)
app.add_typer(usulan_app, name="usulan")
app.add_typer(edition_app, name="edition")
app.add_typer(audit_app, name="audit")
app.add_typer(indicator_cli.verval_app, name="verval")
app.add_typer(indikator_app, name="indikator")
app.command("serve")(serve)
app.add_typer(users_app, name="users")
app.add_typer(subjects_app, name="subjek")
app.add_typer(data_app, name="data")


# Commands that leave no child process, thread or open file behind when they return.
QUICK_EXIT_COMMANDS = frozenset({"import"})


def main() -> None:
    try:
        app()
    except SystemExit as done:
        if len(sys.argv) > 1 and sys.argv[1] in QUICK_EXIT_COMMANDS:
            _exit_without_teardown(done.code)
        raise


def _exit_without_teardown(code: object) -> None:
    """End the process without the interpreter's teardown.

    After a million-row import, freeing the heap object by object and module by
    module takes about half a second that the operator waits for and nothing
    needs: the registry has committed and the report is printed. Output and logs
    are flushed first. Only in the console command; tests call ``app`` directly.
    """
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what SystemExit would have printed
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))
