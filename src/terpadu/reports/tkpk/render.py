"""A TKPK report as a PDF (WeasyPrint from an HTML template, charts as inline SVG) and as
an XLSX workbook (one sheet per table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import polars as pl
from markupsafe import Markup

from terpadu.files.xlsx_out import xlsx_bytes
from terpadu.locale import fmt_date, fmt_decimal, fmt_number
from terpadu.locale import text as words
from terpadu.reports.tkpk.model import Chart, Report, Table
from terpadu.web.charts import bar_chart, hbar_chart

TEMPLATES = Path(__file__).with_name("templates")
#: Excel's longest sheet name.
SHEET_CHARS = 31


def chart_svg(chart: Chart, lang: str) -> Markup:
    """The chart as inline SVG (the same drawing the web pages use)."""
    if chart.kind == "hbar":
        return hbar_chart(
            chart.items, title=chart.title, lang=lang, color=chart.color, percent=chart.percent
        )
    return bar_chart(
        chart.items, title=chart.title, lang=lang, color=chart.color, percent=chart.percent
    )


def cell(table: Table, column: str, value: Any, lang: str) -> str:
    """A table's value as the report's language writes it."""
    if value is None:
        return "–"
    if column in table.percent and isinstance(value, int | float):
        number = fmt_decimal(100 * value, lang, digits=1)
        return f"{number}%" if lang == "en" else f"{number} %"
    if isinstance(value, bool):
        return words("tkpk.yes" if value else "tkpk.no", lang)
    if isinstance(value, int):
        return fmt_number(value, lang)
    if isinstance(value, float):
        return fmt_decimal(value, lang, digits=4 if abs(value) < 1 else 1)
    return str(value)


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def report_html(report: Report) -> str:
    """The report as one HTML page (what the PDF is printed from)."""
    lang = report.lang

    def t(key: str, **values: object) -> str:
        return words(f"tkpk.{key}", lang, **values)

    return (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            lang=lang,
            t=t,
            chart_svg=lambda chart: chart_svg(chart, lang),
            cell=lambda table, column, value: cell(table, column, value, lang),
            generated=fmt_date(report.generated, lang),
            page_words=Markup(
                f"{_css_string(t('page'))} counter(page) {_css_string(t('of'))} counter(pages)"
            ),
        )
    )


def report_pdf(report: Report) -> bytes:
    """The report as an A4 PDF: the region, edition and date atop each page, page numbers
    at the foot."""
    # Imported here: only the PDF needs it (and its Pango libraries); it ships no types.
    import weasyprint  # type: ignore[import-untyped]

    pdf = weasyprint.HTML(string=report_html(report), base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return bytes(pdf)


def _sheet_name(key: str, taken: set[str]) -> str:
    name = key[:SHEET_CHARS]
    n = 2
    while name in taken:
        name = f"{key[: SHEET_CHARS - 3]}_{n}"
        n += 1
    taken.add(name)
    return name


def report_sheets(report: Report) -> dict[str, pl.DataFrame]:
    """A sheet naming the report, then one sheet per table."""
    lang = report.lang
    about = pl.DataFrame(
        {
            "keterangan": [
                words("tkpk.about_title", lang),
                words("tkpk.col_code", lang),
                words("tkpk.col_region", lang),
                words("tkpk.edition", lang),
                words("tkpk.generated", lang),
            ],
            "nilai": [
                report.title,
                report.region or words("tkpk.national", lang),
                report.region_name,
                report.edition or words("tkpk.no_edition", lang),
                report.generated.strftime("%Y-%m-%d %H:%M UTC"),
            ],
        }
    )
    taken = {"laporan"}
    sheets = {"laporan": about}
    for table in report.tables():
        sheets[_sheet_name(table.key, taken)] = table.frame
    return sheets


def report_xlsx(report: Report) -> bytes:
    """The report's tables as an XLSX workbook (identifiers as text, header frozen, filter)."""
    return xlsx_bytes(report_sheets(report))


def write_report(report: Report, out: Path) -> Path:
    """Write the report to ``out``: .pdf or .xlsx by its suffix."""
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValueError(words("tkpk.out_suffix", report.lang, path=str(out)))
    body = report_pdf(report) if suffix == ".pdf" else report_xlsx(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    return out


__all__ = [
    "cell",
    "chart_svg",
    "report_html",
    "report_pdf",
    "report_sheets",
    "report_xlsx",
    "write_report",
]
