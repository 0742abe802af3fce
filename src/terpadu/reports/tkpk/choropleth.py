"""A choropleth map of regions, drawn server-side as SVG from a GeoJSON of boundaries.

Terpadu ships no boundaries: an office gives its own file (``TERPADU_BOUNDARIES_FILE``), a
GeoJSON FeatureCollection whose features carry the Kemendagri region code in the property
``kode`` (also read: ``kode_wilayah``, ``KODE``, ``kode_kemendagri``; dots allowed) and a
Polygon or MultiPolygon geometry in longitude/latitude. Without the file there is no map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from terpadu.errors import TerpaduError
from terpadu.locale import fmt_decimal
from terpadu.regions import RegionCodeError, normalize_code

CODE_PROPERTIES = ("kode", "kode_wilayah", "KODE", "kode_kemendagri")
#: Light to dark: a larger share, a darker region.
PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
NO_DATA = "#dddddd"
WIDTH = 420

Ring = list[tuple[float, float]]


class BoundariesError(TerpaduError, ValueError):
    """The boundaries file cannot be read as the map needs it."""

    code = "boundaries_invalid"


@dataclass(frozen=True)
class Boundary:
    code: str
    polygons: list[list[Ring]]  # each polygon: its outer ring, then its holes


def _rings(geometry: Mapping[str, Any], where: str) -> list[list[Ring]]:
    kind = geometry.get("type")
    coords: Any = geometry.get("coordinates") or []
    polygons: Any
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        raise BoundariesError(f"{where}: geometri '{kind}' bukan Polygon atau MultiPolygon")
    try:
        return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in poly] for poly in polygons]
    except (TypeError, ValueError) as exc:
        raise BoundariesError(f"{where}: koordinat tidak terbaca ({exc})") from exc


def parse_boundaries(data: Any, source: str) -> dict[str, Boundary]:
    """The boundaries of a GeoJSON FeatureCollection, by region code."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundariesError(f"{source}: bukan GeoJSON FeatureCollection")
    found: dict[str, Boundary] = {}
    for index, feature in enumerate(data.get("features") or [], start=1):
        where = f"{source}, fitur ke-{index}"
        properties = feature.get("properties") or {}
        raw = next((properties[k] for k in CODE_PROPERTIES if properties.get(k)), None)
        if raw is None:
            raise BoundariesError(
                f"{where}: tidak ada properti kode wilayah ({', '.join(CODE_PROPERTIES)})"
            )
        try:
            code = normalize_code(str(raw))
        except RegionCodeError as exc:
            raise BoundariesError(f"{where}: kode wilayah '{raw}' tidak sah ({exc})") from exc
        found[code] = Boundary(code, _rings(feature.get("geometry") or {}, where))
    return found


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, Boundary]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BoundariesError(f"{path}: tidak dapat dibaca sebagai GeoJSON ({exc})") from exc
    return parse_boundaries(data, path)


def load_boundaries(path: Path) -> dict[str, Boundary]:
    """The boundaries in ``path`` (read again when the file changes)."""
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise BoundariesError(f"{path}: berkas batas wilayah tidak ada ({exc})") from exc
    return _load(str(path), mtime)


def color(value: float | None) -> str:
    """The fill of a share (0-1): five equal classes, none for a region without data."""
    if value is None:
        return NO_DATA
    return PALETTE[min(int(max(value, 0.0) * len(PALETTE)), len(PALETTE) - 1)]


def _project(boundaries: Sequence[Boundary]) -> tuple[Any, float]:
    points = [p for b in boundaries for poly in b.polygons for ring in poly for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    # Longitude shrinks with latitude; near the equator this is all a map needs.
    stretch = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * stretch, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (WIDTH - 8) / span_x
    height = span_y * scale + 8

    def point(x: float, y: float) -> str:
        return f"{4 + (x - west) * stretch * scale:.1f},{4 + (north - y) * scale:.1f}"

    return point, height


def choropleth(
    boundaries: Mapping[str, Boundary],
    values: Mapping[str, tuple[str, float | None]],
    *,
    title: str,
    lang: str,
    legend_none: str,
    link: str | None = None,
) -> Markup | None:
    """The regions of ``values`` (code -> (name, share 0-1 or None)) that have a boundary,
    one ``<path>`` each, filled by share, with a legend; None when none has a boundary.
    With ``link`` (a URL ending in ``=``), each region links to it with its code added."""
    shown = [boundaries[c] for c in values if c in boundaries]
    if not shown:
        return None
    point, height = _project(shown)
    legend_y = height + 6
    total = legend_y + 20 * (len(PALETTE) + 1) + 4
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {total:.0f}" '
        f'width="100%" class="chart map" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for boundary in shown:
        name, value = values[boundary.code]
        d = " ".join(
            "M" + " L".join(point(x, y) for x, y in ring) + " Z"
            for poly in boundary.polygons
            for ring in poly
        )
        label = f"{name or boundary.code}: " + (
            _percent(value, lang) if value is not None else legend_none
        )
        path = (
            f'<path d="{d}" fill="{color(value)}" fill-rule="evenodd" stroke="#333" '
            f'stroke-width="0.6"><title>{escape(label)}</title></path>'
        )
        if link:
            path = f'<a href="{escape(link + boundary.code)}">{path}</a>'
        parts.append(path)
    step = 1 / len(PALETTE)
    for i, fill in enumerate(PALETTE):
        y = legend_y + 20 * i
        words = f"{_percent(i * step, lang)} – {_percent((i + 1) * step, lang)}"
        parts.append(_swatch(y, fill, words))
    parts.append(_swatch(legend_y + 20 * len(PALETTE), NO_DATA, legend_none))
    parts.append("</svg>")
    return Markup("".join(parts))


def _swatch(y: float, fill: str, words: str) -> str:
    return (
        f'<rect x="4" y="{y:.0f}" width="16" height="14" fill="{fill}" stroke="#333" '
        f'stroke-width="0.5"/><text x="26" y="{y + 11:.0f}" font-size="11">{escape(words)}</text>'
    )


def _percent(value: float, lang: str) -> str:
    number = fmt_decimal(100 * value, lang, digits=0 if value in (0, 1) else 1)
    return f"{number}%" if lang == "en" else f"{number} %"


__all__ = [
    "CODE_PROPERTIES",
    "BoundariesError",
    "Boundary",
    "choropleth",
    "color",
    "load_boundaries",
    "parse_boundaries",
]
