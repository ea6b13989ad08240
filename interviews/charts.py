"""Server-rendered SVG charts (no JavaScript, no CDN), accessible and printable.

Every chart is a `<figure>` holding an `<svg role="img">` with `<title>` and `<desc>` (read by
screen readers), plus a data table fallback in a `<details>` element. Works for 0, 1 and many
points: no data renders an explicit "No data yet" chart, one point renders a dot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# A narrow viewBox keeps 15-unit text readable (about 11 px) on a 390 px phone; the CSS caps the
# drawn width on desktops so the text never grows past about 19 px.
WIDTH, HEIGHT = 440, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 64, 16, 16, 40
PALETTE = ("#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2")
_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "\u2013"
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"
    return f"{text}{unit}"


def _scale(values: list[float], y_min: float | None, y_max: float | None) -> tuple[float, float]:
    lo = y_min if y_min is not None else min([0.0, *values])
    hi = y_max if y_max is not None else max([1.0, *values])
    if hi <= lo:
        hi = lo + 1
    if y_max is None:
        hi = _nice_ceiling(hi * 1.05)
    return lo, hi


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 4, 5, 8 or 10 x 10^k not below `value` (even axis ticks)."""
    magnitude = 10 ** math.floor(math.log10(value)) if value > 0 else 1
    for step in (1, 2, 2.5, 4, 5, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _table(labels: Sequence[str], series: Sequence[Series], unit: str, caption: str) -> str:
    head = "".join(format_html('<th scope="col">{}</th>', s.name) for s in series)
    rows = []
    for index, label in enumerate(labels):
        cells = "".join(
            format_html(
                "<td>{}</td>", _fmt(s.values[index] if index < len(s.values) else None, unit)
            )
            for s in series
        )
        rows.append(format_html('<tr><th scope="row">{}</th>', label) + cells + "</tr>")
    return (
        '<details class="chart-data"><summary>Data table</summary><table class="table">'
        + format_html("<caption>{}</caption>", caption)
        + '<thead><tr><th scope="col">Item</th>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></details>"
    )


def _frame(title: str, desc: str, body: str, chart_id: str) -> str:
    return (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        + format_html(
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>', chart_id, title, chart_id, desc
        )
        + body
        + "</svg>"
    )


def _axes(lo: float, hi: float, unit: str, band: tuple[float, float] | None) -> str:
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    parts = []

    def y(value: float) -> float:
        return PAD_TOP + plot_h - (value - lo) / (hi - lo) * plot_h

    if band is not None:
        top, bottom = y(min(hi, band[1])), y(max(lo, band[0]))
        parts.append(
            f'<rect class="chart-band" x="{PAD_LEFT}" y="{top:.1f}" '
            f'width="{WIDTH - PAD_LEFT - PAD_RIGHT}" height="{max(0.0, bottom - top):.1f}" '
            'fill="#16a34a" fill-opacity="0.08"/>'
        )
    for step in range(5):
        value = lo + (hi - lo) * step / 4
        yy = y(value)
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
            'stroke="#d1d5db" stroke-width="1"/>'
            f'<text x="{PAD_LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="15" '
            f'fill="#4b5563">{escape(_fmt(round(value, 1), unit))}</text>'
        )
    return "".join(parts)


def _x_positions(n: int) -> list[float]:
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    if n == 1:
        return [PAD_LEFT + plot_w / 2]
    return [PAD_LEFT + plot_w * (i + 0.5) / n for i in range(n)]


