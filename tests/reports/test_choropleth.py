"""The map: one path per region with a boundary, filled by share, a legend, links; a bad
boundaries file is named with the feature at fault."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from terpadu.reports.tkpk.choropleth import (
    NO_DATA,
    PALETTE,
    BoundariesError,
    choropleth,
    color,
    load_boundaries,
    parse_boundaries,
)


def square(code: str, west: float, south: float, size: float = 0.1) -> dict[str, object]:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {
        "type": "Feature",
        "properties": {"kode": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def two_squares() -> dict[str, object]:
    """Two desa of Kramatwatu side by side (made up for the test, not real boundaries)."""
    return {
        "type": "FeatureCollection",
        "features": [
            square("36.04.05.2001", 106.0, -6.0),
            square("3604052002", 106.1, -6.0),
        ],
    }


def test_one_path_per_region_filled_by_its_share(tmp_path: Path) -> None:
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps(two_squares()))
    boundaries = load_boundaries(path)
    assert set(boundaries) == {"3604052001", "3604052002"}
    svg = choropleth(
        boundaries,
        {"3604052001": ("Desa A", 1.0), "3604052002": ("Desa B", None), "3604052003": ("C", 0.5)},
        title="Peta <uji>",
        lang="id",
        legend_none="belum diperingkat",
        link="/laporan?wilayah=",
    )
    assert svg is not None
    paths = re.findall(r"<path [^>]*>", svg)
    assert len(paths) == 2  # the region without a boundary is left out
    assert f'fill="{PALETTE[-1]}"' in paths[0] and f'fill="{NO_DATA}"' in paths[1]
    assert '<a href="/laporan?wilayah=3604052001">' in svg
    assert "Peta &lt;uji&gt;" in svg and "<uji>" not in svg
    assert svg.count("<rect ") == len(PALETTE) + 1  # the legend, and "no data"
    assert "80,0 % – 100 %" in svg and "belum diperingkat" in svg
    # The two squares sit side by side: the second starts where the first ends.
    xs = [float(x) for x in re.findall(r"M([0-9.]+),", svg)]
    assert xs[0] < xs[1]


def test_no_region_with_a_boundary_gives_no_map() -> None:
    boundaries = parse_boundaries(two_squares(), "uji")
    assert (
        choropleth(boundaries, {"3601": ("X", 0.2)}, title="t", lang="en", legend_none="-") is None
    )


def test_colours_rise_with_the_share() -> None:
    assert [color(v) for v in (0.0, 0.19, 0.2, 0.99, 1.0)] == [
        PALETTE[0],
        PALETTE[0],
        PALETTE[1],
        PALETTE[-1],
        PALETTE[-1],
    ]


@pytest.mark.parametrize(
    ("feature", "words"),
    [
        ({"properties": {}, "geometry": {"type": "Polygon", "coordinates": []}}, "fitur ke-2"),
        ({"properties": {"kode": "36.4"}, "geometry": {}}, "'36.4' tidak sah"),
        ({"properties": {"kode": "3601"}, "geometry": {"type": "Point"}}, "bukan Polygon"),
    ],
)
def test_a_bad_feature_is_named(feature: dict[str, object], words: str) -> None:
    data = two_squares()
    data["features"] = [data["features"][0], feature]  # type: ignore[index]
    with pytest.raises(BoundariesError, match=re.escape(words)):
        parse_boundaries(data, "batas.geojson")


def test_a_missing_or_broken_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BoundariesError, match="tidak ada"):
        load_boundaries(tmp_path / "none.geojson")
    broken = tmp_path / "broken.geojson"
    broken.write_text("{")
    with pytest.raises(BoundariesError, match=r"broken\.geojson"):
        load_boundaries(broken)
