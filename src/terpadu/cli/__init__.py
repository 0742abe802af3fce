"""The ``terpadu`` command."""

from __future__ import annotations

import typer

from terpadu.cli import data, demo
from terpadu.cli.synth import synth

app = typer.Typer(
    name="terpadu",
    help="Terpadu: integrated social-welfare data (DTKS/DTSEN) for Dinas Sosial offices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(data.init)
app.command("import")(data.import_batch_command)
app.command("export")(data.export)
app.command("demo")(demo.demo)

app.command("synth")(synth)


def main() -> None:
    app()
