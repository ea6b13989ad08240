"""Server-rendered SVG charts: accessible, and sane for 0, 1 and many points."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from interviews.charts import Series, bar_chart, line_chart


def svg_of(html: str) -> ElementTree.Element:
    match = re.search(r"<svg.*?</svg>", str(html), re.S)
    assert match, html
    return ElementTree.fromstring(match.group(0))  # noqa: S314  (our own output)


NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("n", [0, 1, 2, 40])
def test_bar_chart_for_any_number_of_points(n: int) -> None:
    labels = [f"Q{i}" for i in range(n)]
    values = [100 + i * 3 for i in range(n)]
    html = bar_chart(labels, values, title="Words per minute", band=(120, 165))
    svg = svg_of(html)
    assert svg.get("role") == "img"
    labelled = svg.get("aria-labelledby").split()
    assert svg.find(f"{NS}title").get("id") == labelled[0]
    assert svg.find(f"{NS}desc").get("id") == labelled[1]
    bars = [r for r in svg.iter(f"{NS}rect") if r.get("class") != "chart-band"]
    assert len(bars) == n
    if n == 0:
        assert "No data yet" in html
        assert "<table" not in html
    else:
        assert html.count('<th scope="row">') == n  # the data table fallback
        assert "Q0 100" in svg.find(f"{NS}desc").text


@pytest.mark.parametrize("n", [0, 1, 2, 30])
def test_line_chart_for_any_number_of_points(n: int) -> None:
    labels = [f"S{i}" for i in range(n)]
    series = [Series("Overall", [2 + (i % 3) for i in range(n)]), Series("Delivery", [None] * n)]
    html = line_chart(labels, series, title="Scores", y_min=1, y_max=5)
    svg = svg_of(html)
    assert svg.get("role") == "img"
    circles = list(svg.iter(f"{NS}circle"))
    assert len(circles) == n
    lines = list(svg.iter(f"{NS}polyline"))
    assert len(lines) == (1 if n >= 2 else 0)
    if n:
        assert "Overall" in html
        assert html.count('<th scope="row">') == n


def test_chart_text_is_escaped() -> None:
    html = bar_chart(["<script>"], [1], title="A & B <b>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    svg_of(html)  # still well-formed XML
