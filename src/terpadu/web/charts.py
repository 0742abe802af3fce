"""Small server-rendered charts: inline SVG on the pages (no JavaScript, a few hundred bytes
each) and the same charts as PNG images to download (matplotlib).

Every value is written the way the page's language writes numbers (``fmt_number`` or, for a
percentage, ``fmt_decimal``), so a chart never reads "3,889" beside "3.352" in its table.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from terpadu.locale import fmt_decimal, fmt_number

#: The longest label drawn in full beside a horizontal bar (the whole name is in its tooltip).
LABEL_CHARS = 32
#: Height of one horizontal bar's row, in SVG units.
ROW_HEIGHT = 20


def value_text(value: float, lang: str, percent: bool = False) -> str:
    """A chart's value as the page writes it: a whole number, or a percentage with a decimal."""
    if percent:
        number = fmt_decimal(value, lang, digits=1)
        return f"{number} %" if lang != "en" else f"{number}%"
    return fmt_number(value, lang)


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    lang: str = "id",
    width: int = 420,
    height: int = 180,
    color: str = "#2f6f4f",
    percent: bool = False,
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
        shown = escape(value_text(value, lang, percent))
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{escape(label)}: {shown}</title></rect>"
            f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="11" '
            f'text-anchor="middle">{escape(label)}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{max(y - 3, 10):.1f}" font-size="10" '
            f'text-anchor="middle">{shown}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    lang: str = "id",
    width: int = 420,
    color: str = "#a33b2b",
    percent: bool = False,
) -> Markup:
    """A horizontal bar chart, one row per item (every item drawn, its name in full beside
    its bar): the chart grows with the number of rows instead of squeezing their labels."""
    label_w = 6.2 * max((len(_short(label)) for label, _ in items), default=4) + 8
    label_w = min(label_w, width * 0.5)
    value_w = 56
    bar_space = width - label_w - value_w
    top = max((v for _, v in items), default=0.0) or 1.0
    height = ROW_HEIGHT * max(len(items), 1) + 8
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" class="chart chart-h" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW_HEIGHT
        w = bar_space * (value / top)
        shown = escape(value_text(value, lang, percent))
        parts.append(
            f'<text x="{label_w - 6:.1f}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{label_w:.1f}" y="{y + 2}" width="{max(w, 1):.1f}" '
            f'height="{ROW_HEIGHT - 6}" fill="{color}"><title>{escape(label)}: {shown}</title>'
            f"</rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="10">{shown}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def chart_png(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    lang: str = "id",
    horizontal: bool = False,
    color: str = "#2f6f4f",
    percent: bool = False,
) -> bytes:
    """The same chart as a PNG image (matplotlib, Agg backend), values in the language's format."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [label for label, _ in items]
    values = [value for _, value in items]
    if horizontal:
        fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(items) + 1.2)))
        bars = ax.barh(labels, values, color=color)
        ax.invert_yaxis()
    else:
        fig, ax = plt.subplots(figsize=(8, 4))
        bars = ax.bar(labels, values, color=color)
    ax.bar_label(bars, labels=[value_text(v, lang, percent) for v in values], fontsize=8)
    ax.set_title(title, fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Axis numbers as the language writes them, too.
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _pos: value_text(v, lang, percent))
    )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()
