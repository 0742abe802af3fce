"""The updating indicator: ``terpadu verval indicator`` (also ``terpadu usulan indicator``,
registered in ``terpadu.cli``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from terpadu.cli.common import console, dec, num, open_engine, tell
from terpadu.cli.errors import fail_with
from terpadu.files import TableFormatError, write_table
from terpadu.periods import InvalidPeriod
from terpadu.verval import VervalError, updating_indicator
from terpadu.verval.indicator import CATALOGUE_ID

verval_app = typer.Typer(
    name="verval", help="Verval indicators (regions actively updating).", no_args_is_help=True
)


def indicator(
    period: Annotated[str, typer.Option("--period", help="2026-11, 2026-Q4 or 2026.")],
    province: Annotated[str | None, typer.Option(help="Only this province code.")] = None,
    out: Annotated[Path | None, typer.Option(help="Also write to .xlsx or .csv.")] = None,
) -> None:
    """Share of desa and kab/kota with approved updates in the period, per province."""
    from terpadu.indicators.reads import targets_for

    engine = open_engine()
    try:
        frame = updating_indicator(engine, period, province=province)
    except (VervalError, InvalidPeriod) as exc:
        fail_with(exc)
    label = frame["PERIODE"][0]
    target = targets_for(engine, int(label[:4]), province)[CATALOGUE_ID]
    aim = (
        tell("indicator.no_target")
        if target is None
        else tell("indicator.target", target=dec(target, 0))
    )
    table = Table(title=tell("indicator.title", period=label, aim=aim))
    for column in ("province", "desa", "updating", "share", "kabkota", "updating", "share"):
        table.add_column(
            tell(f"indicator.col.{column}"), justify="left" if column == "province" else "right"
        )
    for r in frame.iter_rows(named=True):
        table.add_row(
            f"{r['KODE_PROVINSI']} {r['NAMA_PROVINSI']}".strip(),
            f"{num(r['JUMLAH_DESA'])}",
            f"{num(r['DESA_MEMPERBARUI'])}",
            f"{dec(r['PERSEN_DESA'], 2)}",
            f"{num(r['JUMLAH_KAB_KOTA'])}",
            f"{num(r['KAB_KOTA_MEMPERBARUI'])}",
            f"{dec(r['PERSEN_KAB_KOTA'], 2)}",
        )
    console.print(table)
    if out is not None:
        try:
            write_table(frame, out, sheet="indikator")
        except TableFormatError as exc:
            fail_with(exc)
        console.print(tell("indicator.written", path=out))


verval_app.command("indicator")(indicator)


__all__ = ["indicator", "verval_app"]
