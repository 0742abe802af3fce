"""Reports for a TKPK (poverty-reduction coordination team) meeting: the region poverty
profile and the province roll-up by kab/kota, as PDF and XLSX."""

from terpadu.reports.tkpk.model import Chart, Report, Section, Table
from terpadu.reports.tkpk.profile import ReportError, region_profile
from terpadu.reports.tkpk.render import report_pdf, report_xlsx, write_report
from terpadu.reports.tkpk.rollup import breakdown, province_rollup

__all__ = [
    "Chart",
    "Report",
    "ReportError",
    "Section",
    "Table",
    "breakdown",
    "province_rollup",
    "region_profile",
    "report_pdf",
    "report_xlsx",
    "write_report",
]
