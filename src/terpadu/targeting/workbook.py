"""Writing targeting's XLSX reports: one sheet per frame."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from terpadu.access import Disclosure
from terpadu.targeting.inputs import TargetingError

#: Above this many rows a sheet's column widths are not fitted (it costs a pass over the cells).
AUTOFIT_ROWS = 10_000


def write_workbook(
    out: Path,
    sheets: Sequence[tuple[str, pl.DataFrame]],
    what: str,
    *,
    text_cells: bool = True,
    shown: Disclosure | None = None,
) -> Path:
    """Write ``sheets`` (name, frame) to the XLSX ``out``; ``what`` names it in the error
    for another suffix. ``text_cells``: text columns are written as text cells (so NIKs and
    codes keep their leading zeros) and large sheets are not fitted. ``shown``: the reader's
    disclosure; personal columns of every sheet are masked for masked roles."""
    import xlsxwriter

    if out.suffix.lower() != ".xlsx":
        raise TargetingError(f"{out}: {what} ditulis sebagai .xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(out)) as workbook:
        for name, frame in sheets:
            if shown is not None:
                frame = shown.frame(frame)
            if text_cells:
                frame.write_excel(
                    workbook,
                    worksheet=name,
                    autofit=frame.height <= AUTOFIT_ROWS,
                    dtype_formats={pl.Utf8: "@"},
                )
            else:
                frame.write_excel(workbook, worksheet=name, autofit=True)
    return out
