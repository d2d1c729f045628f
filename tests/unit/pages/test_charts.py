"""Chart layout: everything drawn stays inside the plot, ticks cover the data."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from microneedling.web.pages._charts import Band, Line, Marker, line_chart

START = date(2026, 1, 1)
_points = st.lists(
    st.tuples(st.integers(0, 800), st.floats(-1e4, 1e4, allow_nan=False)), min_size=1, max_size=40
).map(lambda pts: [(START + timedelta(days=d), v) for d, v in sorted(pts)])


def _coordinates(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", d)]


@given(_points, _points, st.lists(st.integers(0, 800), max_size=5))
def test_everything_is_inside_the_plot(
    line: list[tuple[date, float]], other: list[tuple[date, float]], marks: list[int]
) -> None:
    chart = line_chart(
        "t",
        "y",
        [Line("a", line), Line("b", other, "line-2")],
        band=Band("b", other, other),
        markers=[Marker(START + timedelta(days=m), "m") for m in marks],
        dots=True,
    )
    drawn = [xy for d, _, _ in chart.paths for xy in _coordinates(d)]
    assert chart.band is not None
    drawn += _coordinates(chart.band[0])
    drawn += [(x, y) for x, y, _, _ in chart.dots]
    for x, y in drawn:
        assert chart.plot_left - 1e-6 <= x <= chart.plot_right + 1e-6
        assert chart.plot_top - 1e-6 <= y <= chart.plot_bottom + 1e-6
    for x, _, _ in chart.markers:
        assert chart.plot_left - 1e-6 <= x <= chart.plot_right + 1e-6
    values = [v for _, v in line + other]
    tick_values = [float(label) for _, label in chart.y_ticks]
    assert min(tick_values) <= min(values)
    assert max(tick_values) >= max(values)


def test_fixed_range_keeps_a_scale_whole() -> None:
    chart = line_chart("t", "y", [Line("a", [(START, 2.0)])], y_range=(1, 4))
    labels = [label for _, label in chart.y_ticks]
    assert (labels[0], labels[-1]) == ("1", "4")


def test_no_data_says_so() -> None:
    chart = line_chart("t", "y", [Line("a", [])])
    assert chart.summary == "No data yet."
    assert chart.paths == []
