"""Small server-rendered SVG charts (no JavaScript, a few hundred bytes each)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def bar_chart(
    items: list[tuple[str, float]],
    *,
    title: str,
    width: int = 420,
    height: int = 180,
    color: str = "#2f6f4f",
) -> Markup:
    """A vertical bar chart of ``(label, value)`` pairs as inline SVG with a text fallback."""
    n = max(len(items), 1)
    top = max((v for _, v in items), default=0.0) or 1.0
    pad_b, pad_t = 22, 14
    slot = width / n
    bar_w = max(slot * 0.7, 2)
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(items):
        h = (height - pad_b - pad_t) * (value / top)
        x = i * slot + (slot - bar_w) / 2
        y = height - pad_b - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{escape(label)}: {value:,.0f}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="11" '
            f'text-anchor="middle">{escape(label)}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{max(y - 3, 10):.1f}" font-size="10" '
            f'text-anchor="middle">{value:,.0f}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