def _x_labels(labels: Sequence[str], xs: list[float]) -> str:
    # Text at 15 user units stays readable when the chart is drawn narrower than its viewBox
    # (a phone), so at most five labels fit along the axis; every point is in the data table.
    step = max(1, -(-len(labels) // 5))
    return "".join(
        f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" font-size="15" '
        f'fill="#374151">{escape(label[:9])}</text>'
        for i, (label, x) in enumerate(zip(labels, xs, strict=False))
        if i % step == 0
    )


def _empty(title: str, chart_id: str) -> SafeString:
    body = (
        f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="18" '
        'fill="#4b5563">No data yet</text>'
    )
    svg = _frame(title, f"{title}: no data yet.", body, chart_id)
    return mark_safe(
        format_html('<figure class="chart" id="{}"><figcaption>{}</figcaption>', chart_id, title)
        + svg
        + "</figure>"
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    unit: str = "",
    series_name: str = "Value",
    band: tuple[float, float] | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
) -> SafeString:
    """One bar per label (e.g. words per minute per answer); `band` shades a target range."""
    chart_id = f"chart{next(_ids)}"
    present = [v for v in values if v is not None]
    if not labels or not present:
        return _empty(title, chart_id)
    lo, hi = _scale([*present, *(band or ())], y_min, y_max)
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    xs = _x_positions(len(labels))
    bar_w = max(4.0, min(48.0, (WIDTH - PAD_LEFT - PAD_RIGHT) / len(labels) * 0.6))
    bars = []
    for label, value, x in zip(labels, values, xs, strict=False):
        if value is None:
            continue
        clamped = max(lo, min(hi, value))
        height = (clamped - lo) / (hi - lo) * plot_h
        top = PAD_TOP + plot_h - height
        bars.append(
            f'<rect x="{x - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
            f'height="{max(1.0, height):.1f}" fill="{PALETTE[0]}">'
            + format_html("<title>{}: {}</title>", label, _fmt(value, unit))
            + "</rect>"
        )
    described = ", ".join(
        f"{label} {_fmt(v, unit)}" for label, v in zip(labels, values, strict=False)
    )
    target = f" Target {_fmt(band[0], unit)} to {_fmt(band[1], unit)}." if band else ""
    desc = f"{title}. {described}.{target}"
    svg = _frame(
        title, desc, _axes(lo, hi, unit, band) + "".join(bars) + _x_labels(labels, xs), chart_id
    )
    table = _table(labels, [Series(series_name, values)], unit, title)
    return mark_safe(
        format_html('<figure class="chart" id="{}"><figcaption>{}</figcaption>', chart_id, title)
        + svg
        + table
        + "</figure>"
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    y_min: float | None = None,
    y_max: float | None = None,
) -> SafeString:
    """Several series across the same labels (e.g. scores across sessions), with a legend."""
    chart_id = f"chart{next(_ids)}"
    present = [v for s in series for v in s.values if v is not None]
    if not labels or not present:
        return _empty(title, chart_id)
    lo, hi = _scale(present, y_min, y_max)
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    xs = _x_positions(len(labels))

    def y(value: float) -> float:
        return PAD_TOP + plot_h - (max(lo, min(hi, value)) - lo) / (hi - lo) * plot_h

    marks = []
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [(x, y(v), v) for x, v in zip(xs, item.values, strict=False) if v is not None]
        if len(points) >= 2:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy, _ in points)
            dash = ' stroke-dasharray="5 3"' if index % 2 else ""
            marks.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for x, yy, v in points:
            marks.append(
                f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4" fill="{colour}">'
                + format_html("<title>{}: {}</title>", item.name, _fmt(v, unit))
                + "</circle>"
            )
    legend = "".join(
        format_html(
            '<li><span class="chart-swatch" style="background:{}" aria-hidden="true"></span>'
            "{}</li>",
            PALETTE[i % len(PALETTE)],
            s.name,
        )
        for i, s in enumerate(series)
    )
    desc_parts = []
    for s in series:
        values = [v for v in s.values if v is not None]
        if values:
            desc_parts.append(f"{s.name}: from {_fmt(values[0], unit)} to {_fmt(values[-1], unit)}")
    desc = f"{title} across {len(labels)} item(s). " + "; ".join(desc_parts) + "."
    svg = _frame(
        title, desc, _axes(lo, hi, unit, None) + "".join(marks) + _x_labels(labels, xs), chart_id
    )
    return mark_safe(
        format_html('<figure class="chart" id="{}"><figcaption>{}</figcaption>', chart_id, title)
        + svg
        + '<ul class="chart-legend">'
        + legend
        + "</ul>"
        + _table(labels, series, unit, title)
        + "</figure>"
    )
