"""Server-rendered horizontal bar charts for the session report (long labels read left to right).

Same conventions as interviews/charts.py: a `<figure>` with an `<svg role="img">` carrying
`<title>` and `<desc>`, and the data as a table in a `<details>` element; an empty chart says
so instead of drawing nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# A narrow viewBox keeps 15-unit text readable (about 11 px) on a 390 px phone; the CSS caps the
# drawn width on desktops.
WIDTH = 480
ROW = 32
LABEL_W = 220
PAD = 12
COLOUR = "#2563eb"
_ids = count(1)


def _svg(chart_id: str, title: str, desc: str, height: int, body: str) -> str:
    return (
        format_html(
            '<svg class="chart-svg" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-labelledby="{}-t {}-d" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
            WIDTH,
            height,
            chart_id,
            chart_id,
            chart_id,
            title,
            chart_id,
            desc,
        )
        + body
        + "</svg>"
    )


def _table(title: str, labels: Sequence[str], columns: Sequence[tuple[str, Sequence[int]]]) -> str:
    head = format_html_join("", '<th scope="col">{}</th>', ((name,) for name, _ in columns))
    rows = "".join(
        format_html('<tr><th scope="row">{}</th>', label)
        + format_html_join("", "<td>{}</td>", ((values[i],) for _, values in columns))
        + "</tr>"
        for i, label in enumerate(labels)
    )
    return (
        '<details class="chart-data"><summary>Data table</summary><table class="table">'
        + format_html("<caption>{}</caption>", title)
        + '<thead><tr><th scope="col">Item</th>'
        + head
        + "</tr></thead><tbody>"
        + rows
        + "</tbody></table></details>"
    )


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    title: str,
    series_name: str = "Count",
    extra: Sequence[tuple[str, Sequence[int]]] = (),
    top: int = 8,
) -> SafeString:
    """One bar per label, longest first as given; the chart shows `top`, the table all."""
    chart_id = f"hchart{next(_ids)}"
    figure = format_html(
        '<figure class="chart" id="{}"><figcaption>{}</figcaption>', chart_id, title
    )
    if not labels:
        body = format_html(
            '<text x="{}" y="30" text-anchor="middle" font-size="18" fill="#4b5563">'
            "No data yet</text>",
            WIDTH // 2,
        )
        return mark_safe(
            figure + _svg(chart_id, title, f"{title}: no data yet.", 48, body) + "</figure>"
        )
    shown = list(zip(labels, values, strict=False))[:top]
    peak = max(1, *(v for _, v in shown))
    bar_room = WIDTH - LABEL_W - PAD * 2 - 40
    bars = []
    for index, (label, value) in enumerate(shown):
        y = PAD + index * ROW
        width = max(2.0, value / peak * bar_room)
        # Text at 15 user units stays readable when the chart is drawn narrower than its
        # viewBox (a phone); the full label is in the bar's title and the data table.
        short = label if len(label) <= 27 else label[:26] + "…"
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="15" fill="#1f2937">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title>'
                '</rect><text x="{}" y="{}" font-size="15" fill="#1f2937">{}</text>',
                LABEL_W,
                y + 20,
                short,
                LABEL_W + PAD,
                y + 4,
                f"{width:.1f}",
                ROW - 8,
                COLOUR,
                label,
                value,
                f"{LABEL_W + PAD + width + 6:.1f}",
                y + 20,
                value,
            )
        )
    described = "; ".join(f"{label}: {value}" for label, value in shown)
    height = PAD * 2 + ROW * len(shown)
    svg = _svg(chart_id, title, f"{title}. {described}.", height, "".join(bars))
    table = _table(title, labels, [(series_name, values), *extra])
    return mark_safe(figure + svg + table + "</figure>")
