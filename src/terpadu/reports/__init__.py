"""Reports and exports in the stable layouts other agencies rely on."""

from terpadu.reports.export import export_families, export_persons

__all__ = ["export_families", "export_persons"]
